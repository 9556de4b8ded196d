UNIT_TESTS += vtd_desc
UNIT_SRCS_vtd_desc := iommu/vtd_desc.c tests/unit/test_vtd_desc.c
