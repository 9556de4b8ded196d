UNIT_TESTS += vmx_ctls
UNIT_SRCS_vmx_ctls := hv/vmx/vmx_ctls.c lib/format.c tests/unit/test_vmx_ctls.c
