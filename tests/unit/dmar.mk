UNIT_TESTS += dmar
UNIT_SRCS_dmar := iommu/dmar.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_dmar.c
