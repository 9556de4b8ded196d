UNIT_TESTS += config
UNIT_SRCS_config := hv/vm/config.c hv/core/cmdline.c lib/str.c lib/err.c lib/format.c drivers/pci/pci.c tests/unit/fake_printk.c tests/unit/test_config.c
