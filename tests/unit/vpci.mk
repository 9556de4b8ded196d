UNIT_TESTS += vpci
UNIT_SRCS_vpci := hv/platform/vpci.c tests/unit/test_vpci.c
