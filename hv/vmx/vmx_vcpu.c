// SPDX-License-Identifier: MIT
/*
 * The Intel VT-x backend of struct vcpu_ops (SDM vol. 3C, ch. 24-29): VMXON
 * per CPU, a VMCS per vCPU whose controls come from the capability MSRs
 * (vmx_ctls.c), EPT (ept.c) and VPID, the MSR policy's bitmap, every port
 * intercepted. External interrupts do not exit: the guest owns its CPU's
 * x2APIC, so its timer, IPIs and device vectors go straight to its IDT. NMIs
 * exit (the hypervisor's kick). A failed VM entry is explained by the
 * VM-entry checker (vmentry_check.c) run on the VMCS as read back.
 */
#include <stdbool.h>
#include "hv/core/cpu.h"
#include "hv/platform/cr_policy.h"
#include "hv/vmx/ept.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/platform/msr_policy.h"
#include "hv/core/palloc.h"
#include "hv/core/physmem.h"
#include "lib/printk.h"
#include "hv/vm/vm.h"
#include "hv/vmx/vmcs_build.h"
#include "hv/vmx/vmcs_fields.h"
#include "hv/vmx/vmentry_check.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_ctls.h"
#include "lib/x86.h"

#define MSR_FEATURE_CONTROL 0x3A
#define FC_LOCK		    (1ull << 0)
#define FC_VMXON_OUTSIDE    (1ull << 2)
#define RFLAGS_TF	    (1ull << 8)
#define DR6_BS		    (1ull << 14)
#define EXC_DB		    1
#define EXC_GP		    13

/* Exit reasons (SDM vol. 3D, appendix C). */
#define XR_EXC_NMI	 0
#define XR_EXT_INT	 1
#define XR_TRIPLE	 2
#define XR_NMI_WINDOW	 8
#define XR_CPUID	 10
#define XR_HLT		 12
#define XR_INVD		 13
#define XR_VMCALL	 18
#define XR_VMXON	 27
#define XR_CR		 28
#define XR_IO		 30
#define XR_RDMSR	 31
#define XR_WRMSR	 32
#define XR_BAD_GUEST	 33
#define XR_BAD_MSR_LOAD	 34
#define XR_MWAIT	 36
#define XR_MONITOR	 39
#define XR_MCE_ENTRY	 41
#define XR_EPT_VIOLATION 48
#define XR_EPT_MISCONFIG 49
#define XR_INVEPT	 50
#define XR_PREEMPT	 52
#define XR_INVVPID	 53
#define XR_XSETBV	 55
#define XR_ENTRY_FAILURE (1u << 31)

#define INTR_VALID	  (1u << 31)
#define INTR_ERR	  (1u << 11)
#define INTR_NMI	  (2u << 8)
#define INTR_EXC	  (3u << 8)
#define INTR_IRET_UNBLOCK (1u << 12) /* exit info and qualification bit 12 */

/* Guest interruptibility state (SDM vol. 3C 25.4.2). */
#define BLOCK_STI   (1u << 0)
#define BLOCK_MOVSS (1u << 1)
#define BLOCK_NMI   (1u << 3)

/* Enter with the general registers but RSP (the VMCS's) from @regs, back
 * with them saved there (vmx_run.asm). */
int vmx_run(struct vcpu_regs *regs, int launched);
extern const char vmx_exit_entry[];

struct vmx_vcpu {
	uint64_t vmcs_pa;
	/* The state to enter in: the VMCS is written on the vCPU's own CPU,
	 * at its first run (or at once, by vcpu_reset, once it has been). */
	struct vcpu_boot_state boot;
	bool configured, launched;
	uint32_t inject; /* VM-entry interruption information, 0 if none */
	uint32_t inject_err;
	uint16_t vpid;
	bool nmi_window; /* NMI-window exiting on: an NMI waits for it */
};

static struct vmx_caps caps;
static struct vmx_ctls ctls;
static bool ept_2m, ept_1g, ept_ad;
static bool vnmi; /* virtual NMIs, with NMI-window exiting */
static uint64_t msr_bitmap_pa, io_bitmap_pa;
static uint16_t next_vpid = 1;
static struct {
	uint64_t vmxon;
	bool on;
} percpu_vmx[MAX_CPUS];
_Static_assert(sizeof(struct vmx_vcpu) <= VCPU_ARCH_MAX, "struct vmx_vcpu fits the pool");
static bool break_cr0; /* vmx.break=cr0: a test of the entry-failure report */
static bool poison;    /* vmx.poison: fresh VMCS regions all ones, to show unwritten fields */

void vmx_set_poison(void)
{
	poison = true;
	pr_warn("vmx.poison: VMCS regions filled with 0xff before VMCLEAR (a test aid)\n");
}

void vmx_set_break(const char *what)
{
	if (!strcmp(what, "cr0")) {
		break_cr0 = true;
		pr_warn("vmx.break=cr0: guests get CR0.PG without PE (fault injection)\n");
	} else {
		pr_warn("vmx.break=%s: expected cr0\n", what);
	}
}

/* ---- VMX instructions ----------------------------------------------------- */

static inline uint64_t vmread(uint32_t field)
{
	uint64_t v;

	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)field) : "cc");
	return v;
}

static inline bool vmwrite(uint32_t field, uint64_t v)
{
	bool fail;

	__asm__ volatile("vmwrite %2, %1; setna %0"
			 : "=q"(fail)
			 : "r"((uint64_t)field), "rm"(v)
			 : "cc");
	return !fail;
}

static inline bool vmx_insn(const char *which, uint64_t pa)
{
	bool fail = true;

	if (!strcmp(which, "vmxon"))
		__asm__ volatile("vmxon %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	else if (!strcmp(which, "vmclear"))
		__asm__ volatile("vmclear %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	else if (!strcmp(which, "vmptrld"))
		__asm__ volatile("vmptrld %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

/* IA32_VMX_EPT_VPID_CAP: INVEPT (bit 20) with its single-context (25) and
 * all-context (26) types; INVVPID (bit 32) with single-context (41) and
 * all-context (42). */
#define CAP_INVEPT	   (1ull << 20)
#define CAP_INVEPT_SINGLE  (1ull << 25)
#define CAP_INVEPT_ALL	   (1ull << 26)
#define CAP_INVVPID	   (1ull << 32)
#define CAP_INVVPID_SINGLE (1ull << 41)
#define CAP_INVVPID_ALL	   (1ull << 42)

/* Forget what this CPU cached for @eptp and for @vpid: a new vCPU must see
 * its tables as they are, whatever ran on the CPU before. */
static void tlb_flush(uint64_t eptp, uint16_t vpid)
{
	struct {
		uint64_t a, b;
	} desc;
	uint64_t type;

	if (caps.ept_vpid_cap & CAP_INVEPT) {
		type = caps.ept_vpid_cap & CAP_INVEPT_SINGLE ? 1 : 2;
		desc.a = eptp, desc.b = 0;
		__asm__ volatile("invept %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
	}
	if (caps.ept_vpid_cap & CAP_INVVPID) {
		type = caps.ept_vpid_cap & CAP_INVVPID_SINGLE ? 1 : 2;
		desc.a = vpid, desc.b = 0;
		__asm__ volatile("invvpid %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
	}
}

static uint32_t revision(void)
{
	return (uint32_t)caps.basic & 0x7FFFFFFF;
}

/* ---- detection --------------------------------------------------------------- */

int vmx_probe(bool ept_1g_ok)
{
	char why[96];

	caps.basic = rdmsr(MSR_IA32_VMX_BASIC);
	caps.pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	caps.procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	caps.exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	caps.entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	caps.misc = rdmsr(MSR_IA32_VMX_MISC);
	caps.cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	caps.cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	caps.cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	caps.cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	if (caps.basic & VMX_BASIC_TRUE_CTLS) {
		caps.true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		caps.true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		caps.true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
		caps.true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	}
	if ((caps.procbased >> 32) & VMX_PROC_SECONDARY) {
		caps.procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		caps.ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
	struct cpuid_regs r;

	cpuid(0x80000008, 0, &r);
	caps.phys_bits = (uint8_t)r.eax;
	caps.lin_bits = (uint8_t)(r.eax >> 8);
	if (vmx_ctls_choose(&caps, &ctls, why, sizeof(why))) {
		pr_err("vt-x: cannot run guests: %s\n", why);
		return -ENOTSUP;
	}
	/* The preemption timer would make exits of its own: not used. */
	if (!((uint32_t)caps.pinbased & VMX_PIN_PREEMPT_TIMER))
		ctls.pin &= ~VMX_PIN_PREEMPT_TIMER;
	ept_2m = caps.ept_vpid_cap & VMX_EPT_CAP_2M;
	ept_1g = ept_2m && ept_1g_ok && (caps.ept_vpid_cap & VMX_EPT_CAP_1G);
	ept_ad = caps.ept_vpid_cap & VMX_EPT_CAP_AD;
	vnmi = (ctls.pin & VMX_PIN_VIRTUAL_NMIS) &&
	       ((caps.basic & VMX_BASIC_TRUE_CTLS ? caps.true_procbased : caps.procbased) >> 32 &
		VMX_PROC_NMI_WINDOW);
	pr_info("vt-x: controls pin 0x%x proc 0x%x proc2 0x%x exit 0x%x entry 0x%x\n", ctls.pin,
		ctls.proc, ctls.proc2, ctls.exit, ctls.entry);
	return 0;
}

/* ---- CPUs -------------------------------------------------------------------- */

static int vmx_cpu_prepare(unsigned int cpu, struct palloc *pa)
{
	int err;

	if (cpu >= MAX_CPUS)
		return -EINVAL;
	if (!percpu_vmx[cpu].vmxon) {
		if ((err = physmem_zpages(pa, 1, &percpu_vmx[cpu].vmxon)))
			return err;
		*(uint32_t *)(uintptr_t)percpu_vmx[cpu].vmxon = revision();
	}
	if (!msr_bitmap_pa) {
		if ((err = physmem_zpages(pa, 1, &msr_bitmap_pa)) ||
		    (err = physmem_zpages(pa, 2, &io_bitmap_pa)))
			return err;
		msr_policy_build_vmx_bitmap((uint8_t *)(uintptr_t)msr_bitmap_pa);
		memset((void *)(uintptr_t)io_bitmap_pa, 0xFF, 2 * PAGE_SIZE);
	}
	return 0;
}

static int vmx_cpu_enable(unsigned int cpu)
{
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

	if (percpu_vmx[cpu].on)
		return 0;
	if ((fc & FC_LOCK) && !(fc & FC_VMXON_OUTSIDE))
		return -ENOTSUP; /* the firmware locked VMX off */
	if (!(fc & FC_LOCK))
		wrmsr(MSR_FEATURE_CONTROL, fc | FC_LOCK | FC_VMXON_OUTSIDE);
	write_cr0(vmx_cr_fixed(caps.cr0_fixed0, caps.cr0_fixed1, read_cr0(), false));
	write_cr4(vmx_cr_fixed(caps.cr4_fixed0, caps.cr4_fixed1, read_cr4() | CR4_VMXE, false));
	if (!vmx_insn("vmxon", percpu_vmx[cpu].vmxon))
		return -EIO;
	percpu_vmx[cpu].on = true;
	return 0;
}

/* ---- vCPUs ------------------------------------------------------------------- */

static struct vmx_vcpu *vx(struct vcpu *v)
{
	return v->arch;
}

static int vmx_vm_init(struct vm *vm, struct palloc *pa)
{
	return ept_init(&vm->gpa_map, pa, ept_ad);
}

static int vmx_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t len, bool uncached)
{
	return ept_map(&vm->gpa_map, gpa, hpa, len, uncached ? EPT_R | EPT_W : EPT_RWX,
		       uncached ? EPT_UC : EPT_WB, ept_2m, ept_1g);
}

static int vmx_unmap(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return ept_unmap(&vm->gpa_map, gpa, len);
}

static int vmx_vcpu_create(struct vcpu *v, const struct vcpu_boot_state *st, struct palloc *pa)
{
	struct vmx_vcpu *s = vx(v);
	int err;

	if (!msr_bitmap_pa)
		return -ENOSPC;
	if ((err = physmem_zpages(pa, 1, &s->vmcs_pa)))
		return err;
	*(uint32_t *)(uintptr_t)s->vmcs_pa = revision();
	s->boot = *st;
	s->vpid = next_vpid++;
	return 0;
}

static void vmcs_wr(void *ctx, uint32_t field, uint64_t val)
{
	(void)ctx;
	vmwrite(field, val);
}

static const struct vmcs_writer live = {vmcs_wr, NULL};

static void vcpu_cfg(struct vcpu *v, struct vmx_vcpu_cfg *c)
{
	c->caps = &caps;
	c->ctls = &ctls;
	c->msr_bitmap = msr_bitmap_pa;
	c->io_bitmap = io_bitmap_pa;
	c->eptp = ept_pointer(&v->vm->gpa_map);
	c->vpid = vx(v)->vpid;
}

/* The VMCS, written on the vCPU's own CPU before its first entry. */
static int vmcs_setup(struct vcpu *v)
{
	struct vmx_vcpu *s = vx(v);
	struct percpu *pc = this_cpu();
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr, idtr;

	if (poison) {
		memset((void *)(uintptr_t)s->vmcs_pa, 0xFF, PAGE_SIZE);
		*(uint32_t *)(uintptr_t)s->vmcs_pa = revision();
	}
	if (!vmx_insn("vmclear", s->vmcs_pa) || !vmx_insn("vmptrld", s->vmcs_pa))
		return -EIO;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));

	struct vmx_host_state h = {
		.cr0 = read_cr0(),
		.cr3 = read_cr3(),
		.cr4 = read_cr4(),
		.efer = rdmsr(MSR_EFER),
		.pat = rdmsr(0x277),
		.fs_base = rdmsr(0xC0000100),
		.gs_base = (uint64_t)(uintptr_t)pc,
		.tr_base = (uint64_t)(uintptr_t)&pc->tss,
		.gdtr_base = gdtr.base,
		.idtr_base = idtr.base,
		.rip = (uint64_t)(uintptr_t)vmx_exit_entry,
		.cs = SEL_CODE,
		.ds = SEL_DATA,
		.tr = SEL_TSS,
	};
	struct vmx_vcpu_cfg c;

	vcpu_cfg(v, &c);
	vmcs_build_controls(&live, &c);
	vmcs_build_host(&live, &h);
	vmcs_build_guest(&live, &c, &s->boot);
	tlb_flush(c.eptp, c.vpid);
	if (break_cr0) /* paging without protection: no VM entry takes that */
		vmwrite(VMCS_GUEST_CR0, (vmread(VMCS_GUEST_CR0) | CR0_PG) & ~CR0_PE);
	s->configured = true;
	return 0;
}

static void nmi_window(struct vmx_vcpu *s, bool on);

static void vmx_vcpu_reset(struct vcpu *v, const struct vcpu_boot_state *st)
{
	struct vmx_vcpu *s = vx(v);

	s->boot = *st;
	/* INIT drops any event on its way and NMI blocking (a restart too). */
	s->inject = 0;
	if (s->configured) {
		struct vmx_vcpu_cfg c;

		nmi_window(s, false);
		vcpu_cfg(v, &c);
		vmcs_build_guest(&live, &c, st);
	}
}

/* ---- entry failures ----------------------------------------------------------- */

static const uint32_t image_fields[] = {
	VMCS_PIN_CTLS,
	VMCS_PROC_CTLS,
	VMCS_PROC_CTLS2,
	VMCS_EXIT_CTLS,
	VMCS_ENTRY_CTLS,
	VMCS_EXCEPTION_BITMAP,
	VMCS_CR3_TARGET_COUNT,
	VMCS_EXIT_MSR_STORE_COUNT,
	VMCS_EXIT_MSR_LOAD_COUNT,
	VMCS_ENTRY_MSR_LOAD_COUNT,
	VMCS_EXIT_MSR_STORE_ADDR,
	VMCS_EXIT_MSR_LOAD_ADDR,
	VMCS_ENTRY_MSR_LOAD_ADDR,
	VMCS_GUEST_PDPTE0,
	VMCS_GUEST_PDPTE1,
	VMCS_GUEST_PDPTE2,
	VMCS_GUEST_PDPTE3,
	VMCS_MSR_BITMAP,
	VMCS_IO_BITMAP_A,
	VMCS_IO_BITMAP_B,
	VMCS_EPT_POINTER,
	VMCS_VPID,
	VMCS_LINK_POINTER,
	VMCS_ENTRY_INTR_INFO,
	VMCS_ENTRY_EXC_ERR,
	VMCS_ENTRY_INSN_LEN,
	VMCS_HOST_CR0,
	VMCS_HOST_CR3,
	VMCS_HOST_CR4,
	VMCS_HOST_CS_SEL,
	VMCS_HOST_SS_SEL,
	VMCS_HOST_DS_SEL,
	VMCS_HOST_ES_SEL,
	VMCS_HOST_FS_SEL,
	VMCS_HOST_GS_SEL,
	VMCS_HOST_TR_SEL,
	VMCS_HOST_FS_BASE,
	VMCS_HOST_GS_BASE,
	VMCS_HOST_TR_BASE,
	VMCS_HOST_GDTR_BASE,
	VMCS_HOST_IDTR_BASE,
	VMCS_HOST_SYSENTER_ESP,
	VMCS_HOST_SYSENTER_EIP,
	VMCS_HOST_EFER,
	VMCS_HOST_PAT,
	VMCS_HOST_RIP,
	VMCS_HOST_RSP,
	VMCS_GUEST_CR0,
	VMCS_GUEST_CR3,
	VMCS_GUEST_CR4,
	VMCS_GUEST_DR7,
	VMCS_GUEST_RSP,
	VMCS_GUEST_RIP,
	VMCS_GUEST_RFLAGS,
	VMCS_GUEST_EFER,
	VMCS_GUEST_PAT,
	VMCS_GUEST_DEBUGCTL,
	VMCS_GUEST_SYSENTER_ESP,
	VMCS_GUEST_SYSENTER_EIP,
	VMCS_GUEST_GDTR_BASE,
	VMCS_GUEST_GDTR_LIMIT,
	VMCS_GUEST_IDTR_BASE,
	VMCS_GUEST_IDTR_LIMIT,
	VMCS_GUEST_ACTIVITY,
	VMCS_GUEST_INTERRUPTIBILITY,
	VMCS_GUEST_PENDING_DBG,
};

/* Say which VM-entry check the current VMCS fails, by the checker's model. */
static void entry_explain(struct vcpu *v, const char *what, uint64_t code)
{
	static struct vmcs_image img;
	char why[120];

	vmcs_image_init(&img);
	for (unsigned int i = 0; i < sizeof(image_fields) / sizeof(image_fields[0]); i++)
		vmcs_image_set(&img, image_fields[i], vmread(image_fields[i]));
	for (unsigned int s = 0; s < 8; s++) { /* ES..TR: selector, base, limit, rights */
		vmcs_image_set(&img, VMCS_GUEST_ES_SEL + 2 * s, vmread(VMCS_GUEST_ES_SEL + 2 * s));
		vmcs_image_set(&img, VMCS_GUEST_ES_BASE + 2 * s,
			       vmread(VMCS_GUEST_ES_BASE + 2 * s));
		vmcs_image_set(&img, VMCS_GUEST_ES_LIMIT + 2 * s,
			       vmread(VMCS_GUEST_ES_LIMIT + 2 * s));
		vmcs_image_set(&img, VMCS_GUEST_ES_AR + 2 * s, vmread(VMCS_GUEST_ES_AR + 2 * s));
	}
	if (vmentry_check(&img, &caps, why, sizeof(why)))
		vm_stop(v, "vm entry failed (%s 0x%llx): %s", what, (unsigned long long)code, why);
	else
		vm_stop(v, "vm entry failed (%s 0x%llx); the checker finds no failed check", what,
			(unsigned long long)code);
}

/* ---- instructions done for the guest, NMIs -------------------------------- */

static void vmx_insn_done(struct vcpu *v)
{
	struct vmx_vcpu *s = vx(v);
	uint32_t intr = (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY);
	uint64_t dr6;

	/* The STI or MOV SS shadow covered the instruction just done. */
	if (intr & (BLOCK_STI | BLOCK_MOVSS))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(BLOCK_STI | BLOCK_MOVSS));
	if (!(v->regs.rflags & RFLAGS_TF) || s->inject)
		return;
	/* The single-step trap: DR6 is the guest's own register (MOV DR does
	 * not exit), so BS is set there, and #DB delivered after the
	 * instruction, as the CPU would. */
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	dr6 |= DR6_BS;
	__asm__ volatile("mov %0, %%dr6" ::"r"(dr6));
	s->inject = EXC_DB | INTR_EXC | INTR_VALID;
}

static void nmi_window(struct vmx_vcpu *s, bool on)
{
	if (s->nmi_window == on)
		return;
	s->nmi_window = on;
	vmwrite(VMCS_PROC_CTLS, ctls.proc | (on ? VMX_PROC_NMI_WINDOW : 0));
}

/*
 * A pending NMI goes in when nothing blocks it: no other event being
 * delivered, not inside the guest's NMI handler (virtual-NMI blocking), no
 * STI or MOV SS shadow (VM entry refuses an NMI in a MOV SS shadow, Bochs
 * in an STI shadow too, and some CPUs treat STI blocking as blocking NMIs).
 * Otherwise NMI-window exiting brings the vCPU back when it can take it.
 */
static void nmi_deliver(struct vcpu *v, struct vmx_vcpu *s)
{
	uint32_t intr;

	if (!__atomic_load_n(&v->nmi_pending, __ATOMIC_ACQUIRE)) {
		nmi_window(s, false);
		return;
	}
	intr = (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY);
	if (!s->inject && !(intr & (BLOCK_STI | BLOCK_MOVSS | BLOCK_NMI))) {
		s->inject = 2 | INTR_NMI | INTR_VALID;
		__atomic_store_n(&v->nmi_pending, false, __ATOMIC_RELEASE);
		nmi_window(s, false);
	} else if (vnmi) {
		nmi_window(s, true);
	}
	/* Without virtual NMIs it waits for the next exit. */
}

/* An exit in the middle of an IRET that unblocked NMIs: the IRET runs
 * again, so the blocking it lifted is put back (SDM vol. 3C 28.2.3). */
static void iret_reblock(uint32_t bit12_set)
{
	if (!vnmi || !bit12_set || (vmread(VMCS_IDT_VEC_INFO) & INTR_VALID))
		return;
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) | BLOCK_NMI);
}

/* ---- CR0/CR4 writes and XSETBV --------------------------------------------- */

static uint64_t vmx_read_cr(struct vcpu *v, unsigned int cr);

/* PAE paging outside long mode: EPT makes the CPU take the PDPTEs from the
 * VMCS, so a CR0/CR4 write done here loads them from the guest's CR3. */
static int load_pdptes(struct vcpu *v, uint64_t cr3)
{
	const uint64_t *p = vm_ram_ptr(v->vm, cr3 & 0xFFFFFFE0ull, 32);

	if (!p)
		return -EFAULT;
	for (unsigned int i = 0; i < 4; i++) {
		/* Reserved: bits 2:1, 8:5 and above the physical address width. */
		if ((p[i] & 1) && (p[i] & (0x1E6ull | (~0ull << caps.phys_bits))))
			return -EINVAL;
	}
	for (unsigned int i = 0; i < 4; i++)
		vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, p[i]);
	return 0;
}

/*
 * A MOV to CR0 or CR4 that exited (it changes a bit the masks own), once
 * the common rules passed it (hv/vm/exit.c). Paging switched on or off with
 * EFER.LME moves EFER.LMA, and the entry control "IA-32e mode guest" with
 * it: the CPU would have done both had the write not exited.
 */
static int vmx_write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
	uint64_t cr0 = cr == 0 ? val : vmx_read_cr(v, 0), cr4 = cr == 4 ? val : vmx_read_cr(v, 4);
	uint64_t old_efer = vmread(VMCS_GUEST_EFER), efer = cr_policy_efer_after(old_efer, cr0);

	if (cr_policy_pae_pdptes(cr0, cr4, efer) && load_pdptes(v, vmread(VMCS_GUEST_CR3)))
		return -EINVAL;
	if (cr == 0)
		vmcs_build_cr0(&live, &caps, cr0);
	else
		vmcs_build_cr4(&live, &caps, cr4);
	if (efer != old_efer) {
		uint64_t entry = vmread(VMCS_ENTRY_CTLS) & ~(uint64_t)VMX_ENTRY_IA32E;

		vmwrite(VMCS_GUEST_EFER, efer);
		vmwrite(VMCS_ENTRY_CTLS, entry | (efer & EFER_LMA ? VMX_ENTRY_IA32E : 0));
	}
	return 0;
}

/* XSETBV always exits. With XCR0 a CPU takes (the host's CR4.OSXSAVE is
 * on), the hypervisor does it for the guest: XCR0 is not switched on exits
 * and the hypervisor uses no extended state. Anything else is the guest's
 * #GP, never the host's. */
static int xsetbv_emulate(struct vcpu *v)
{
	uint64_t val = (v->regs.gpr[R_RDX] << 32) | (uint32_t)v->regs.gpr[R_RAX];
	struct cpuid_regs c;

	cpuid(0xD, 0, &c);
	if (cr_policy_xcr0((uint32_t)v->regs.gpr[R_RCX], val, ((uint64_t)c.edx << 32) | c.eax))
		return -EINVAL;
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	return 0;
}

/* ---- running -------------------------------------------------------------------- */

/* Enter the guest once with v->regs; back with them and the guest's RSP,
 * RIP and RFLAGS. False if VMLAUNCH or VMRESUME itself failed. */
static bool vmx_enter(struct vcpu *v, struct vmx_vcpu *s)
{
	vmwrite(VMCS_GUEST_RSP, v->regs.gpr[R_RSP]);
	vmwrite(VMCS_GUEST_RIP, v->regs.rip);
	vmwrite(VMCS_GUEST_RFLAGS, v->regs.rflags);
	if (v->flush_tlb) { /* its EPT changed (a BAR moved) */
		tlb_flush(ept_pointer(&v->vm->gpa_map), s->vpid);
		v->flush_tlb = false;
	}
	nmi_deliver(v, s);
	vmwrite(VMCS_ENTRY_INTR_INFO, s->inject);
	if (s->inject & INTR_ERR)
		vmwrite(VMCS_ENTRY_EXC_ERR, s->inject_err);
	s->inject = 0;

	if (vmx_run(&v->regs, s->launched))
		return false;
	s->launched = true;
	v->regs.gpr[R_RSP] = vmread(VMCS_GUEST_RSP);
	v->regs.rip = vmread(VMCS_GUEST_RIP);
	v->regs.rflags = vmread(VMCS_GUEST_RFLAGS);
	return true;
}

/* An event cut short by the exit is delivered again on the next entry. */
static void event_requeue(struct vmx_vcpu *s)
{
	uint32_t idt = (uint32_t)vmread(VMCS_IDT_VEC_INFO);

	if (!(idt & INTR_VALID))
		return;
	s->inject = idt & ~(1u << 12);
	if (idt & INTR_ERR)
		s->inject_err = (uint32_t)vmread(VMCS_IDT_VEC_ERR);
	vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
}

/* Exits the backend deals with itself, entering again at once: true if
 * @reason is one (and it was dealt with). */
static bool exit_internal(struct vcpu *v, uint32_t reason)
{
	switch (reason & 0xFFFF) {
	case XR_XSETBV:
		if (xsetbv_emulate(v)) {
			vcpu_inject_fault(v, EXC_GP, 0);
			return true;
		}
		v->regs.rip += vmread(VMCS_EXIT_INSN_LEN);
		vmx_insn_done(v);
		return true;
	case XR_NMI_WINDOW: /* the pending NMI goes in at the next entry */
	case XR_PREEMPT:
	case XR_EXT_INT:
		return true;
	default:
		return false;
	}
}

/* The VMCS's exit information (exit @reason) in the common terms. */
static void exit_normalise(struct vcpu *v, uint32_t reason, struct vcpu_exit *e)
{
	uint64_t qual = vmread(VMCS_EXIT_QUAL);
	uint32_t basic = reason & 0xFFFF;

	memset(e, 0, sizeof(*e));
	e->hw_code = reason;
	if (reason & XR_ENTRY_FAILURE) {
		entry_explain(v, "exit reason", reason);
		e->reason = EXIT_INVALID;
		return;
	}
	e->next_rip = v->regs.rip + vmread(VMCS_EXIT_INSN_LEN);
	switch (basic) {
	case XR_CR: {
		unsigned int cr = qual & 15, type = (qual >> 4) & 3;

		if (type != 0 || (cr != 0 && cr != 4)) {
			e->reason = EXIT_OTHER;
			return;
		}
		e->reason = EXIT_CR_WRITE;
		e->cr.cr = (uint8_t)cr;
		e->cr.reg = (int8_t)((qual >> 8) & 15);
		e->cr.cs_l = (vmread(VMCS_GUEST_EFER) & EFER_LMA) &&
			     (vmread(VMCS_GUEST_CS_AR) & (1u << 13));
		return;
	}
	case XR_EXC_NMI: {
		uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

		iret_reblock(info & INTR_IRET_UNBLOCK);
		e->reason = (info & 0x700) == INTR_NMI ? EXIT_NMI : EXIT_EXCEPTION;
		e->exc.vector = (uint8_t)info;
		return;
	}
	case XR_TRIPLE:
		e->reason = EXIT_SHUTDOWN;
		return;
	case XR_CPUID:
		e->reason = EXIT_CPUID;
		return;
	case XR_HLT:
		e->reason = EXIT_HLT;
		return;
	case XR_INVD:
		e->reason = EXIT_INVD;
		return;
	case XR_RDMSR:
		e->reason = EXIT_MSR_READ;
		return;
	case XR_WRMSR:
		e->reason = EXIT_MSR_WRITE;
		return;
	case XR_IO:
		e->reason = EXIT_IO;
		e->io.size = (uint8_t)((qual & 7) + 1);
		e->io.in = qual & 8;
		e->io.string = qual & 16;
		e->io.rep = qual & 32;
		e->io.port = (uint16_t)(qual >> 16);
		return;
	case XR_EPT_VIOLATION:
		iret_reblock(qual & INTR_IRET_UNBLOCK);
		e->reason = EXIT_MMIO;
		e->mmio.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
		e->mmio.write = qual & 2;
		e->mmio.fetch = qual & 4;
		e->mmio.present = qual & 0x38;
		return;
	case XR_MWAIT:
	case XR_MONITOR:
	case XR_INVEPT:
	case XR_INVVPID:
		e->reason = EXIT_UD_INSN;
		return;
	case XR_EPT_MISCONFIG:
		e->reason = EXIT_INVALID;
		return;
	default:
		/* VMCALL .. VMXON: a guest has no VMX of its own. */
		e->reason = basic >= XR_VMCALL && basic <= XR_VMXON ? EXIT_UD_INSN : EXIT_OTHER;
		return;
	}
}

static void vmx_vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmx_vcpu *s = vx(v);
	uint32_t reason;

	if (!s->configured && vmcs_setup(v)) {
		memset(e, 0, sizeof(*e));
		e->reason = EXIT_INVALID;
		e->hw_code = ~0ull;
		return;
	}
	for (;;) {
		if (!vmx_enter(v, s)) {
			entry_explain(v, "vm-instruction error", vmread(VMCS_INSN_ERROR));
			memset(e, 0, sizeof(*e));
			e->reason = EXIT_INVALID;
			e->hw_code = vmread(VMCS_INSN_ERROR);
			return;
		}
		reason = (uint32_t)vmread(VMCS_EXIT_REASON);
		if (reason & XR_ENTRY_FAILURE)
			break;
		event_requeue(s);
		if (!exit_internal(v, reason))
			break;
	}
	exit_normalise(v, reason, e);
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_err, uint32_t err)
{
	struct vmx_vcpu *s = vx(v);

	s->inject = vector | INTR_EXC | INTR_VALID | (has_err ? INTR_ERR : 0);
	s->inject_err = err;
}

static uint64_t vmx_read_cr(struct vcpu *v, unsigned int cr)
{
	(void)v;
	switch (cr) {
	case 0:
		return (vmread(VMCS_GUEST_CR0) & ~vmcs_cr0_mask(&caps)) |
		       (vmread(VMCS_CR0_SHADOW) & vmcs_cr0_mask(&caps));
	case 3:
		return vmread(VMCS_GUEST_CR3);
	case 4:
		return (vmread(VMCS_GUEST_CR4) & ~vmcs_cr4_mask(&caps)) |
		       (vmread(VMCS_CR4_SHADOW) & vmcs_cr4_mask(&caps));
	default:
		return 0;
	}
}

static uint64_t vmx_read_efer(struct vcpu *v)
{
	(void)v;
	return vmread(VMCS_GUEST_EFER);
}

static int vmx_write_efer(struct vcpu *v, uint64_t efer)
{
	uint64_t cur = vmread(VMCS_GUEST_EFER);

	(void)v;
	if (efer & ~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
		return -EINVAL;
	/* LMA is the CPU's to set (and the entry control follows it). */
	vmwrite(VMCS_GUEST_EFER, (efer & ~(uint64_t)EFER_LMA) | (cur & EFER_LMA));
	return 0;
}

const struct vcpu_ops vmx_vcpu_ops = {
	.name = "vt-x",
	.cpu_prepare = vmx_cpu_prepare,
	.cpu_enable = vmx_cpu_enable,
	.vm_init = vmx_vm_init,
	.arch_size = sizeof(struct vmx_vcpu),
	.vcpu_create = vmx_vcpu_create,
	.vcpu_run = vmx_vcpu_run,
	.vcpu_reset = vmx_vcpu_reset,
	.inject_exception = vmx_inject_exception,
	.insn_done = vmx_insn_done,
	.write_cr = vmx_write_cr,
	.read_cr = vmx_read_cr,
	.read_efer = vmx_read_efer,
	.write_efer = vmx_write_efer,
	.map = vmx_map,
	.unmap = vmx_unmap,
};
