UNIT_TESTS += vuart
UNIT_SRCS_vuart := hv/platform/vuart.c tests/unit/test_vuart.c
