UNIT_TESTS += cpuid_policy
UNIT_SRCS_cpuid_policy := hv/platform/cpuid_policy.c tests/unit/test_cpuid_policy.c
