UNIT_TESTS += dmar
UNIT_SRCS_dmar := iommu/dmar.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/test_dmar.c
