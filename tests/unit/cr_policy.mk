UNIT_TESTS += cr_policy
UNIT_SRCS_cr_policy := hv/platform/cr_policy.c tests/unit/test_cr_policy.c
