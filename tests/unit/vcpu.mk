UNIT_TESTS += vcpu
UNIT_SRCS_vcpu := hv/vm/vcpu.c tests/unit/test_vcpu.c
