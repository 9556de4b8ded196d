// SPDX-License-Identifier: MIT
/*
 * The common exit handlers: every backend's exits arrive here normalised.
 * A guest gets what the platform (DESIGN.md, "The guest platform") promises
 * and nothing else: refused accesses read as all ones, are dropped or get
 * #GP, are counted, and a few per window are logged with the guest's name.
 */
#include <stdarg.h>
#include "drivers/apic/apic.h"
#include "hv/platform/cpuid_policy.h"
#include "hv/platform/cr_policy.h"
#include "hv/platform/decode.h"
#include "lib/err.h"
#include "hv/platform/gwalk.h"
#include "hv/platform/icr_filter.h"
#include "lib/kstring.h"
#include "hv/platform/msr_policy.h"
#include "hv/platform/vacpi.h"
#include "lib/printk.h"
#include "drivers/timer/tsc.h"
#include "hv/vm/vm.h"
#include "lib/x86.h"

#define MSR_APIC_BASE	 0x1B
#define MSR_MTRRCAP	 0xFE
#define MSR_MTRR_FIRST	 0x200
#define MSR_MTRR_LAST	 0x26F
#define MSR_MTRRDEF	 0x2FF
#define MSR_X2APIC_ICR	 0x830
#define MSR_X2APIC_LINT0 0x835
#define LINT0_WRITABLE	 0x1A7FFull /* vector, mode, polarity, trigger, mask */
#define ICR_DM_NMI	 4
#define MSR_PATCH_LEVEL	 0x8B
#define MSR_AMD_HWCR	 0xC0010015
#define MSR_MISC_ENABLE	 0x1A0

#define MISC_FAST_STRINGS (1ull << 0)
#define MISC_NO_BTS	  (1ull << 11)
#define MISC_NO_PEBS	  (1ull << 12)

#define APIC_BASE_BSP  (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN   (1ull << 11)

#define COM1	0x3F8
#define EXC_UD	6
#define EXC_GP	13
#define CR4_PKE (1ull << 22)

static const char *const reason_names[EXIT_REASONS] = {
	[EXIT_CPUID] = "cpuid",
	[EXIT_MSR_READ] = "rdmsr",
	[EXIT_MSR_WRITE] = "wrmsr",
	[EXIT_IO] = "port i/o",
	[EXIT_MMIO] = "mmio",
	[EXIT_ICR] = "ipi (icr)",
	[EXIT_SHUTDOWN] = "shutdown",
	[EXIT_HLT] = "hlt",
	[EXIT_INTR] = "interrupt",
	[EXIT_NMI] = "nmi",
	[EXIT_EXCEPTION] = "exception",
	[EXIT_UD_INSN] = "refused instruction",
	[EXIT_INVD] = "invd",
	[EXIT_CR_WRITE] = "cr write",
	[EXIT_INVALID] = "invalid state",
	[EXIT_OTHER] = "other",
};

const char *exit_reason_name(enum exit_reason r)
{
	return r < EXIT_REASONS && reason_names[r] ? reason_names[r] : "?";
}

static const struct vcpu_ops *ops;

const struct vcpu_ops *vm_backend(void)
{
	return ops;
}

void vm_set_backend(const struct vcpu_ops *o)
{
	ops = o;
}

void vm_print_counters(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpu[i];
		uint64_t total = 0;

		for (unsigned int r = 0; r < EXIT_REASONS; r++)
			total += v->exits[r];
		pr_info("guest %s: vcpu %u (cpu %u): %llu exits\n", vm->name, i, v->cpu,
			(unsigned long long)total);
		for (unsigned int r = 0; r < EXIT_REASONS; r++)
			if (v->exits[r])
				pr_info("guest %s: vcpu %u:   %-20s %llu\n", vm->name, i,
					exit_reason_name(r), (unsigned long long)v->exits[r]);
	}
	pr_info("guest %s: refused: %llu port, %llu msr, %llu mmio access(es)\n", vm->name,
		(unsigned long long)vm->refused_io, (unsigned long long)vm->refused_msr,
		(unsigned long long)vm->refused_mmio);
}

static void vm_stop_va(struct vcpu *v, enum vm_stop_kind kind, const char *fmt, va_list ap)
{
	struct vm *vm = v->vm;
	struct vcpu *none = NULL;

	/* The first to stop the guest writes the reason; the others only see it. */
	if (!__atomic_compare_exchange_n(&vm->stopper, &none, v, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	vfmt(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	vm->stop_kind = kind;
	__atomic_store_n(&vm->stopped, true, __ATOMIC_RELEASE);
	/* The guest's other CPUs may be in it with nothing to make them exit
	 * (interrupts are theirs): an NMI does, and they find it stopped. */
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *o = &vm->vcpu[i];

		if (o == v)
			continue;
		apic_send_nmi(o->apic_id);
	}
}

void vm_stop(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_stop_va(v, VM_STOP_PLAIN, fmt, ap);
	va_end(ap);
}

void vm_stop_kind(struct vcpu *v, enum vm_stop_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vm_stop_va(v, kind, fmt, ap);
	va_end(ap);
}

/* Log one refused access within the guest's budget for its kind (so that a
 * guest probing ports does not hide what it does to memory); the rest are
 * counted (vm->refused_*). The guest's vCPUs share the budget. */
static void refuse_log(struct vcpu *v, enum refusal kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse_log(struct vcpu *v, enum refusal kind, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	char msg[160], note[RATELIMIT_NOTE];
	va_list ap;
	bool ok;

	spin_lock(&vm->log_lock);
	ok = ratelimit(&vm->refuse_log[kind], note);
	spin_unlock(&vm->log_lock);
	if (!ok)
		return;
	va_start(ap, fmt);
	vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("guest %s: refused %s%s\n", vm->name, msg, note);
}

static bool cpu_is_amd(void)
{
	struct cpuid_regs r;

	cpuid(0, 0, &r);
	return r.ebx == 0x68747541; /* "Auth"enticAMD */
}

/* The instruction that exited is done: move past it as the CPU would,
 * ending an interrupt shadow and raising a single-step trap. */
static void complete(struct vcpu *v, uint64_t next_rip)
{
	v->regs.rip = next_rip;
	ops->insn_done(v);
}

static void skip(struct vcpu *v, const struct vcpu_exit *e, unsigned int len)
{
	complete(v, e->next_rip ? e->next_rip : v->regs.rip + len);
}

void vcpu_inject_fault(struct vcpu *v, uint8_t vector, uint32_t err)
{
	bool has_err = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
		       vector == 21 || vector == 29 || vector == 30;

	/* Real mode pushes no error code (and VM entry refuses one there). */
	if (!(ops->read_cr(v, 0) & CR0_PE))
		has_err = false;
	ops->inject_exception(v, vector, has_err, has_err ? err : 0);
}

static void inject_gp(struct vcpu *v)
{
	vcpu_inject_fault(v, EXC_GP, 0);
}

/* ---- CPUID ---------------------------------------------------------------- */

/* CPUID as the guest sees it. */
static void guest_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	struct cpuid_policy p = {.tsc_khz = (uint32_t)tsc_khz(), .apic_khz = apic_timer_khz()};

	cpuid(leaf, sub, r);
	cpuid_policy_apply(&p, leaf, sub, r);
}

static void handle_cpuid(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t leaf = (uint32_t)v->regs.gpr[R_RAX], sub = (uint32_t)v->regs.gpr[R_RCX];
	struct cpuid_regs r;
	uint64_t cr4 = ops->read_cr(v, 4);

	guest_cpuid(leaf, sub, &r);
	/* OSXSAVE and OSPKE mirror CR4; CPUID ran with the host's CR4. */
	if (leaf == 1)
		r.ecx = (r.ecx & ~(1u << 27)) | (cr4 & CR4_OSXSAVE ? 1u << 27 : 0);
	if (leaf == 7 && sub == 0)
		r.ecx = (r.ecx & ~(1u << 4)) | (cr4 & CR4_PKE ? 1u << 4 : 0);
	v->regs.gpr[R_RAX] = r.eax;
	v->regs.gpr[R_RBX] = r.ebx;
	v->regs.gpr[R_RCX] = r.ecx;
	v->regs.gpr[R_RDX] = r.edx;
	skip(v, e, 2);
}

/* ---- MSRs ----------------------------------------------------------------- */

static int msr_emulate_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = ops->read_efer(v);
		return 0;
	case MSR_APIC_BASE:
		*val = (rdmsr(MSR_APIC_BASE) & ~APIC_BASE_BSP) | (v->index ? 0 : APIC_BASE_BSP);
		return 0;
	case MSR_MTRRCAP:
		*val = 0; /* no variable or fixed ranges, no WC: nested paging decides */
		return 0;
	case MSR_MTRRDEF:
		*val = v->mtrr_def;
		return 0;
	case MSR_PATCH_LEVEL:
		*val = 0;
		return 0;
	case MSR_AMD_HWCR:
		/* Only an AMD CPU has it (on Intel it is emulated as 0). */
		*val = cpu_is_amd() ? rdmsr(MSR_AMD_HWCR) : 0;
		return 0;
	case MSR_MISC_ENABLE:
		*val = MISC_FAST_STRINGS | MISC_NO_BTS | MISC_NO_PEBS;
		return 0;
	default:
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST) {
			*val = v->mtrr[msr - MSR_MTRR_FIRST];
			return 0;
		}
		*val = 0; /* the policy's other emulated MSRs read as zero */
		return 0;
	}
}

static void send_ipi(uint64_t icr)
{
	wrmsr(MSR_X2APIC_ICR, icr);
}

/*
 * INIT and start-up IPIs to the guest's own APs, emulated: an AP waits on its
 * CPU for INIT, then for a start-up IPI, then enters real mode at the vector's
 * page. Only the first start counts; re-INIT of a running vCPU (CPU hotplug)
 * is not supported and is logged.
 */
static void startup_ipi(struct vcpu *v, const struct icr_decision *d)
{
	struct vm *vm = v->vm;
	bool init = d->verdict == ICR_EMULATE_INIT;

	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpu[i];

		if (!(d->target_mask & (1ull << i)))
			continue;
		/* Two of the guest's CPUs may start the same AP at once: the lock
		 * makes one transition win, as on hardware. */
		spin_lock(&vm->io_lock);
		if (init && t->state == VCPU_WAIT_INIT) {
			t->state = VCPU_WAIT_SIPI;
		} else if (!init && t->state == VCPU_WAIT_SIPI) {
			t->sipi_vector = (uint8_t)d->icr;
			__atomic_store_n(&t->state, VCPU_STARTING, __ATOMIC_RELEASE);
		} else if (init && t->state == VCPU_RUNNING) {
			refuse_log(v, REFUSED_MSR, "INIT to its running vcpu %u: not supported", i);
		}
		spin_unlock(&vm->io_lock);
		/* A second start-up IPI to a started AP is ignored, as by a CPU. */
	}
}

/*
 * An NMI IPI to the guest's own CPUs: each target's NMI is made pending, and
 * the others are kicked to deliver it. A real NMI to this CPU would land in
 * the hypervisor (it is running here), where it would be lost.
 */
static void nmi_ipi(struct vcpu *v, uint64_t targets)
{
	struct vm *vm = v->vm;

	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		if (!(targets & (1ull << i)))
			continue;
		__atomic_store_n(&vm->vcpu[i].nmi_pending, true, __ATOMIC_RELEASE);
		if (i != v->index)
			apic_send_nmi(vm->vcpu[i].apic_id);
	}
}

static int icr_write(struct vcpu *v, uint64_t icr)
{
	struct vm *vm = v->vm;
	uint32_t own[VM_MAX_VCPUS];
	struct icr_decision d;

	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		own[i] = vm->vcpu[i].apic_id;
	/* Reserved bits: #GP, as the real x2APIC does (handle_msr counts it). */
	if (icr_filter(icr, own, vm->vcpu_count, v->index, &d) == -EINVAL)
		return -EINVAL;
	if ((d.verdict == ICR_SEND || d.verdict == ICR_SEND_EACH) &&
	    ((d.icr >> 8) & 7) == ICR_DM_NMI) {
		nmi_ipi(v, d.target_mask);
		return 0;
	}
	switch (d.verdict) {
	case ICR_SEND:
		send_ipi(d.icr);
		return 0;
	case ICR_SEND_EACH:
		for (unsigned int i = 0; i < vm->vcpu_count; i++)
			if (d.target_mask & (1ull << i))
				send_ipi(d.icr | ((uint64_t)own[i] << 32));
		return 0;
	case ICR_IGNORE:
		return 0;
	case ICR_EMULATE_INIT:
	case ICR_EMULATE_SIPI:
		startup_ipi(v, &d);
		return 0;
	case ICR_DROP:
	default:
		vm->refused_msr++;
		refuse_log(v, REFUSED_MSR, "IPI 0x%llx: %s", (unsigned long long)icr, d.why);
		return 0;
	}
}

static int msr_emulate_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_EFER: {
		struct cr_state cs = {.cr0 = ops->read_cr(v, 0), .efer = ops->read_efer(v)};

		/* The mode rules here, the bits the vendor allows in the backend. */
		if (cr_policy_efer(&cs, val, ~0ull))
			return -EINVAL;
		return ops->write_efer(v, val);
	}
	case MSR_APIC_BASE: {
		uint64_t cur;

		msr_emulate_read(v, msr, &cur);
		/* The x2APIC is the guest's only as it is: enabled, x2APIC mode. */
		return (val & ~APIC_BASE_BSP) == (cur & ~APIC_BASE_BSP) ? 0 : -EINVAL;
	}
	case MSR_MTRRDEF: {
		uint8_t type = (uint8_t)val;

		/* Memory types 2, 3 and 7 and up are reserved: #GP, as the CPU. */
		if ((val & ~0xCFFull) || type == 2 || type == 3 || type > 6)
			return -EINVAL;
		v->mtrr_def = val;
		return 0;
	}
	case MSR_X2APIC_ICR:
		return icr_write(v, val);
	case MSR_X2APIC_LINT0:
		/* The 8259s' INTR reaches every CPU's LINT0, and the 8259s are
		 * the hypervisor's: the guest's setting is kept, masked. */
		if (val & ~LINT0_WRITABLE)
			return -EINVAL;
		wrmsr(MSR_X2APIC_LINT0, val | APIC_LVT_MASKED);
		pr_debug("guest %s: vcpu %u: lint0 0x%llx kept masked\n", v->vm->name, v->index,
			 (unsigned long long)val);
		return 0;
	default:
		if (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST) {
			v->mtrr[msr - MSR_MTRR_FIRST] = val;
			return 0;
		}
		return 0; /* the policy's other emulated MSRs ignore writes */
	}
}

static void handle_msr(struct vcpu *v, const struct vcpu_exit *e, bool write)
{
	uint32_t msr = (uint32_t)v->regs.gpr[R_RCX];
	const struct msr_rule *rule = msr_policy_lookup(msr);
	enum msr_action act = write ? rule->wr : rule->rd;
	uint64_t val = (v->regs.gpr[R_RDX] << 32) | (uint32_t)v->regs.gpr[R_RAX];
	int err = -ENOTSUP;

	if (act == MSR_EMULATE) {
		if (write) {
			err = msr_emulate_write(v, msr, val);
		} else {
			err = msr_emulate_read(v, msr, &val);
			if (!err) {
				v->regs.gpr[R_RAX] = (uint32_t)val;
				v->regs.gpr[R_RDX] = val >> 32;
			}
		}
	} else if (act == MSR_PASS) {
		/* Intercepted only because the bitmaps cannot say otherwise
		 * (the MSR lies outside their ranges): do it for the guest. */
		if (write)
			wrmsr(msr, val);
		else {
			val = rdmsr(msr);
			v->regs.gpr[R_RAX] = (uint32_t)val;
			v->regs.gpr[R_RDX] = val >> 32;
		}
		err = 0;
	}
	if (err) {
		v->vm->refused_msr++;
		refuse_log(v, REFUSED_MSR, "%s 0x%x (%s): #GP", write ? "wrmsr" : "rdmsr", msr,
			   rule->name);
		inject_gp(v);
		return;
	}
	skip(v, e, 2);
}

/* ---- port I/O ------------------------------------------------------------- */

static void handle_io(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	uint16_t port = e->io.port;
	unsigned int size = e->io.size;
	uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * (size & 3))) - 1;
	uint64_t val = ~0ull;
	bool handled = false, power_off = false;
	const char *reset = NULL;

	/* Both backends give the size and the next RIP of every port exit. */
	if ((size != 1 && size != 2 && size != 4) || !e->next_rip) {
		vm_stop(v, "port i/o exit at 0x%x without a size or next rip (a backend fault)",
			port);
		return;
	}
	if (e->io.string) {
		vm->refused_io++;
		refuse_log(v, REFUSED_IO, "string port i/o at 0x%x (not emulated)", port);
		inject_gp(v);
		return;
	}
	if (port >= COM1 && port < COM1 + 8 && size == 1) {
		spin_lock(&vm->uart_lock);
		if (e->io.in)
			val = vuart_read(&vm->uart, port - COM1);
		else
			vuart_write(&vm->uart, port - COM1, (uint8_t)v->regs.gpr[R_RAX]);
		spin_unlock(&vm->uart_lock);
		handled = true;
	}
	if (!handled) {
		/* Before the PCI ports: a byte at 0xcf9 is the reset control. */
		uint32_t rv = (uint32_t)v->regs.gpr[R_RAX];
		enum vreset_io r = vreset_io(&vm->reset, port, size, e->io.in, &rv, &reset);

		if (r != VRESET_NOT_MINE) {
			val = rv;
			handled = true;
		}
	}
	if (!handled && port >= VPCI_CF8 && port < VPCI_CFC + 4) {
		spin_lock(&vm->io_lock);
		if (e->io.in)
			val = vbus_io_read(&vm->bus, port, size);
		else
			vbus_io_write(&vm->bus, port, size, (uint32_t)v->regs.gpr[R_RAX]);
		spin_unlock(&vm->io_lock);
		handled = true;
	}
	if ((port == VRTC_PORT_INDEX || port == VRTC_PORT_DATA) && size == 1) {
		/* The index register is shared by the guest's vCPUs. */
		spin_lock(&vm->io_lock);
		if (e->io.in)
			val = vrtc_read(&vm->rtc, port, rdtsc());
		else
			vrtc_write(&vm->rtc, port, (uint8_t)v->regs.gpr[R_RAX]);
		spin_unlock(&vm->io_lock);
		handled = true;
	}
	if (vpit_port(port) && size == 1) {
		spin_lock(&vm->io_lock);
		if (e->io.in)
			val = vpit_read(&vm->pit, port, rdtsc());
		else
			vpit_write(&vm->pit, port, (uint8_t)v->regs.gpr[R_RAX], rdtsc());
		spin_unlock(&vm->io_lock);
		handled = true;
	}
	if ((port == VACPI_SLEEP_CTL_PORT || port == VACPI_SLEEP_STS_PORT) && size == 1) {
		/* The FADT's sleep registers: soft-off (what Linux's poweroff
		 * writes) stops the guest; no other sleep state is offered, so
		 * other writes do nothing, and the status reads "awake". */
		power_off = !e->io.in && port == VACPI_SLEEP_CTL_PORT &&
			    vacpi_sleep_is_s5((uint8_t)v->regs.gpr[R_RAX]);
		val = port == VACPI_SLEEP_STS_PORT ? VACPI_WAK_STS : 0;
		handled = true;
	}
	if (!handled) {
		vm->refused_io++;
		refuse_log(v, REFUSED_IO, "%s of port 0x%x (%u byte%s): no such device",
			   e->io.in ? "in" : "out", port, size, size > 1 ? "s" : "");
	}
	if (e->io.in) {
		uint64_t *rax = &v->regs.gpr[R_RAX];

		/* A 32-bit IN zero-extends into RAX; 8 and 16 bits merge. */
		*rax = size == 4 ? (val & mask) : ((*rax & ~mask) | (val & mask));
	}
	skip(v, e, 0);
	if (power_off)
		vm_stop(v, "powered off");
	if (reset)
		vm_stop_kind(v, VM_STOP_RESET, "reset through %s", reset);
}

/* ---- MMIO ------------------------------------------------------------------ */

static int read64_cb(void *ctx, uint64_t gpa, uint64_t *val)
{
	struct vm *vm = ctx;
	const uint64_t *p = vm_ram_ptr(vm, gpa, 8);

	if (!p || (gpa & 7))
		return -EFAULT;
	*val = *p;
	return 0;
}

/* The bytes at the guest's RIP, up to @want, page by page; how many were read. */
static size_t fetch_insn(struct vcpu *v, uint8_t *buf, size_t want)
{
	struct gwalk_mode m = {ops->read_cr(v, 0), ops->read_cr(v, 3), ops->read_cr(v, 4),
			       ops->read_efer(v)};
	size_t got = 0;

	while (got < want) {
		uint64_t gva = v->regs.rip + got, gpa;
		size_t n = 4096 - (gva & 0xFFF);
		const uint8_t *p;

		if (n > want - got)
			n = want - got;
		if (gwalk(&m, gva, read64_cb, v->vm, &gpa) || !(p = vm_ram_ptr(v->vm, gpa, n)))
			break;
		memcpy(buf + got, p, n);
		got += n;
	}
	return got;
}

static const struct mmio_region *mmio_find(struct vm *vm, uint64_t gpa)
{
	for (unsigned int i = 0; i < vm->mmio_count; i++)
		if (gpa >= vm->mmio[i].gpa && gpa - vm->mmio[i].gpa < vm->mmio[i].len)
			return &vm->mmio[i];
	return NULL;
}

static void handle_mmio(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	uint64_t gpa = e->mmio.gpa;
	const struct mmio_region *reg;
	struct mmio_insn in;
	uint8_t bytes[DECODE_INSN_MAX];
	size_t got;
	int err;

	if (e->mmio.fetch) {
		vm_stop(v, "instruction fetch from guest-physical 0x%llx, which is not its memory",
			(unsigned long long)gpa);
		return;
	}
	/* The decoder knows 64-bit code only; Linux does MMIO in no other mode. */
	if (!(ops->read_efer(v) & EFER_LMA))
		got = 0;
	else
		got = fetch_insn(v, bytes, sizeof(bytes));
	err = got ? decode_mmio(bytes, got, &in) : -EFAULT;
	if (err) {
		vm->refused_mmio++;
		refuse_log(v, REFUSED_MMIO,
			   "%s of guest-physical 0x%llx by an instruction it cannot emulate"
			   " (rip 0x%llx, %02x %02x %02x %02x): #GP",
			   e->mmio.write ? "write" : "read", (unsigned long long)gpa,
			   (unsigned long long)v->regs.rip, got > 0 ? bytes[0] : 0,
			   got > 1 ? bytes[1] : 0, got > 2 ? bytes[2] : 0, got > 3 ? bytes[3] : 0);
		inject_gp(v);
		return;
	}
	reg = mmio_find(vm, gpa);
	if (in.write) {
		uint64_t val = in.has_imm ? in.imm : v->regs.gpr[in.reg];

		if (in.reg_high8 && !in.has_imm)
			val >>= 8;
		if (in.size < 8)
			val &= (1ull << (8 * in.size)) - 1;
		if (reg && reg->write)
			reg->write(vm, gpa, in.size, val);
		else if (!reg) {
			vm->refused_mmio++;
			refuse_log(v, REFUSED_MMIO,
				   "write of guest-physical 0x%llx (%u bytes): not its memory",
				   (unsigned long long)gpa, in.size);
		}
	} else {
		uint64_t val = ~0ull;

		if (reg && reg->read)
			val = reg->read(vm, gpa, in.size);
		else if (!reg) {
			vm->refused_mmio++;
			refuse_log(v, REFUSED_MMIO,
				   "read of guest-physical 0x%llx (%u bytes): not its memory,"
				   " reads as all ones",
				   (unsigned long long)gpa, in.size);
		}
		v->regs.gpr[in.reg] = decode_load_result(&in, v->regs.gpr[in.reg], val);
	}
	complete(v, v->regs.rip + in.len);
}

/* ---- control registers ------------------------------------------------------ */

/*
 * MOV to CR0 or CR4 that the backend intercepts. The CPU's rules decide
 * (cr_policy.c): a write they refuse gets #GP; CR4 may hold only what the
 * guest's CPUID offers. The backend applies the rest. Without the source
 * register (AMD-V without decode assists) the instruction is decoded.
 */
static void handle_cr_write(struct vcpu *v, const struct vcpu_exit *e)
{
	struct cr_state st = {ops->read_cr(v, 0), ops->read_cr(v, 3), ops->read_cr(v, 4),
			      ops->read_efer(v), e->cr.cs_l};
	uint64_t next = e->next_rip, val;
	int reg = e->cr.reg;
	struct cpuid_regs l1, l7;
	const char *why;

	if (reg < 0 || !next) {
		uint8_t bytes[DECODE_INSN_MAX];
		size_t got = fetch_insn(v, bytes, sizeof(bytes));
		struct cr_insn in;

		if (!got || decode_mov_cr(bytes, got, e->cr.cs_l, &in) || in.cr != e->cr.cr) {
			vm_stop(v, "cannot decode its write of CR%u at rip 0x%llx", e->cr.cr,
				(unsigned long long)v->regs.rip);
			return;
		}
		reg = reg < 0 ? in.reg : reg;
		next = next ? next : v->regs.rip + in.len;
	}
	/* Outside 64-bit mode the operand is 32 bits. */
	val = e->cr.cs_l ? v->regs.gpr[reg] : (uint32_t)v->regs.gpr[reg];
	if (e->cr.cr == 0) {
		why = cr_policy_cr0(&st, val);
	} else if (e->cr.cr == 4) {
		guest_cpuid(1, 0, &l1);
		guest_cpuid(7, 0, &l7);
		why = cr_policy_cr4(&st, val, cr_policy_cr4_allowed(l1.ecx, l7.ebx, l7.ecx));
	} else {
		vm_stop(v, "write of CR%u intercepted (a backend fault)", e->cr.cr);
		return;
	}
	if (why || ops->write_cr(v, e->cr.cr, val)) {
		inject_gp(v);
		return;
	}
	complete(v, next);
}

/* ---- the loop ---------------------------------------------------------------- */

/* What the backends leave to common code: which MSR an RDMSR or WRMSR
 * names, and that a WRMSR of the ICR is an IPI (counted apart). */
static void exit_classify(struct vcpu *v, struct vcpu_exit *e)
{
	if (e->reason != EXIT_MSR_READ && e->reason != EXIT_MSR_WRITE && e->reason != EXIT_ICR)
		return;
	e->msr.msr = (uint32_t)v->regs.gpr[R_RCX];
	if (e->reason == EXIT_MSR_WRITE && e->msr.msr == MSR_X2APIC_ICR)
		e->reason = EXIT_ICR;
}

void vcpu_loop(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vcpu_exit e;

	while (!__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE)) {
		ops->vcpu_run(v, &e);
		exit_classify(v, &e);
		if (e.reason < EXIT_REASONS)
			v->exits[e.reason]++;
		switch (e.reason) {
		case EXIT_CPUID:
			handle_cpuid(v, &e);
			break;
		case EXIT_MSR_READ:
			handle_msr(v, &e, false);
			break;
		case EXIT_MSR_WRITE:
		case EXIT_ICR:
			handle_msr(v, &e, true);
			break;
		case EXIT_IO:
			handle_io(v, &e);
			break;
		case EXIT_MMIO:
			handle_mmio(v, &e);
			break;
		case EXIT_CR_WRITE:
			handle_cr_write(v, &e);
			break;
		case EXIT_UD_INSN:
			vcpu_inject_fault(v, EXC_UD, 0);
			break;
		case EXIT_INVD:
			/* INVD would drop the hypervisor's dirty lines too. */
			wbinvd();
			skip(v, &e, 2);
			break;
		case EXIT_NMI:
			/* A kick: the loop looks at the stop flag, the backend at
			 * nmi_pending (guests' NMIs never travel as real ones). */
			break;
		case EXIT_INTR:
		case EXIT_HLT:
			break;
		case EXIT_SHUTDOWN:
			vm_stop_kind(v, VM_STOP_RESET, "triple fault at rip 0x%llx",
				     (unsigned long long)v->regs.rip);
			break;
		case EXIT_INVALID:
			vm_stop(v, "the cpu refused its state (exit code 0x%llx)",
				(unsigned long long)e.hw_code);
			break;
		default:
			vm_stop(v, "unexpected exit (%s, code 0x%llx) at rip 0x%llx",
				exit_reason_name(e.reason), (unsigned long long)e.hw_code,
				(unsigned long long)v->regs.rip);
			break;
		}
	}
}
