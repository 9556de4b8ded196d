UNIT_TESTS += memmap
UNIT_SRCS_memmap := hv/core/memmap.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_memmap.c
