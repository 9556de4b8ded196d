UNIT_TESTS += msr_policy
UNIT_SRCS_msr_policy := hv/platform/msr_policy.c tests/unit/test_msr_policy.c
