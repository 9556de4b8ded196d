UNIT_TESTS += ratelimit
UNIT_SRCS_ratelimit := lib/ratelimit.c lib/format.c lib/str.c tests/unit/fake_printk.c tests/unit/test_ratelimit.c
