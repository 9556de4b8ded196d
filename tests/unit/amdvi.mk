UNIT_TESTS += amdvi
UNIT_SRCS_amdvi := iommu/amdvi.c iommu/amdvi_desc.c iommu/amdvi_pt.c iommu/amdvi_queue.c iommu/ivrs.c iommu/iommu.c iommu/resv.c iommu/dmar.c iommu/fault_log.c hv/core/palloc.c lib/ratelimit.c lib/pt.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_pt.c tests/unit/test_amdvi.c
