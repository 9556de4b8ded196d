UNIT_TESTS += stackguard
UNIT_SRCS_stackguard := hv/core/stackguard.c hv/core/paging.c hv/core/palloc.c lib/pt.c hv/core/memmap.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_stackguard.c
