UNIT_TESTS += ept
UNIT_SRCS_ept := hv/vmx/ept.c hv/core/palloc.c lib/pt.c tests/unit/fake_pt.c tests/unit/test_ept.c
