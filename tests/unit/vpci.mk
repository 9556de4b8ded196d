UNIT_TESTS += vpci
UNIT_SRCS_vpci := hv/platform/vpci.c hv/platform/vbus.c tests/unit/test_vpci.c
