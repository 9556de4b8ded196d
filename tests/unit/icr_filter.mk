UNIT_TESTS += icr_filter
UNIT_SRCS_icr_filter := hv/platform/icr_filter.c tests/unit/test_icr_filter.c
