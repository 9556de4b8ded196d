UNIT_TESTS += vm_ram
UNIT_SRCS_vm_ram := hv/vm/vm_ram.c hv/core/palloc.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_vm_ram.c
