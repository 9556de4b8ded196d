UNIT_TESTS += reset_log
UNIT_SRCS_reset_log := hv/vm/reset_log.c tests/unit/test_reset_log.c
