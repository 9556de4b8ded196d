UNIT_TESTS += vtd_pt
UNIT_SRCS_vtd_pt := iommu/vtd_pt.c hv/palloc.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/test_vtd_pt.c
