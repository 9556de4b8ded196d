UNIT_TESTS += vmsix
UNIT_SRCS_vmsix := hv/platform/vmsix.c iommu/vtd_desc.c tests/unit/test_vmsix.c
