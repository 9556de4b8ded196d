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
	struct svm_regs regs;
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

static struct svm_vcpu vcpus_svm[VM_MAX * VM_MAX_VCPUS];
static unsigned int vcpus_svm_used;

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

static int svm_vcpu_create(struct vcpu *v, const struct vcpu_boot *b, struct palloc *pa)
{
	struct svm_vcpu *s;
	void *vmcb;
	int err;

	if (vcpus_svm_used >= sizeof(vcpus_svm) / sizeof(vcpus_svm[0]) || !msrpm_pa)
		return -ENOSPC;
	s = &vcpus_svm[vcpus_svm_used];
	memset(s, 0, sizeof(*s));
	if ((err = physmem_zpages(pa, 1, &s->vmcb_pa)))
		return err;
	vcpus_svm_used++;
	s->first = true;
	v->arch = s;
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

	/* Long mode, flat segments: the Linux 64-bit boot protocol's entry. */
	vmcb_seg(vmcb, VMCB_CS, b->cs, 0xA9B, 0xFFFFFFFF, 0); /* code, L=1, G=1 */
	vmcb_seg(vmcb, VMCB_DS, b->ds, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_ES, b->ds, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_SS, b->ds, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_FS, 0, 0, 0, 0);
	vmcb_seg(vmcb, VMCB_GS, 0, 0, 0, 0);
	vmcb_seg(vmcb, VMCB_TR, 0, 0x8B, 0x67, 0);
	vmcb_seg(vmcb, VMCB_LDTR, 0, 0x82, 0, 0);
	vmcb_seg(vmcb, VMCB_GDTR, 0, 0, b->gdt_limit, b->gdt_base);
	vmcb_seg(vmcb, VMCB_IDTR, 0, 0, 0, 0);
	vmcb_wr(vmcb, VMCB_CPL, 1, 0);
	vmcb_wr(vmcb, VMCB_EFER, 8, b->efer | EFER_SVME); /* VMRUN refuses EFER without SVME */
	vmcb_wr(vmcb, VMCB_CR0, 8, b->cr0);
	vmcb_wr(vmcb, VMCB_CR3, 8, b->cr3);
	vmcb_wr(vmcb, VMCB_CR4, 8, b->cr4);
	vmcb_wr(vmcb, VMCB_DR6, 8, 0xFFFF0FF0);
	vmcb_wr(vmcb, VMCB_DR7, 8, 0x400);
	vmcb_wr(vmcb, VMCB_G_PAT, 8, 0x0007040600070406ull); /* the reset PAT */

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rip = b->rip;
	v->regs.rflags = 0x2;
	v->regs.gpr[R_RSI] = b->rsi;
	return 0;
}

static enum exit_reason normalise(struct vcpu *v, void *vmcb, struct vcpu_exit *e)
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
		e->msr.msr = (uint32_t)v->regs.gpr[R_RCX];
		if (!(info1 & 1))
			return EXIT_MSR_READ;
		return e->msr.msr == 0x830 ? EXIT_ICR : EXIT_MSR_WRITE;
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
			     (vmcb_rd(vmcb, VMCB_CS + 2, 2) & 0x200);
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
	struct svm_regs *r = &s->regs;
	uint64_t *g = v->regs.gpr;
	uint64_t intinfo, code;

	for (;;) {
		nmi_deliver(v, s);
		intercepts(vmcb, s);
		r->rbx = g[R_RBX], r->rcx = g[R_RCX], r->rdx = g[R_RDX], r->rsi = g[R_RSI];
		r->rdi = g[R_RDI], r->rbp = g[R_RBP];
		memcpy(&r->r8, &g[8], 8 * sizeof(uint64_t));
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

		svm_run(s->vmcb_pa, r, percpu_svm[v->cpu].host);

		g[R_RBX] = r->rbx, g[R_RCX] = r->rcx, g[R_RDX] = r->rdx, g[R_RSI] = r->rsi;
		g[R_RDI] = r->rdi, g[R_RBP] = r->rbp;
		memcpy(&g[8], &r->r8, 8 * sizeof(uint64_t));
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
		e->reason = normalise(v, vmcb, e);
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

/* Real mode at @vector:0000, as an AP is after INIT and a start-up IPI. */
static void svm_vcpu_sipi(struct vcpu *v, uint8_t vector)
{
	void *vmcb = vmcb_of(v);

	vmcb_seg(vmcb, VMCB_CS, (uint16_t)(vector << 8), 0x9B, 0xFFFF, (uint64_t)vector << 12);
	vmcb_seg(vmcb, VMCB_DS, 0, 0x93, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_ES, 0, 0x93, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_SS, 0, 0x93, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_FS, 0, 0x93, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_GS, 0, 0x93, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_TR, 0, 0x8B, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_LDTR, 0, 0x82, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_GDTR, 0, 0, 0xFFFF, 0);
	vmcb_seg(vmcb, VMCB_IDTR, 0, 0, 0xFFFF, 0);
	vmcb_wr(vmcb, VMCB_CPL, 1, 0);
	vmcb_wr(vmcb, VMCB_EFER, 8, EFER_SVME);
	vmcb_wr(vmcb, VMCB_CR0, 8, 0x10); /* ET; caching on (the CPU's CD/NW would be set) */
	vmcb_wr(vmcb, VMCB_CR3, 8, 0);
	vmcb_wr(vmcb, VMCB_CR4, 8, 0);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rflags = 0x2;
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
	.vcpu_create = svm_vcpu_create,
	.vcpu_run = svm_vcpu_run,
	.vcpu_sipi = svm_vcpu_sipi,
	.inject_exception = svm_inject_exception,
	.insn_done = svm_insn_done,
	.write_cr = svm_write_cr,
	.read_cr = svm_read_cr,
	.read_efer = svm_read_efer,
	.write_efer = svm_write_efer,
	.map = svm_map,
	.unmap = svm_unmap,
};
