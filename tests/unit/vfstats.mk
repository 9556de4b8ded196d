UNIT_TESTS += vfstats
UNIT_SRCS_vfstats := drivers/igb/vfstats.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_igb.c tests/unit/test_vfstats.c
