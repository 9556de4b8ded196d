UNIT_TESTS += mailbox
UNIT_SRCS_mailbox := drivers/igb/mailbox.c drivers/igb/vfcfg.c lib/ratelimit.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_igb.c tests/unit/test_mailbox.c
