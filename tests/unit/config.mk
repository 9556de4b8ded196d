UNIT_TESTS += config
UNIT_SRCS_config := hv/config.c hv/cmdline.c hv/str.c hv/err.c hv/format.c drivers/pci/pci.c tests/unit/fake_printk.c tests/unit/test_config.c
