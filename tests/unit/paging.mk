UNIT_TESTS += paging
UNIT_SRCS_paging := hv/paging.c hv/palloc.c hv/memmap.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/test_paging.c
