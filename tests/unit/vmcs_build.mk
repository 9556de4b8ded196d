UNIT_TESTS += vmcs_build
UNIT_SRCS_vmcs_build := hv/vmx/vmcs_build.c hv/vmx/vmentry_check.c hv/vmx/vmx_ctls.c \
	hv/vm/vcpu.c lib/format.c tests/unit/test_vmcs_build.c
