UNIT_TESTS += options
UNIT_SRCS_options := hv/core/options.c hv/core/cmdline.c drivers/pci/pci.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_options.c
