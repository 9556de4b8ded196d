// SPDX-License-Identifier: MIT
/*
 * The AMD-V backend of struct vcpu_ops (AMD APM vol. 2, ch. 15): a VMCB per
 * vCPU, nested paging, every port and every MSR outside the policy's pass
 * list intercepted. Interrupts are not intercepted: the guest owns its CPU's
 * x2APIC, so its timer, IPIs and device vectors go straight to its IDT.
 */
#include <stdbool.h>
#include "drivers/apic/apic.h"
#include "hv/core/cpu.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/platform/msr_policy.h"
#include "hv/core/paging.h"
#include "hv/core/palloc.h"
#include "hv/core/physmem.h"
#include "lib/printk.h"
#include "hv/svm/svm.h"
#include "hv/vm/vm.h"
#include "hv/svm/vmcb.h"
#include "lib/x86.h"

#define MSR_VM_HSAVE_PA 0xC0010117
#define RFLAGS_TF	(1ull << 8)
/* PSE, PAE, PGE, PCIDE, SMEP, SMAP, PKE: translations cached under them. */
#define CR4_TLB_BITS \
	(0x10ull | 0x20 | 0x80 | (1ull << 17) | (1ull << 20) | (1ull << 21) | (1ull << 22))
#define DR6_BS	   (1ull << 14)
#define EXC_DB	   1
#define EXC_DB_BIT (1u << EXC_DB)
#define BASE_MISC1                                                                  \
	(VMCB_MISC1_NMI | VMCB_MISC1_CPUID | VMCB_MISC1_INVD | VMCB_MISC1_INVLPGA | \
	 VMCB_MISC1_IOIO | VMCB_MISC1_MSR | VMCB_MISC1_SHUTDOWN)
#define EFER_GUEST_OK (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | (1ull << 14) | (1ull << 15))

struct svm_vcpu {
	uint64_t vmcb_pa;
	uint64_t inject; /* EVENTINJ for the next entry, 0 if none */
	bool first;
	/* AMD-V does not track a guest's NMI blocking: an injected NMI blocks
	 * the next until the handler's IRET has run. IRET is intercepted while
	 * blocked, then single-stepped (TF, #DB intercepted) to see it done. */
	bool nmi_blocked, iret_step, iret_step_tf;
};

static struct {
	uint64_t hsave, host; /* VM_HSAVE_PA page, VMSAVE/VMLOAD page */
} percpu_svm[MAX_CPUS];

/* Shared by every vCPU: all ports intercepted; the MSR policy's map. */
static uint64_t iopm_pa, msrpm_pa;
static unsigned int next_asid = 1;
static bool have_nrips;
static bool have_npt_1g;

_Static_assert(sizeof(struct svm_vcpu) <= VCPU_ARCH_MAX, "struct svm_vcpu fits the pool");

void svm_set_nrips(bool nrips)
{
	have_nrips = nrips;
}

void svm_set_npt_1g(bool gb)
{
	have_npt_1g = gb;
}

uint64_t svm_host_page(unsigned int cpu)
{
	return percpu_svm[cpu].host;
}

static int svm_cpu_prepare(unsigned int cpu, struct palloc *pa)
{
	int err;

	if (cpu >= MAX_CPUS)
		return -EINVAL;
	if (percpu_svm[cpu].hsave)
		return 0;
	if ((err = physmem_zpages(pa, 1, &percpu_svm[cpu].hsave)) ||
	    (err = physmem_zpages(pa, 1, &percpu_svm[cpu].host)))
		return err;
	if (!iopm_pa) {
		if ((err = physmem_zpages(pa, 3, &iopm_pa)) ||
		    (err = physmem_zpages(pa, 2, &msrpm_pa)))
			return err;
		memset((void *)(uintptr_t)iopm_pa, 0xFF, 3 * PAGE_SIZE);
		msr_policy_build_msrpm((uint8_t *)(uintptr_t)msrpm_pa);
	}
	return 0;
}

static int svm_cpu_enable_on(unsigned int cpu)
{
	if (!percpu_svm[cpu].hsave)
		return -EINVAL;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, percpu_svm[cpu].hsave);
	return 0;
}

int svm_cpu_enable(struct palloc *pa)
{
	unsigned int cpu = cpu_index();
	int err = svm_cpu_prepare(cpu, pa);

	return err ? err : svm_cpu_enable_on(cpu);
}

static void *vmcb_of(struct vcpu *v)
{
	return (void *)(uintptr_t)((struct svm_vcpu *)v->arch)->vmcb_pa;
}

/* Where the VMCB keeps each segment (SEG_* order). */
static const uint16_t vmcb_segs[SEG_COUNT] = {
	[SEG_ES] = VMCB_ES, [SEG_CS] = VMCB_CS, [SEG_SS] = VMCB_SS,	[SEG_DS] = VMCB_DS,
	[SEG_FS] = VMCB_FS, [SEG_GS] = VMCB_GS, [SEG_LDTR] = VMCB_LDTR, [SEG_TR] = VMCB_TR,
};

/* The guest state @st, encoded. The VMCB's attributes are @st's own form. */
static void vmcb_load(void *vmcb, const struct vcpu_boot_state *st)
{
	for (unsigned int i = 0; i < SEG_COUNT; i++) {
		const struct seg_state *g = &st->seg[i];

		vmcb_seg(vmcb, vmcb_segs[i], g->sel, g->attr, g->limit, g->base);
	}
	vmcb_seg(vmcb, VMCB_GDTR, 0, 0, st->gdtr.limit, st->gdtr.base);
	vmcb_seg(vmcb, VMCB_IDTR, 0, 0, st->idtr.limit, st->idtr.base);
	vmcb_wr(vmcb, VMCB_CPL, 1, (st->seg[SEG_SS].attr >> 5) & 3); /* SS.DPL */
	vmcb_wr(vmcb, VMCB_EFER, 8, st->efer | EFER_SVME); /* VMRUN refuses EFER without SVME */
	vmcb_wr(vmcb, VMCB_CR0, 8, st->cr0);
	vmcb_wr(vmcb, VMCB_CR3, 8, st->cr3);
	vmcb_wr(vmcb, VMCB_CR4, 8, st->cr4);
	vmcb_wr(vmcb, VMCB_DR6, 8, st->dr6);
	vmcb_wr(vmcb, VMCB_DR7, 8, st->dr7);
	vmcb_wr(vmcb, VMCB_G_PAT, 8, st->pat);
}

static int svm_vcpu_create(struct vcpu *v, const struct vcpu_boot_state *st, struct palloc *pa)
{
	struct svm_vcpu *s = v->arch;
	void *vmcb;
	int err;

	if (!msrpm_pa)
		return -ENOSPC;
	if ((err = physmem_zpages(pa, 1, &s->vmcb_pa)))
		return err;
	s->first = true;
	vmcb = (void *)(uintptr_t)s->vmcb_pa;

	/* NMIs exit: the hypervisor kicks a vCPU with one (see vm_stop). */
	vmcb_wr(vmcb, VMCB_INTERCEPT_MISC1, 4, BASE_MISC1);
	/* CR4 writes: the CPU would take bits of features CPUID hides. */
	vmcb_wr(vmcb, VMCB_INTERCEPT_CR, 4, VMCB_CR4_WRITE);
	vmcb_wr(vmcb, VMCB_INTERCEPT_MISC2, 4,
		VMCB_MISC2_VMRUN | VMCB_MISC2_SVM_INSNS | VMCB_MISC2_MONITOR);
	vmcb_wr(vmcb, VMCB_IOPM_BASE, 8, iopm_pa);
	vmcb_wr(vmcb, VMCB_MSRPM_BASE, 8, msrpm_pa);
	vmcb_wr(vmcb, VMCB_ASID, 4, next_asid++);
	vmcb_wr(vmcb, VMCB_V_INTR, 8, 0); /* V_INTR_MASKING off: EFLAGS.IF is the guest's */
	vmcb_wr(vmcb, VMCB_NP_ENABLE, 8, 1);
	vmcb_wr(vmcb, VMCB_N_CR3, 8, v->vm->gpa_map.root);
	vmcb_load(vmcb, st);
	return 0;
}

static enum exit_reason normalise(void *vmcb, struct vcpu_exit *e)
{
	uint64_t code = vmcb_rd(vmcb, VMCB_EXITCODE, 8);
	uint64_t info1 = vmcb_rd(vmcb, VMCB_EXITINFO1, 8);
	uint64_t info2 = vmcb_rd(vmcb, VMCB_EXITINFO2, 8);

	e->hw_code = code;
	e->next_rip = have_nrips ? vmcb_rd(vmcb, VMCB_NRIP, 8) : 0;
	switch (code) {
	case VMEXIT_CPUID:
		return EXIT_CPUID;
	case VMEXIT_MSR:
		return info1 & 1 ? EXIT_MSR_WRITE : EXIT_MSR_READ;
	case VMEXIT_IOIO:
		e->io.port = (uint16_t)(info1 >> 16);
		e->io.in = info1 & 1;
		e->io.string = info1 & 4;
		e->io.rep = info1 & 8;
		e->io.size = info1 & 0x10 ? 1 : info1 & 0x20 ? 2 : 4;
		e->next_rip = info2; /* IOIO exits always carry it */
		return EXIT_IO;
	case VMEXIT_NPF:
		e->mmio.gpa = info2;
		e->mmio.present = info1 & 1;
		e->mmio.write = info1 & 2;
		e->mmio.fetch = info1 & 0x10;
		return EXIT_MMIO;
	case VMEXIT_CR4_WRITE:
		e->cr.cr = 4;
		/* Decode assists give the register (bit 63); else decode it. */
		e->cr.reg = info1 >> 63 ? (int8_t)(info1 & 15) : -1;
		e->cr.cs_l = (vmcb_rd(vmcb, VMCB_EFER, 8) & EFER_LMA) &&
			     (vmcb_rd(vmcb, VMCB_CS + 2, 2) & SEG_L);
		return EXIT_CR_WRITE;
	case VMEXIT_SHUTDOWN:
		return EXIT_SHUTDOWN;
	case VMEXIT_INVD:
		return EXIT_INVD;
	case VMEXIT_INTR:
		return EXIT_INTR;
	case VMEXIT_NMI:
		return EXIT_NMI;
	case VMEXIT_HLT:
		return EXIT_HLT;
	case VMEXIT_INVALID:
	case (uint32_t)VMEXIT_INVALID: /* QEMU's TCG writes it as 32 bits */
		return EXIT_INVALID;
	default:
		if ((code >= VMEXIT_VMRUN && code <= VMEXIT_SKINIT) || code == VMEXIT_INVLPGA ||
		    (code >= VMEXIT_MONITOR && code <= VMEXIT_MWAITX))
			return EXIT_UD_INSN;
		return EXIT_OTHER;
	}
}

static void intercepts(void *vmcb, const struct svm_vcpu *s)
{
	vmcb_wr(vmcb, VMCB_INTERCEPT_MISC1, 4,
		BASE_MISC1 | (s->nmi_blocked && !s->iret_step ? VMCB_MISC1_IRET : 0));
	vmcb_wr(vmcb, VMCB_INTERCEPT_EXC, 4, s->iret_step ? EXC_DB_BIT : 0);
}

/*
 * A pending NMI goes in when the guest is not in its NMI handler and no
 * other event is being delivered. After another event, an NMI to this CPU
 * sent with GIF clear makes the vCPU exit as soon as that event is in, so
 * the NMI follows it at once (as KVM requests an immediate exit).
 */
static void nmi_deliver(struct vcpu *v, struct svm_vcpu *s)
{
	if (!__atomic_load_n(&v->nmi_pending, __ATOMIC_ACQUIRE) || s->nmi_blocked)
		return;
	if (s->inject) {
		__asm__ volatile("clgi" ::: "memory");
		apic_send_nmi(v->apic_id);
		return;
	}
	__atomic_store_n(&v->nmi_pending, false, __ATOMIC_RELEASE);
	s->inject = 2 | VMCB_EVENT_NMI | VMCB_EVENT_VALID;
	s->nmi_blocked = true;
}

/* The NMI handler's IRET, intercepted before it runs: step over it. */
static void iret_seen(struct vcpu *v, struct svm_vcpu *s)
{
	s->iret_step = true;
	s->iret_step_tf = v->regs.rflags & RFLAGS_TF;
	v->regs.rflags |= RFLAGS_TF;
}

/* The #DB after the stepped IRET: NMIs are unblocked. A #DB the guest
 * would have had anyway (its own TF was set) is handed on. */
static void iret_done(void *vmcb, struct svm_vcpu *s)
{
	s->iret_step = false;
	s->nmi_blocked = false;
	if (s->iret_step_tf)
		s->inject = EXC_DB | VMCB_EVENT_EXC | VMCB_EVENT_VALID;
	else
		vmcb_wr(vmcb, VMCB_DR6, 8, vmcb_rd(vmcb, VMCB_DR6, 8) & ~DR6_BS);
}

static void svm_vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct svm_vcpu *s = v->arch;
	void *vmcb = (void *)(uintptr_t)s->vmcb_pa;
	uint64_t *g = v->regs.gpr;
	uint64_t intinfo, code;

	for (;;) {
		nmi_deliver(v, s);
		intercepts(vmcb, s);
		vmcb_wr(vmcb, VMCB_RAX, 8, g[R_RAX]);
		vmcb_wr(vmcb, VMCB_RSP, 8, g[R_RSP]);
		vmcb_wr(vmcb, VMCB_RIP, 8, v->regs.rip);
		vmcb_wr(vmcb, VMCB_RFLAGS, 8, v->regs.rflags);
		vmcb_wr(vmcb, VMCB_EVENTINJ, 8, s->inject);
		/* Flush this ASID on the first entry and after its map changed. */
		vmcb_wr(vmcb, VMCB_TLB_CONTROL, 1, s->first || v->flush_tlb ? 1 : 0);
		v->flush_tlb = false;
		vmcb_wr(vmcb, VMCB_CLEAN, 4, 0);
		s->inject = 0;
		s->first = false;

		svm_run(s->vmcb_pa, &v->regs, percpu_svm[v->cpu].host);

		g[R_RAX] = vmcb_rd(vmcb, VMCB_RAX, 8);
		g[R_RSP] = vmcb_rd(vmcb, VMCB_RSP, 8);
		v->regs.rip = vmcb_rd(vmcb, VMCB_RIP, 8);
		v->regs.rflags = vmcb_rd(vmcb, VMCB_RFLAGS, 8);
		/* An event cut short by the exit is delivered again on the next entry. */
		intinfo = vmcb_rd(vmcb, VMCB_EXITINTINFO, 8);
		if (intinfo & VMCB_EVENT_VALID)
			s->inject = intinfo;
		code = vmcb_rd(vmcb, VMCB_EXITCODE, 8);
		if (code == VMEXIT_IRET && s->nmi_blocked && !s->iret_step) {
			iret_seen(v, s);
			continue;
		}
		if (code == VMEXIT_EXCP_DB && s->iret_step) {
			iret_done(vmcb, s);
			continue;
		}
		memset(e, 0, sizeof(*e));
		e->reason = normalise(vmcb, e);
		return;
	}
}

/* The guest's interrupt shadow ends with the instruction done for it; TF
 * raises the single-step #DB after it, with DR6.BS (kept in the VMCB). */
static void svm_insn_done(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;
	void *vmcb = (void *)(uintptr_t)s->vmcb_pa;

	vmcb_wr(vmcb, VMCB_INT_STATE, 8, vmcb_rd(vmcb, VMCB_INT_STATE, 8) & ~1ull);
	if (!(v->regs.rflags & RFLAGS_TF) || s->inject)
		return;
	vmcb_wr(vmcb, VMCB_DR6, 8, vmcb_rd(vmcb, VMCB_DR6, 8) | DR6_BS);
	s->inject = EXC_DB | VMCB_EVENT_EXC | VMCB_EVENT_VALID;
}

static void svm_vcpu_reset(struct vcpu *v, const struct vcpu_boot_state *st)
{
	struct svm_vcpu *s = v->arch;

	/* INIT drops any event on its way and NMI blocking (a restart too). */
	s->inject = 0;
	s->nmi_blocked = s->iret_step = s->iret_step_tf = false;
	vmcb_load(vmcb_of(v), st);
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_err, uint32_t err)
{
	struct svm_vcpu *s = v->arch;

	s->inject = vector | VMCB_EVENT_EXC | VMCB_EVENT_VALID |
		    (has_err ? VMCB_EVENT_ERR | ((uint64_t)err << 32) : 0);
}

static uint64_t svm_read_cr(struct vcpu *v, unsigned int cr)
{
	void *vmcb = vmcb_of(v);

	switch (cr) {
	case 0:
		return vmcb_rd(vmcb, VMCB_CR0, 8);
	case 3:
		return vmcb_rd(vmcb, VMCB_CR3, 8);
	case 4:
		return vmcb_rd(vmcb, VMCB_CR4, 8);
	default:
		return 0;
	}
}

static uint64_t svm_read_efer(struct vcpu *v)
{
	return vmcb_rd(vmcb_of(v), VMCB_EFER, 8) & ~EFER_SVME;
}

static int svm_write_efer(struct vcpu *v, uint64_t efer)
{
	void *vmcb = vmcb_of(v);
	uint64_t cur = vmcb_rd(vmcb, VMCB_EFER, 8);

	if (efer & ~EFER_GUEST_OK)
		return -EINVAL;
	/* LMA is the CPU's to set; SVME stays on underneath the guest. */
	vmcb_wr(vmcb, VMCB_EFER, 8, (efer & ~EFER_LMA) | (cur & EFER_LMA) | EFER_SVME);
	return 0;
}

/* A CR4 write the rules allowed. The guest's TLB is flushed when a bit that
 * governs translations changes, as the CPU would on the real write. */
static int svm_write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
	void *vmcb = vmcb_of(v);
	uint64_t old = vmcb_rd(vmcb, VMCB_CR4, 8);

	if (cr != 4)
		return -EINVAL;
	vmcb_wr(vmcb, VMCB_CR4, 8, val);
	if ((old ^ val) & CR4_TLB_BITS)
		v->flush_tlb = true;
	return 0;
}

static int svm_vm_init(struct vm *vm, struct palloc *pa)
{
	return paging_init_nested(&vm->gpa_map, pa, have_npt_1g);
}

static int svm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t len, bool uncached)
{
	return paging_map_to(&vm->gpa_map, gpa, hpa, len, PTE_W | PTE_U | (uncached ? PTE_UC : 0));
}

static int svm_unmap(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return paging_unmap(&vm->gpa_map, gpa, len);
}

const struct vcpu_ops svm_vcpu_ops = {
	.name = "amd-v",
	.cpu_prepare = svm_cpu_prepare,
	.cpu_enable = svm_cpu_enable_on,
	.vm_init = svm_vm_init,
	.arch_size = sizeof(struct svm_vcpu),
	.vcpu_create = svm_vcpu_create,
	.vcpu_run = svm_vcpu_run,
	.vcpu_reset = svm_vcpu_reset,
	.inject_exception = svm_inject_exception,
	.insn_done = svm_insn_done,
	.write_cr = svm_write_cr,
	.read_cr = svm_read_cr,
	.read_efer = svm_read_efer,
	.write_efer = svm_write_efer,
	.map = svm_map,
	.unmap = svm_unmap,
};
