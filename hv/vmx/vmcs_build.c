// SPDX-License-Identifier: MIT
/* The VMCS contents of a vfvisor vCPU (SDM vol. 3C, ch. 24 and 27). */
#include "hv/vmx/vmcs_build.h"
#include "hv/platform/cr_policy.h"
#include "hv/vmx/vmcs_fields.h"

#define AR_UNUSABLE (1u << 16)

static void wr(const struct vmcs_writer *w, uint32_t field, uint64_t val)
{
	w->write(w->ctx, field, val);
}

uint64_t vmcs_cr0_mask(const struct vmx_caps *caps)
{
	/* CR0.PE/PG are the guest's own with unrestricted guest. */
	return (caps->cr0_fixed0 & ~(CR0_PE | CR0_PG)) | ~caps->cr0_fixed1;
}

uint64_t vmcs_cr4_mask(const struct vmx_caps *caps)
{
	/* Hidden features too: a write setting one exits, to be refused. */
	return caps->cr4_fixed0 | ~caps->cr4_fixed1 | CR4_HIDDEN;
}

void vmcs_build_cr0(const struct vmcs_writer *w, const struct vmx_caps *caps, uint64_t val)
{
	wr(w, VMCS_CR0_SHADOW, val);
	wr(w, VMCS_GUEST_CR0, vmx_cr_fixed(caps->cr0_fixed0, caps->cr0_fixed1, val, true));
}

void vmcs_build_cr4(const struct vmcs_writer *w, const struct vmx_caps *caps, uint64_t val)
{
	wr(w, VMCS_CR4_SHADOW, val);
	wr(w, VMCS_GUEST_CR4, vmx_cr_fixed(caps->cr4_fixed0, caps->cr4_fixed1, val, false));
}

void vmcs_build_controls(const struct vmcs_writer *w, const struct vmx_vcpu_cfg *c)
{
	wr(w, VMCS_PIN_CTLS, c->ctls->pin);
	wr(w, VMCS_PROC_CTLS, c->ctls->proc);
	wr(w, VMCS_PROC_CTLS2, c->ctls->proc2);
	wr(w, VMCS_EXIT_CTLS, c->ctls->exit);
	wr(w, VMCS_ENTRY_CTLS, c->ctls->entry);
	wr(w, VMCS_EXCEPTION_BITMAP, 0);
	wr(w, VMCS_CR3_TARGET_COUNT, 0);
	wr(w, VMCS_CR0_MASK, vmcs_cr0_mask(c->caps));
	wr(w, VMCS_CR4_MASK, vmcs_cr4_mask(c->caps));
	wr(w, VMCS_MSR_BITMAP, c->msr_bitmap);
	wr(w, VMCS_IO_BITMAP_A, c->io_bitmap);
	wr(w, VMCS_IO_BITMAP_B, c->io_bitmap + 4096);
	wr(w, VMCS_EPT_POINTER, c->eptp);
	wr(w, VMCS_VPID, c->vpid);
	wr(w, VMCS_LINK_POINTER, ~0ull);
	wr(w, VMCS_ENTRY_INTR_INFO, 0);
	wr(w, VMCS_ENTRY_EXC_ERR, 0);
	wr(w, VMCS_ENTRY_INSN_LEN, 0);
	/* Read at every entry whatever the controls: a fresh VMCS region is
	 * not architecturally zero. No #PF filtering, no MSR lists, the host's
	 * TSC; the preemption timer (if forced on) as late as it goes. */
	wr(w, VMCS_PF_ERR_MASK, 0);
	wr(w, VMCS_PF_ERR_MATCH, 0);
	wr(w, VMCS_EXIT_MSR_STORE_COUNT, 0);
	wr(w, VMCS_EXIT_MSR_LOAD_COUNT, 0);
	wr(w, VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	wr(w, VMCS_TSC_OFFSET, 0);
	wr(w, VMCS_PREEMPT_TIMER, 0xFFFFFFFF);
}

void vmcs_build_host(const struct vmcs_writer *w, const struct vmx_host_state *h)
{
	wr(w, VMCS_HOST_CR0, h->cr0);
	wr(w, VMCS_HOST_CR3, h->cr3);
	wr(w, VMCS_HOST_CR4, h->cr4);
	wr(w, VMCS_HOST_CS_SEL, h->cs);
	wr(w, VMCS_HOST_SS_SEL, h->ds);
	wr(w, VMCS_HOST_DS_SEL, h->ds);
	wr(w, VMCS_HOST_ES_SEL, h->ds);
	wr(w, VMCS_HOST_FS_SEL, 0);
	wr(w, VMCS_HOST_GS_SEL, 0);
	wr(w, VMCS_HOST_TR_SEL, h->tr);
	wr(w, VMCS_HOST_FS_BASE, h->fs_base);
	wr(w, VMCS_HOST_GS_BASE, h->gs_base); /* the per-CPU pointer */
	wr(w, VMCS_HOST_TR_BASE, h->tr_base);
	wr(w, VMCS_HOST_GDTR_BASE, h->gdtr_base);
	wr(w, VMCS_HOST_IDTR_BASE, h->idtr_base);
	wr(w, VMCS_HOST_SYSENTER_CS, 0);
	wr(w, VMCS_HOST_SYSENTER_ESP, 0);
	wr(w, VMCS_HOST_SYSENTER_EIP, 0);
	wr(w, VMCS_HOST_EFER, h->efer);
	wr(w, VMCS_HOST_PAT, h->pat);
	wr(w, VMCS_HOST_RIP, h->rip);
}

/* The fields of segment @i (ES..TR, SEG_*) lie at fixed distances from ES's.
 * VT-x keeps AVL, L, D/B and G in bits 15:12, and an unusable bit. */
static void seg(const struct vmcs_writer *w, unsigned int i, const struct seg_state *s)
{
	uint32_t ar = (s->attr & 0xFFu) | (uint32_t)(s->attr & 0xF00u) << 4;

	wr(w, VMCS_GUEST_ES_SEL + 2 * i, s->sel);
	wr(w, VMCS_GUEST_ES_BASE + 2 * i, s->base);
	wr(w, VMCS_GUEST_ES_LIMIT + 2 * i, s->limit);
	wr(w, VMCS_GUEST_ES_AR + 2 * i, s->unusable ? AR_UNUSABLE : ar);
}

/* The VMCS's own fields, at their reset values (DR6 is not one: the
 * guest's DR6 is the CPU's register). */
static void guest_common(const struct vmcs_writer *w)
{
	wr(w, VMCS_GUEST_DEBUGCTL, 0);
	wr(w, VMCS_GUEST_SYSENTER_CS, 0);
	wr(w, VMCS_GUEST_SYSENTER_ESP, 0);
	wr(w, VMCS_GUEST_SYSENTER_EIP, 0);
	wr(w, VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_ACTIVE);
	wr(w, VMCS_GUEST_INTERRUPTIBILITY, 0);
	wr(w, VMCS_GUEST_PENDING_DBG, 0);
	/* With EPT, entry into PAE paging takes the PDPTEs from here. */
	for (unsigned int i = 0; i < 4; i++)
		wr(w, VMCS_GUEST_PDPTE0 + 2 * i, 0);
}

void vmcs_build_guest(const struct vmcs_writer *w, const struct vmx_vcpu_cfg *c,
		      const struct vcpu_boot_state *st)
{
	/* IA-32e mode is what the CPU would make of EFER.LME with CR0.PG. */
	bool ia32e = (st->efer & EFER_BIT_LME) && (st->cr0 & CR0_PG);

	_Static_assert(VMCS_GUEST_LDTR_SEL == VMCS_GUEST_ES_SEL + 2 * SEG_LDTR &&
			       VMCS_GUEST_TR_SEL == VMCS_GUEST_ES_SEL + 2 * SEG_TR,
		       "SEG_* in the VMCS's order");
	for (unsigned int i = 0; i < SEG_COUNT; i++)
		seg(w, i, &st->seg[i]);
	wr(w, VMCS_GUEST_GDTR_BASE, st->gdtr.base);
	wr(w, VMCS_GUEST_GDTR_LIMIT, st->gdtr.limit);
	wr(w, VMCS_GUEST_IDTR_BASE, st->idtr.base);
	wr(w, VMCS_GUEST_IDTR_LIMIT, st->idtr.limit);
	vmcs_build_cr0(w, c->caps, st->cr0);
	wr(w, VMCS_GUEST_CR3, st->cr3);
	vmcs_build_cr4(w, c->caps, st->cr4);
	wr(w, VMCS_GUEST_EFER, st->efer);
	wr(w, VMCS_GUEST_DR7, st->dr7);
	wr(w, VMCS_GUEST_PAT, st->pat);
	wr(w, VMCS_ENTRY_CTLS,
	   ia32e ? c->ctls->entry | VMX_ENTRY_IA32E : c->ctls->entry & ~VMX_ENTRY_IA32E);
	guest_common(w);
}
