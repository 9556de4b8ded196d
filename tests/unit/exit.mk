UNIT_TESTS += exit
UNIT_SRCS_exit := hv/vm/exit.c hv/platform/cr_policy.c hv/platform/decode.c hv/platform/gwalk.c hv/platform/vuart.c hv/platform/vrtc.c lib/rtc_time.c hv/platform/icr_filter.c hv/platform/msr_policy.c hv/platform/cpuid_policy.c hv/platform/vpci.c hv/vm/vm_con.c lib/format.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/fake_x86.c tests/unit/test_exit.c
