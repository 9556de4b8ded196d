/* SPDX-License-Identifier: MIT */
/*
 * What vfvisor writes into a VMCS: controls, host state and guest state for
 * a vCPU entering at the Linux 64-bit entry or, for an AP, in real mode at a
 * start-up vector. Pure: the fields go through @w (VMWRITE in the backend, a
 * VMCS image in the unit tests, where the VM-entry checker then judges
 * exactly what the backend would enter with).
 */
#ifndef VF_VMCS_BUILD_H
#define VF_VMCS_BUILD_H

#include <stdint.h>
#include "hv/vm/vcpu.h"
#include "hv/vmx/vmx_ctls.h"

struct vmcs_writer {
	void (*write)(void *ctx, uint32_t field, uint64_t val);
	void *ctx;
};

/* The CPU the vCPU runs on, as the hypervisor runs it. */
struct vmx_host_state {
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t fs_base, gs_base, tr_base, gdtr_base, idtr_base;
	uint64_t rip; /* where exits land (vmx_exit_entry) */
	uint16_t cs, ds, tr;
};

struct vmx_vcpu_cfg {
	const struct vmx_caps *caps;
	const struct vmx_ctls *ctls;
	uint64_t msr_bitmap, io_bitmap; /* physical; two I/O bitmap pages */
	uint64_t eptp;
	uint16_t vpid;
};

void vmcs_build_controls(const struct vmcs_writer *w, const struct vmx_vcpu_cfg *c);
void vmcs_build_host(const struct vmcs_writer *w, const struct vmx_host_state *h);
/* Guest state @st, encoded (RIP, RSP and RFLAGS are the run loop's); the
 * entry controls' IA-32e bit to match. */
void vmcs_build_guest(const struct vmcs_writer *w, const struct vmx_vcpu_cfg *c,
		      const struct vcpu_boot_state *st);
/* CR0/CR4 as the guest wants them: the guest's view in the read shadow, the
 * value VMX allows in the register (bits VMX fixes are the host's: masks). */
void vmcs_build_cr0(const struct vmcs_writer *w, const struct vmx_caps *caps, uint64_t val);
void vmcs_build_cr4(const struct vmcs_writer *w, const struct vmx_caps *caps, uint64_t val);
uint64_t vmcs_cr0_mask(const struct vmx_caps *caps);
uint64_t vmcs_cr4_mask(const struct vmx_caps *caps);

#endif
