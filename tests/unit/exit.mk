UNIT_TESTS += exit
# What hv/vm/exit.c links against (the guest-facing models it dispatches to
# and the library), for every test that links exit.c.
EXIT_SRCS := hv/vm/exit.c hv/platform/cr_policy.c hv/platform/decode.c hv/platform/gwalk.c \
	hv/platform/vuart.c hv/platform/vrtc.c hv/platform/vpit.c hv/platform/vreset.c lib/rtc_time.c \
	hv/platform/icr_filter.c hv/platform/msr_policy.c hv/platform/cpuid_policy.c \
	hv/platform/vpci.c hv/platform/vbus.c hv/vm/vm_con.c hv/vm/con_line.c lib/ratelimit.c lib/format.c lib/str.c \
	lib/err.c tests/unit/fake_printk.c tests/unit/fake_x86.c
UNIT_SRCS_exit := $(EXIT_SRCS) tests/unit/test_exit.c
