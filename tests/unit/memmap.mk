UNIT_TESTS += memmap
UNIT_SRCS_memmap := hv/memmap.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/test_memmap.c
