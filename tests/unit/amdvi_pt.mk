UNIT_TESTS += amdvi_pt
UNIT_SRCS_amdvi_pt := iommu/amdvi_pt.c iommu/amdvi_desc.c hv/core/palloc.c lib/pt.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/fake_pt.c tests/unit/test_amdvi_pt.c
