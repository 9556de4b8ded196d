UNIT_TESTS += exit
UNIT_SRCS_exit := hv/exit.c hv/cr_policy.c hv/decode.c hv/gwalk.c hv/vuart.c hv/vrtc.c hv/icr_filter.c hv/msr_policy.c hv/cpuid_policy.c hv/vpci.c hv/vm_con.c hv/format.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/fake_x86.c tests/unit/test_exit.c
