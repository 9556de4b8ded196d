UNIT_TESTS += pci
UNIT_SRCS_pci := drivers/pci/pci.c drivers/pci/enum.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/fake_pcie.c tests/unit/test_pci.c
