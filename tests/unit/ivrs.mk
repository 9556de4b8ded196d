UNIT_TESTS += ivrs
UNIT_SRCS_ivrs := iommu/ivrs.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_ivrs.c
