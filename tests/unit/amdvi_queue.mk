UNIT_TESTS += amdvi_queue
UNIT_SRCS_amdvi_queue := iommu/amdvi_queue.c tests/unit/test_amdvi_queue.c
