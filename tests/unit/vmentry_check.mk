UNIT_TESTS += vmentry_check
UNIT_SRCS_vmentry_check := hv/vmx/vmentry_check.c hv/vmx/vmx_ctls.c lib/format.c \
	tests/unit/test_vmentry_check.c
