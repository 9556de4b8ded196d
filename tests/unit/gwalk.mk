UNIT_TESTS += gwalk
UNIT_SRCS_gwalk := hv/platform/gwalk.c tests/unit/test_gwalk.c
