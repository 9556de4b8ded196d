UNIT_TESTS += igb_pf
UNIT_SRCS_igb_pf := drivers/igb/igb_pf.c drivers/igb/vfcfg.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_igb.c tests/unit/test_igb_pf.c
