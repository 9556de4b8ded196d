UNIT_TESTS += paging
UNIT_SRCS_paging := hv/core/paging.c hv/core/palloc.c lib/pt.c hv/core/memmap.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/fake_pt.c tests/unit/test_paging.c
