/* SPDX-License-Identifier: MIT */
/* What hv/vm/vm.c hands over for the Linux 64-bit entry, for the tests of
 * the common start state (test_vcpu.c) and of its VMCS (test_vmcs_build.c). */
#ifndef VF_TEST_VCPU_BOOT_DATA_H
#define VF_TEST_VCPU_BOOT_DATA_H

#include "hv/vm/vcpu.h"

static const struct vcpu_boot linux_boot = {
	.rip = 0x1000200,
	.rsi = 0x7000,
	.cr0 = 0x80010033,
	.cr3 = 0x8000,
	.cr4 = 0x20,
	.efer = (1u << 8) | (1u << 10),
	.gdt_base = 0x6000,
	.gdt_limit = 0x1F,
	.cs = 0x10,
	.ds = 0x18,
};

#endif
