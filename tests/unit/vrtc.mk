UNIT_TESTS += vrtc
UNIT_SRCS_vrtc := hv/platform/vrtc.c lib/rtc_time.c tests/unit/test_vrtc.c
