UNIT_TESTS += gwalk
UNIT_SRCS_gwalk := hv/gwalk.c tests/unit/test_gwalk.c
