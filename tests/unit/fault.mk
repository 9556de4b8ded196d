UNIT_TESTS += fault
UNIT_SRCS_fault := hv/core/fault.c lib/format.c lib/str.c tests/unit/fake_printk.c tests/unit/test_fault.c
