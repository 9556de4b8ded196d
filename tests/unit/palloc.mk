UNIT_TESTS += palloc
UNIT_SRCS_palloc := hv/palloc.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/test_palloc.c
