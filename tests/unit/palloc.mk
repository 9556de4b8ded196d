UNIT_TESTS += palloc
UNIT_SRCS_palloc := hv/core/palloc.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_palloc.c
