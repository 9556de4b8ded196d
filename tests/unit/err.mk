UNIT_TESTS += err
UNIT_SRCS_err := lib/err.c tests/unit/test_err.c
