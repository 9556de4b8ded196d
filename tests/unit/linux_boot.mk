UNIT_TESTS += linux_boot
UNIT_SRCS_linux_boot := hv/linux_boot.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/test_linux_boot.c
