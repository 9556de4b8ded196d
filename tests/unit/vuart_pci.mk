UNIT_TESTS += vuart_pci
UNIT_SRCS_vuart_pci := hv/platform/vuart_pci.c hv/platform/vbus.c lib/str.c tests/unit/test_vuart_pci.c
