UNIT_TESTS += sriov
UNIT_SRCS_sriov := drivers/sriov/sriov.c drivers/pci/pci.c drivers/pci/enum.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/fake_pcie.c tests/unit/test_sriov.c
