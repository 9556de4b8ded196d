UNIT_TESTS += vm_uart
UNIT_SRCS_vm_uart := hv/vm/vm_uart.c hv/platform/vuart.c hv/platform/vuart_pci.c hv/platform/vbus.c \
	hv/platform/vmsix.c lib/ratelimit.c lib/format.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/fake_vm_dest.c \
	tests/unit/test_vm_uart.c
