UNIT_TESTS += iommu
UNIT_SRCS_iommu := iommu/iommu.c iommu/resv.c iommu/dmar.c iommu/vtd_pt.c hv/core/palloc.c lib/pt.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_pt.c tests/unit/test_iommu.c
