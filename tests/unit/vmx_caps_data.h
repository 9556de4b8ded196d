/* SPDX-License-Identifier: MIT */
/*
 * VMX capability MSRs of the CPUs the VT-x unit tests run against, as
 * designated initializers for struct vmx_caps (a test adds what it needs,
 * e.g. the address widths). Sources: test_vmx_ctls.c's header comment
 * (Skylake and Broadwell from VirtualBox's CPU database, Bochs 2.7's
 * corei7_icelake-u derived from its source).
 */
#ifndef VF_TEST_VMX_CAPS_H
#define VF_TEST_VMX_CAPS_H

/* Skylake i7-6700K */
#define VMX_CAPS_SKYLAKE_6700K                                                           \
	.basic = 0xda040000000004ull, .pinbased = 0x7f00000016ull,                       \
	.procbased = 0xfff9fffe0401e172ull, .exit = 0x1ffffff00036dffull,                \
	.entry = 0x3ffff000011ffull, .misc = 0x7004c1e7ull, .cr0_fixed0 = 0x80000021ull, \
	.cr0_fixed1 = 0xffffffffull, .cr4_fixed0 = 0x2000ull, .cr4_fixed1 = 0x3727ffull, \
	.procbased2 = 0x1ffcff00000000ull, .ept_vpid_cap = 0xf0106334141ull,             \
	.true_pinbased = 0x7f00000016ull, .true_procbased = 0xfff9fffe04006172ull,       \
	.true_exit = 0x1ffffff00036dfbull, .true_entry = 0x3ffff000011fbull

/* Broadwell i7-5600U */
#define VMX_CAPS_BROADWELL_5600U                                                         \
	.basic = 0xda040000000012ull, .pinbased = 0x7f00000016ull,                       \
	.procbased = 0xfff9fffe0401e172ull, .exit = 0x7fffff00036dffull,                 \
	.entry = 0xffff000011ffull, .misc = 0x300481e5ull, .cr0_fixed0 = 0x80000021ull,  \
	.cr0_fixed1 = 0xffffffffull, .cr4_fixed0 = 0x2000ull, .cr4_fixed1 = 0x3767ffull, \
	.procbased2 = 0x57cff00000000ull, .ept_vpid_cap = 0xf0106334141ull,              \
	.true_pinbased = 0x7f00000016ull, .true_procbased = 0xfff9fffe04006172ull,       \
	.true_exit = 0x7fffff00036dfbull, .true_entry = 0xffff000011fbull

/* Bochs 2.7 corei7_icelake-u: 4K VMCS, WB, TRUE controls; LMA store,
 * HLT/shutdown/SIPI activity states, 4 CR3 targets; CR4 allows UMIP,
 * FSGSBASE, PCIDE, OSXSAVE, SMEP/SMAP and PKE */
#define VMX_CAPS_BOCHS27_ICELAKE                                                            \
	.basic = 0x00d8100000000004ull, .pinbased = 0x7f00000016ull,                        \
	.procbased = 0xfff9fffe0401e172ull, .exit = 0x007fffff00036dffull,                  \
	.entry = 0x0000ffff000011ffull, .misc = 0x600401e0ull, .cr0_fixed0 = 0x80000021ull, \
	.cr0_fixed1 = 0xffffffffull, .cr4_fixed0 = 0x2000ull, .cr4_fixed1 = 0x772fffull,    \
	.procbased2 = 0x02977fff00000000ull, .ept_vpid_cap = 0x00000f0106334141ull,         \
	.true_pinbased = 0x7f00000016ull, .true_procbased = 0xfff9fffe04006172ull,          \
	.true_exit = 0x007fffff00036dfbull, .true_entry = 0x0000ffff000011fbull

#endif
