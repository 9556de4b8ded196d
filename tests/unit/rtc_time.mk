UNIT_TESTS += rtc_time
UNIT_SRCS_rtc_time := lib/rtc_time.c tests/unit/test_rtc_time.c
