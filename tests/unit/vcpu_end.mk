UNIT_TESTS += vcpu_end
UNIT_SRCS_vcpu_end := hv/vm/vcpu_end.c hv/vm/reset_log.c hv/platform/vmsix.c hv/vm/vm_uart.c hv/platform/vuart_pci.c tests/unit/fake_vm_dest.c $(EXIT_SRCS) tests/unit/test_vcpu_end.c
