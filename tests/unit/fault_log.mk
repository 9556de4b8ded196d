UNIT_TESTS += fault_log
UNIT_SRCS_fault_log := iommu/fault_log.c lib/ratelimit.c lib/format.c lib/str.c tests/unit/fake_printk.c tests/unit/test_fault_log.c
