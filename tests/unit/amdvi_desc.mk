UNIT_TESTS += amdvi_desc
UNIT_SRCS_amdvi_desc := iommu/amdvi_desc.c tests/unit/test_amdvi_desc.c
