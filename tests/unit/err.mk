UNIT_TESTS += err
UNIT_SRCS_err := hv/err.c tests/unit/test_err.c
