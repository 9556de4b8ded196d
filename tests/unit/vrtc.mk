UNIT_TESTS += vrtc
UNIT_SRCS_vrtc := hv/vrtc.c tests/unit/test_vrtc.c
