UNIT_TESTS += vuart
UNIT_SRCS_vuart := hv/vuart.c tests/unit/test_vuart.c
