/* SPDX-License-Identifier: MIT */
/*
 * A host-side model of the checks VM entry makes (Intel SDM vol. 3C, 27.2
 * "checks on VMX controls and host-state area" and 27.3 "checks on the
 * guest-state area"), applied to a VMCS image kept in memory. It names the
 * check a VMCS would fail, where the CPU only says "VM entry with invalid
 * control field(s)" or exits with reason 33. The hypervisor it stands in
 * for runs in 64-bit mode outside SMM. Pure logic.
 */
#ifndef VF_VMENTRY_CHECK_H
#define VF_VMENTRY_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "hv/vmx/vmx_ctls.h"

#define VMCS_IMAGE_MAX 160

/* VMCS fields by encoding (vmcs_fields.h); a field never set reads as 0. */
struct vmcs_image {
	unsigned int n;
	struct vmcs_image_field {
		uint32_t enc;
		uint64_t val;
	} f[VMCS_IMAGE_MAX];
};

void vmcs_image_init(struct vmcs_image *v);
/* Set @enc to @val cut to the field's width. -EINVAL for the high half of
 * a 64-bit field (set the full field), -ENOSPC when the table is full. */
int vmcs_image_set(struct vmcs_image *v, uint32_t enc, uint64_t val);
uint64_t vmcs_image_get(const struct vmcs_image *v, uint32_t enc);

/*
 * Check @v as VM entry would on a CPU with @caps. Returns 0, or -EINVAL with
 * @why naming the first failing check, e.g. "guest CR0: PG set without PE",
 * "host RIP not canonical", "entry: IA-32e mode guest without guest
 * EFER.LMA". Checks that need memory (the MSR-load lists, a shadow VMCS, the
 * PDPTEs) are not made: the link pointer must be ~0.
 */
int vmentry_check(const struct vmcs_image *v, const struct vmx_caps *caps, char *why, size_t len);

#endif
