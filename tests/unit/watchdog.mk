UNIT_TESTS += watchdog
UNIT_SRCS_watchdog := hv/core/watchdog.c lib/format.c lib/str.c tests/unit/test_watchdog.c
