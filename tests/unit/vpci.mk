UNIT_TESTS += vpci
UNIT_SRCS_vpci := hv/vpci.c tests/unit/test_vpci.c
