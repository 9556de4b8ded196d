UNIT_TESTS += vreset
UNIT_SRCS_vreset := hv/platform/vreset.c tests/unit/test_vreset.c
