UNIT_TESTS += resv
UNIT_SRCS_resv := iommu/resv.c iommu/dmar.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_resv.c
