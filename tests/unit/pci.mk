UNIT_TESTS += pci
UNIT_SRCS_pci := drivers/pci/pci.c drivers/pci/enum.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_pcie.c tests/unit/test_pci.c
