UNIT_TESTS += linux_boot
UNIT_SRCS_linux_boot := hv/platform/linux_boot.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_linux_boot.c
