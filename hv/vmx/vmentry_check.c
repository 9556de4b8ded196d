// SPDX-License-Identifier: MIT
/*
 * The VM-entry checks of SDM vol. 3C 27.2-27.3 over a VMCS image, in the
 * SDM's order, stopping at the first failure. Each message starts with what
 * it is about ("pin-based controls", "host CR4", "guest SS", "entry") so a
 * failure reads like the SDM rule it broke.
 */
#include <stdarg.h>
#include <stdbool.h>
#include "hv/vmx/vmentry_check.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "hv/vmx/vmcs_fields.h"

#define CR0_PE	   (1ull << 0)
#define CR0_PG	   (1ull << 31)
#define CR4_PAE	   (1ull << 5)
#define CR4_PCIDE  (1ull << 17)
#define EFER_SCE   (1ull << 0)
#define EFER_LME   (1ull << 8)
#define EFER_LMA   (1ull << 10)
#define EFER_NXE   (1ull << 11)
#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define RFLAGS_TF  (1ull << 8)
#define RFLAGS_IF  (1ull << 9)
#define RFLAGS_VM  (1ull << 17)
/* 63:22, 15, 5, 3 must be 0; bit 1 must be 1 */
#define RFLAGS_RESERVED	 (~0ull << 22 | 1ull << 15 | 1ull << 5 | 1ull << 3)
#define DEBUGCTL_BTF	 (1ull << 1)
#define PENDING_DBG_BS	 (1ull << 14)
#define PENDING_DBG_RSVD (~0ull << 17 | 1ull << 15 | 1ull << 13 | 0xFF0ull)
#define AR_RESERVED	 0xFFFE0F00u /* 31:17 and 11:8 */
#define INTR_INFO_RSVD	 0x7FFFF000u /* 30:12 */
#define MISC_INJECT_LEN0 (1ull << 30)

struct ctx {
	const struct vmcs_image *v;
	const struct vmx_caps *caps;
	char *why;
	size_t len;
	uint32_t pin, proc, proc2, exit, entry;
	bool ia32e, ug;
	unsigned int phys_bits, lin_bits;
};

__attribute__((format(printf, 2, 3))) static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfmt(c->why, c->len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define CHECK(expr)                  \
	do {                         \
		int ret_ = (expr);   \
		if (ret_)            \
			return ret_; \
	} while (0)

static int find(const struct vmcs_image *v, uint32_t enc)
{
	for (unsigned int i = 0; i < v->n; i++)
		if (v->f[i].enc == enc)
			return (int)i;
	return -1;
}

void vmcs_image_init(struct vmcs_image *v)
{
	v->n = 0;
}

int vmcs_image_set(struct vmcs_image *v, uint32_t enc, uint64_t val)
{
	int i;

	if (VMCS_WIDTH(enc) == VMCS_WIDTH_64 && VMCS_ACCESS_HIGH(enc))
		return -EINVAL;
	if (VMCS_WIDTH(enc) == VMCS_WIDTH_16)
		val &= 0xFFFF;
	else if (VMCS_WIDTH(enc) == VMCS_WIDTH_32)
		val &= 0xFFFFFFFF;
	i = find(v, enc);
	if (i < 0) {
		if (v->n == VMCS_IMAGE_MAX)
			return -ENOSPC;
		i = (int)v->n++;
		v->f[i].enc = enc;
	}
	v->f[i].val = val;
	return 0;
}

uint64_t vmcs_image_get(const struct vmcs_image *v, uint32_t enc)
{
	int i = find(v, enc);

	return i < 0 ? 0 : v->f[i].val;
}

static uint64_t get(const struct ctx *c, uint32_t enc)
{
	return vmcs_image_get(c->v, enc);
}

/* Bits 63:@from all equal. */
static bool high_same(uint64_t a, unsigned int from)
{
	uint64_t top = a >> from;

	return top == 0 || top == ~0ull >> from;
}

/* Bits 63:N-1 all equal, N the linear-address width. */
static bool canonical(const struct ctx *c, uint64_t a)
{
	return high_same(a, c->lin_bits - 1);
}

static bool beyond_phys(const struct ctx *c, uint64_t a)
{
	return c->phys_bits < 64 && (a >> c->phys_bits);
}

static int pat_bad_entry(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned int t = (pat >> (8 * i)) & 0xFF;

		if (t != 0 && t != 1 && (t < 4 || t > 7))
			return i;
	}
	return -1;
}

/* ---- 27.2.1 VMX controls ---------------------------------------------- */

static int ctl_reserved(struct ctx *c, const char *what, uint32_t val, uint64_t cap,
			const char *msr)
{
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	if (~val & must)
		return fail(c, "%s controls: bit %d must be 1 (%s)", what,
			    __builtin_ctz(~val & must), msr);
	if (val & ~may)
		return fail(c, "%s controls: bit %d must be 0 (%s)", what,
			    __builtin_ctz(val & ~may), msr);
	return 0;
}

static int check_reserved_controls(struct ctx *c)
{
	const struct vmx_caps *k = c->caps;
	bool t = k->basic & VMX_BASIC_TRUE_CTLS;

	CHECK(ctl_reserved(c, "pin-based", c->pin, t ? k->true_pinbased : k->pinbased,
			   t ? "IA32_VMX_TRUE_PINBASED_CTLS" : "IA32_VMX_PINBASED_CTLS"));
	CHECK(ctl_reserved(c, "primary", c->proc, t ? k->true_procbased : k->procbased,
			   t ? "IA32_VMX_TRUE_PROCBASED_CTLS" : "IA32_VMX_PROCBASED_CTLS"));
	if (c->proc & VMX_PROC_SECONDARY)
		CHECK(ctl_reserved(c, "secondary", c->proc2, k->procbased2,
				   "IA32_VMX_PROCBASED_CTLS2"));
	CHECK(ctl_reserved(c, "exit", c->exit, t ? k->true_exit : k->exit,
			   t ? "IA32_VMX_TRUE_EXIT_CTLS" : "IA32_VMX_EXIT_CTLS"));
	CHECK(ctl_reserved(c, "entry", c->entry, t ? k->true_entry : k->entry,
			   t ? "IA32_VMX_TRUE_ENTRY_CTLS" : "IA32_VMX_ENTRY_CTLS"));
	return 0;
}

static int check_page_addr(struct ctx *c, const char *what, uint32_t enc)
{
	uint64_t a = get(c, enc);

	if (a & 0xFFF)
		return fail(c, "%s address 0x%llx not 4K-aligned", what, (unsigned long long)a);
	if (beyond_phys(c, a))
		return fail(c, "%s address 0x%llx beyond physical-address width", what,
			    (unsigned long long)a);
	return 0;
}

static int check_eptp(struct ctx *c)
{
	uint64_t eptp = get(c, VMCS_EPT_POINTER), cap = c->caps->ept_vpid_cap;
	unsigned int mt = eptp & 7, walk = ((eptp >> 3) & 7) + 1;

	if (!((mt == VMX_EPTP_MT_UC && (cap & VMX_EPT_CAP_UC)) ||
	      (mt == VMX_EPTP_MT_WB && (cap & VMX_EPT_CAP_WB))))
		return fail(c, "EPTP memory type %u not supported", mt);
	if (!((walk == 4 && (cap & VMX_EPT_CAP_WALK4)) || (walk == 5 && (cap & VMX_EPT_CAP_WALK5))))
		return fail(c, "EPTP page-walk length %u not supported", walk);
	if ((eptp & VMX_EPTP_AD) && !(cap & VMX_EPT_CAP_AD))
		return fail(c, "EPTP accessed/dirty flags not supported");
	if ((eptp & VMX_EPTP_SSS) && !(cap & VMX_EPT_CAP_SSS))
		return fail(c, "EPTP supervisor shadow-stack control not supported");
	if (eptp & 0xF00)
		return fail(c, "EPTP reserved bits 11:8 set");
	if (beyond_phys(c, eptp))
		return fail(c, "EPTP beyond physical-address width");
	return 0;
}

static int check_msr_area(struct ctx *c, const char *what, uint32_t count, uint32_t addr)
{
	uint64_t a = get(c, addr);

	if (!get(c, count))
		return 0;
	if (a & 0xF)
		return fail(c, "%s address not 16-byte aligned", what);
	if (beyond_phys(c, a + get(c, count) * 16 - 1))
		return fail(c, "%s beyond physical-address width", what);
	return 0;
}

/* 27.2.1.3: the event to inject, if any. */
static int check_injection(struct ctx *c)
{
	uint32_t info = (uint32_t)get(c, VMCS_ENTRY_INTR_INFO);
	unsigned int type = VMX_INTR_INFO_TYPE(info), vec = VMX_INTR_INFO_VECTOR(info);
	uint64_t len = get(c, VMCS_ENTRY_INSN_LEN);
	bool prot = get(c, VMCS_GUEST_CR0) & CR0_PE, errvec;

	if (!(info & VMX_INTR_INFO_VALID))
		return 0;
	if (type == 1)
		return fail(c, "entry: interruption type 1 is reserved");
	if (type == VMX_INTR_TYPE_OTHER &&
	    !((c->caps->true_procbased | c->caps->procbased) >> 32 & VMX_PROC_MTF))
		return fail(c, "entry: interruption type 7 without monitor trap flag support");
	if (type == VMX_INTR_TYPE_NMI && vec != 2)
		return fail(c, "entry: NMI injection with vector %u", vec);
	if (type == VMX_INTR_TYPE_HW_EXC && vec > 31)
		return fail(c, "entry: hardware exception vector %u above 31", vec);
	if (type == VMX_INTR_TYPE_OTHER && vec != 0)
		return fail(c, "entry: other-event injection with vector %u", vec);
	/* "Deliver error code" is 1 exactly for the exceptions that push one
	 * (#CP, vector 21, only with CET, which is not modelled). */
	errvec = type == VMX_INTR_TYPE_HW_EXC && (!c->ug || prot) &&
		 (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17);
	if ((info & VMX_INTR_INFO_ERR_CODE) && !errvec)
		return fail(c, "entry: error code with an event that has none");
	if (!(info & VMX_INTR_INFO_ERR_CODE) && errvec)
		return fail(c, "entry: exception %u injected without its error code", vec);
	if ((info & VMX_INTR_INFO_ERR_CODE) && get(c, VMCS_ENTRY_EXC_ERR) >> 15)
		return fail(c, "entry: exception error code bits 31:15 set");
	if (info & INTR_INFO_RSVD)
		return fail(c, "entry: interruption-information bits 30:12 set");
	if (type == VMX_INTR_TYPE_SW_INT || type == VMX_INTR_TYPE_PRIV_SW_EXC ||
	    type == VMX_INTR_TYPE_SW_EXC) {
		if (len > 15)
			return fail(c, "entry: instruction length %llu above 15",
				    (unsigned long long)len);
		if (len == 0 && !(c->caps->misc & MISC_INJECT_LEN0))
			return fail(c, "entry: instruction length 0 not supported");
	}
	return 0;
}

static int check_controls(struct ctx *c)
{
	unsigned int targets = VMX_MISC_CR3_TARGETS(c->caps->misc);
	uint64_t n = get(c, VMCS_CR3_TARGET_COUNT);

	CHECK(check_reserved_controls(c));
	if (n > targets)
		return fail(c, "CR3-target count %llu above %u", (unsigned long long)n, targets);
	if (c->proc & VMX_PROC_IO_BITMAPS) {
		CHECK(check_page_addr(c, "I/O bitmap A", VMCS_IO_BITMAP_A));
		CHECK(check_page_addr(c, "I/O bitmap B", VMCS_IO_BITMAP_B));
	}
	if (c->proc & VMX_PROC_MSR_BITMAPS)
		CHECK(check_page_addr(c, "MSR bitmap", VMCS_MSR_BITMAP));
	if (!(c->pin & VMX_PIN_NMI_EXITING) && (c->pin & VMX_PIN_VIRTUAL_NMIS))
		return fail(c, "pin-based controls: virtual NMIs without NMI exiting");
	if (!(c->pin & VMX_PIN_VIRTUAL_NMIS) && (c->proc & VMX_PROC_NMI_WINDOW))
		return fail(c, "primary controls: NMI-window exiting without virtual NMIs");
	if ((c->proc2 & VMX_PROC2_VPID) && get(c, VMCS_VPID) == 0)
		return fail(c, "secondary controls: enable VPID with VPID 0");
	if (c->proc2 & VMX_PROC2_EPT)
		CHECK(check_eptp(c));
	if ((c->proc2 & VMX_PROC2_UNRESTRICTED) && !(c->proc2 & VMX_PROC2_EPT))
		return fail(c, "secondary controls: unrestricted guest without enable EPT");
	/* 27.2.1.2 */
	if (!(c->pin & VMX_PIN_PREEMPT_TIMER) && (c->exit & VMX_EXIT_SAVE_PREEMPT))
		return fail(c, "exit controls: save VMX-preemption timer value without the timer");
	CHECK(check_msr_area(c, "VM-exit MSR-store", VMCS_EXIT_MSR_STORE_COUNT,
			     VMCS_EXIT_MSR_STORE_ADDR));
	CHECK(check_msr_area(c, "VM-exit MSR-load", VMCS_EXIT_MSR_LOAD_COUNT,
			     VMCS_EXIT_MSR_LOAD_ADDR));
	/* 27.2.1.3 */
	CHECK(check_injection(c));
	CHECK(check_msr_area(c, "VM-entry MSR-load", VMCS_ENTRY_MSR_LOAD_COUNT,
			     VMCS_ENTRY_MSR_LOAD_ADDR));
	if (c->entry & VMX_ENTRY_SMM)
		return fail(c, "entry: entry to SMM outside SMM");
	if (c->entry & VMX_ENTRY_DEACT_DUAL)
		return fail(c, "entry: deactivate dual-monitor treatment outside SMM");
	return 0;
}

/* ---- 27.2.2-27.2.4 host state --------------------------------------- */

static int cr_fixed(struct ctx *c, const char *what, uint64_t v, uint64_t f0, uint64_t f1)
{
	if (~v & f0)
		return fail(c, "%s: bit %d must be 1", what, __builtin_ctzll(~v & f0));
	if (v & ~f1)
		return fail(c, "%s: bit %d must be 0", what, __builtin_ctzll(v & ~f1));
	return 0;
}

struct named_field {
	const char *name;
	uint32_t enc;
};

static const struct named_field host_sels[] = {
	{"ES", VMCS_HOST_ES_SEL}, {"CS", VMCS_HOST_CS_SEL}, {"SS", VMCS_HOST_SS_SEL},
	{"DS", VMCS_HOST_DS_SEL}, {"FS", VMCS_HOST_FS_SEL}, {"GS", VMCS_HOST_GS_SEL},
	{"TR", VMCS_HOST_TR_SEL},
};

static const struct named_field host_bases[] = {
	{"FS", VMCS_HOST_FS_BASE},     {"GS", VMCS_HOST_GS_BASE}, {"GDTR", VMCS_HOST_GDTR_BASE},
	{"IDTR", VMCS_HOST_IDTR_BASE}, {"TR", VMCS_HOST_TR_BASE},
};

static int check_host(struct ctx *c)
{
	const struct vmx_caps *k = c->caps;
	uint64_t cr4 = get(c, VMCS_HOST_CR4), efer = get(c, VMCS_HOST_EFER);
	bool host64 = c->exit & VMX_EXIT_HOST_ADDR64;
	int bad;

	CHECK(cr_fixed(c, "host CR0", get(c, VMCS_HOST_CR0), k->cr0_fixed0, k->cr0_fixed1));
	CHECK(cr_fixed(c, "host CR4", cr4, k->cr4_fixed0, k->cr4_fixed1));
	if (beyond_phys(c, get(c, VMCS_HOST_CR3)))
		return fail(c, "host CR3 beyond physical-address width");
	if (!canonical(c, get(c, VMCS_HOST_SYSENTER_ESP)))
		return fail(c, "host IA32_SYSENTER_ESP not canonical");
	if (!canonical(c, get(c, VMCS_HOST_SYSENTER_EIP)))
		return fail(c, "host IA32_SYSENTER_EIP not canonical");
	bad = pat_bad_entry(get(c, VMCS_HOST_PAT));
	if ((c->exit & VMX_EXIT_LOAD_PAT) && bad >= 0)
		return fail(c, "host IA32_PAT entry %d not a valid memory type", bad);
	if (c->exit & VMX_EXIT_LOAD_EFER) {
		if (efer & ~EFER_VALID)
			return fail(c, "host IA32_EFER reserved bits set");
		if (!(efer & EFER_LMA) != !host64)
			return fail(c, "host IA32_EFER.LMA differs from host address-space size");
		if (!(efer & EFER_LME) != !host64)
			return fail(c, "host IA32_EFER.LME differs from host address-space size");
	}
	for (unsigned int i = 0; i < sizeof(host_sels) / sizeof(host_sels[0]); i++)
		if (get(c, host_sels[i].enc) & 7)
			return fail(c, "host %s selector RPL/TI not 0", host_sels[i].name);
	if (!get(c, VMCS_HOST_CS_SEL))
		return fail(c, "host CS selector is 0");
	if (!get(c, VMCS_HOST_TR_SEL))
		return fail(c, "host TR selector is 0");
	if (!host64 && !get(c, VMCS_HOST_SS_SEL))
		return fail(c, "host SS selector is 0 with a 32-bit host");
	for (unsigned int i = 0; i < sizeof(host_bases) / sizeof(host_bases[0]); i++)
		if (!canonical(c, get(c, host_bases[i].enc)))
			return fail(c, "host %s base not canonical", host_bases[i].name);
	/* 27.2.4: vfvisor runs in IA-32e mode. */
	if (!host64)
		return fail(c, "exit controls: host address-space size is 0 on a 64-bit host");
	if (!(cr4 & CR4_PAE))
		return fail(c, "host CR4.PAE is 0 with a 64-bit host");
	if (!canonical(c, get(c, VMCS_HOST_RIP)))
		return fail(c, "host RIP not canonical");
	return 0;
}

/* ---- 27.3.1 guest state --------------------------------------------- */

enum { ES, CS, SS, DS, FS, GS, LDTR, TR, NSEG };

struct seg {
	uint64_t base;
	uint32_t sel, limit, ar;
};

static const char *const seg_name[NSEG] = {"ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"};

static void read_segs(const struct ctx *c, struct seg *s)
{
	for (int i = 0; i < NSEG; i++) {
		s[i].sel = (uint32_t)get(c, VMCS_GUEST_ES_SEL + 2 * i);
		s[i].limit = (uint32_t)get(c, VMCS_GUEST_ES_LIMIT + 2 * i);
		s[i].ar = (uint32_t)get(c, VMCS_GUEST_ES_AR + 2 * i);
		s[i].base = get(c, VMCS_GUEST_ES_BASE + 2 * i);
	}
}

static bool usable(const struct seg *s)
{
	return !(s->ar & VMX_AR_UNUSABLE);
}

static int check_cregs(struct ctx *c)
{
	const struct vmx_caps *k = c->caps;
	uint64_t cr0 = get(c, VMCS_GUEST_CR0), cr4 = get(c, VMCS_GUEST_CR4);
	uint64_t efer = get(c, VMCS_GUEST_EFER), f0 = k->cr0_fixed0;
	int bad;

	if (c->ug)
		f0 &= ~(CR0_PE | CR0_PG);
	CHECK(cr_fixed(c, "guest CR0", cr0, f0, k->cr0_fixed1));
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		return fail(c, "guest CR0: PG set without PE");
	CHECK(cr_fixed(c, "guest CR4", cr4, k->cr4_fixed0, k->cr4_fixed1));
	if ((c->entry & VMX_ENTRY_LOAD_DEBUG) && get(c, VMCS_GUEST_DR7) >> 32)
		return fail(c, "guest DR7 bits 63:32 set");
	if (c->ia32e) {
		if (!(cr0 & CR0_PG))
			return fail(c, "entry: IA-32e mode guest without guest CR0.PG");
		if (!(cr4 & CR4_PAE))
			return fail(c, "entry: IA-32e mode guest without guest CR4.PAE");
	} else if (cr4 & CR4_PCIDE) {
		return fail(c, "guest CR4.PCIDE set outside IA-32e mode");
	}
	if (beyond_phys(c, get(c, VMCS_GUEST_CR3)))
		return fail(c, "guest CR3 beyond physical-address width");
	if (!canonical(c, get(c, VMCS_GUEST_SYSENTER_ESP)))
		return fail(c, "guest IA32_SYSENTER_ESP not canonical");
	if (!canonical(c, get(c, VMCS_GUEST_SYSENTER_EIP)))
		return fail(c, "guest IA32_SYSENTER_EIP not canonical");
	bad = pat_bad_entry(get(c, VMCS_GUEST_PAT));
	if ((c->entry & VMX_ENTRY_LOAD_PAT) && bad >= 0)
		return fail(c, "guest IA32_PAT entry %d not a valid memory type", bad);
	if (c->entry & VMX_ENTRY_LOAD_EFER) {
		if (efer & ~EFER_VALID)
			return fail(c, "guest IA32_EFER reserved bits set");
		if (c->ia32e && !(efer & EFER_LMA))
			return fail(c, "entry: IA-32e mode guest without guest EFER.LMA");
		if (!c->ia32e && (efer & EFER_LMA))
			return fail(c, "guest EFER.LMA set without IA-32e mode guest");
		if ((cr0 & CR0_PG) && !(efer & EFER_LMA) != !(efer & EFER_LME))
			return fail(c, "guest EFER: LMA differs from LME with CR0.PG set");
	}
	return 0;
}

static int check_limit_g(struct ctx *c, int i, const struct seg *s)
{
	if ((s->limit & 0xFFF) != 0xFFF && (s->ar & VMX_AR_G))
		return fail(c, "guest %s: G set with limit 0x%x", seg_name[i], s->limit);
	if ((s->limit & 0xFFF00000) && !(s->ar & VMX_AR_G))
		return fail(c, "guest %s: G clear with limit 0x%x", seg_name[i], s->limit);
	return 0;
}

/* S, P, the reserved bits and G, which every usable register shares. */
static int check_ar_common(struct ctx *c, int i, const struct seg *s, bool system)
{
	if (system && (s->ar & VMX_AR_S))
		return fail(c, "guest %s: S set on a system segment", seg_name[i]);
	if (!system && !(s->ar & VMX_AR_S))
		return fail(c, "guest %s: S clear", seg_name[i]);
	if (!(s->ar & VMX_AR_P))
		return fail(c, "guest %s: not present", seg_name[i]);
	if (s->ar & AR_RESERVED)
		return fail(c, "guest %s: access-rights reserved bits set", seg_name[i]);
	return check_limit_g(c, i, s);
}

static int check_v86_segs(struct ctx *c, const struct seg *s)
{
	for (int i = ES; i <= GS; i++) {
		if (s[i].base != (uint64_t)s[i].sel << 4)
			return fail(c, "guest %s: base not selector << 4 in virtual-8086 mode",
				    seg_name[i]);
		if (s[i].limit != 0xFFFF)
			return fail(c, "guest %s: limit not 0xFFFF in virtual-8086 mode",
				    seg_name[i]);
		if (s[i].ar != 0xF3)
			return fail(c, "guest %s: access rights not 0xF3 in virtual-8086 mode",
				    seg_name[i]);
	}
	return 0;
}

static int check_code_data_segs(struct ctx *c, const struct seg *s)
{
	unsigned int cs_type = VMX_AR_TYPE(s[CS].ar), ss_dpl = VMX_AR_DPL(s[SS].ar);
	unsigned int cs_dpl = VMX_AR_DPL(s[CS].ar);
	bool pe = get(c, VMCS_GUEST_CR0) & CR0_PE;

	/* CS */
	if (!(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
	      (c->ug && cs_type == 3)))
		return fail(c, "guest CS: type %u invalid", cs_type);
	if (cs_type == 3 && cs_dpl != 0)
		return fail(c, "guest CS: DPL %u with type 3", cs_dpl);
	if ((cs_type == 9 || cs_type == 11) && cs_dpl != ss_dpl)
		return fail(c, "guest CS: DPL %u differs from SS DPL %u (non-conforming)", cs_dpl,
			    ss_dpl);
	if ((cs_type == 13 || cs_type == 15) && cs_dpl > ss_dpl)
		return fail(c, "guest CS: DPL %u above SS DPL %u (conforming)", cs_dpl, ss_dpl);
	CHECK(check_ar_common(c, CS, &s[CS], false));
	if (c->ia32e && (s[CS].ar & VMX_AR_L) && (s[CS].ar & VMX_AR_DB))
		return fail(c, "guest CS: L and D both set in IA-32e mode");

	/* SS */
	if (usable(&s[SS])) {
		unsigned int t = VMX_AR_TYPE(s[SS].ar);

		if (t != 3 && t != 7)
			return fail(c, "guest SS: type %u invalid", t);
		CHECK(check_ar_common(c, SS, &s[SS], false));
	}
	if (!c->ug && ss_dpl != (s[SS].sel & 3))
		return fail(c, "guest SS: DPL %u differs from its selector's RPL", ss_dpl);
	if ((cs_type == 3 || !pe) && ss_dpl != 0)
		return fail(c, "guest SS: DPL %u in real mode", ss_dpl);

	/* DS, ES, FS, GS */
	for (int i = ES; i <= GS; i++) {
		unsigned int t = VMX_AR_TYPE(s[i].ar);

		if (i == CS || i == SS || !usable(&s[i]))
			continue;
		if (!(t & 1))
			return fail(c, "guest %s: type %u not accessed", seg_name[i], t);
		if ((t & 8) && !(t & 2))
			return fail(c, "guest %s: type %u is unreadable code", seg_name[i], t);
		if (!c->ug && t <= 11 && VMX_AR_DPL(s[i].ar) < (s[i].sel & 3))
			return fail(c, "guest %s: DPL below its selector's RPL", seg_name[i]);
		CHECK(check_ar_common(c, i, &s[i], false));
	}
	return 0;
}

static int check_segs(struct ctx *c)
{
	struct seg s[NSEG];
	bool v86 = get(c, VMCS_GUEST_RFLAGS) & RFLAGS_VM;

	read_segs(c, s);
	/* selectors */
	if (s[TR].sel & 4)
		return fail(c, "guest TR selector TI set");
	if (usable(&s[LDTR]) && (s[LDTR].sel & 4))
		return fail(c, "guest LDTR selector TI set");
	if (!v86 && !c->ug && (s[SS].sel & 3) != (s[CS].sel & 3))
		return fail(c, "guest SS selector RPL differs from CS RPL");
	/* bases */
	if (!canonical(c, s[TR].base))
		return fail(c, "guest TR base not canonical");
	if (!canonical(c, s[FS].base))
		return fail(c, "guest FS base not canonical");
	if (!canonical(c, s[GS].base))
		return fail(c, "guest GS base not canonical");
	if (usable(&s[LDTR]) && !canonical(c, s[LDTR].base))
		return fail(c, "guest LDTR base not canonical");
	if (s[CS].base >> 32)
		return fail(c, "guest CS base bits 63:32 set");
	for (int i = ES; i <= DS; i++)
		if (i != CS && usable(&s[i]) && s[i].base >> 32)
			return fail(c, "guest %s base bits 63:32 set", seg_name[i]);
	/* limits and access rights */
	if (v86)
		CHECK(check_v86_segs(c, s));
	else
		CHECK(check_code_data_segs(c, s));
	/* TR */
	if (!(VMX_AR_TYPE(s[TR].ar) == 11 || (!c->ia32e && VMX_AR_TYPE(s[TR].ar) == 3)))
		return fail(c, "guest TR: type %u invalid", VMX_AR_TYPE(s[TR].ar));
	if (!usable(&s[TR]))
		return fail(c, "guest TR: unusable");
	CHECK(check_ar_common(c, TR, &s[TR], true));
	/* LDTR */
	if (usable(&s[LDTR])) {
		if (VMX_AR_TYPE(s[LDTR].ar) != 2)
			return fail(c, "guest LDTR: type %u invalid", VMX_AR_TYPE(s[LDTR].ar));
		CHECK(check_ar_common(c, LDTR, &s[LDTR], true));
	}
	return 0;
}

static int check_dtrs_rip_rflags(struct ctx *c)
{
	uint64_t rip = get(c, VMCS_GUEST_RIP), rflags = get(c, VMCS_GUEST_RFLAGS);
	uint32_t info = (uint32_t)get(c, VMCS_ENTRY_INTR_INFO);
	bool cs_l = get(c, VMCS_GUEST_CS_AR) & VMX_AR_L;

	if (!canonical(c, get(c, VMCS_GUEST_GDTR_BASE)))
		return fail(c, "guest GDTR base not canonical");
	if (!canonical(c, get(c, VMCS_GUEST_IDTR_BASE)))
		return fail(c, "guest IDTR base not canonical");
	if (get(c, VMCS_GUEST_GDTR_LIMIT) >> 16)
		return fail(c, "guest GDTR limit above 0xFFFF");
	if (get(c, VMCS_GUEST_IDTR_LIMIT) >> 16)
		return fail(c, "guest IDTR limit above 0xFFFF");
	if (!(c->ia32e && cs_l) && rip >> 32)
		return fail(c, "guest RIP bits 63:32 set outside 64-bit mode");
	/* Only bits 63:N, not N-1: a non-canonical RIP enters and then faults. */
	if (c->ia32e && cs_l && !high_same(rip, c->lin_bits))
		return fail(c, "guest RIP bits 63:%u not all equal", c->lin_bits);
	if (rflags & RFLAGS_RESERVED)
		return fail(c, "guest RFLAGS reserved bits set");
	if (!(rflags & 2))
		return fail(c, "guest RFLAGS bit 1 clear");
	if ((rflags & RFLAGS_VM) && (c->ia32e || !(get(c, VMCS_GUEST_CR0) & CR0_PE)))
		return fail(c, "guest RFLAGS.VM set in IA-32e mode or with CR0.PE clear");
	if ((info & VMX_INTR_INFO_VALID) && VMX_INTR_INFO_TYPE(info) == VMX_INTR_TYPE_EXT &&
	    !(rflags & RFLAGS_IF))
		return fail(c, "guest RFLAGS.IF clear with external-interrupt injection");
	return 0;
}

/* 27.3.1.5 activity and interruptibility state, pending debug exceptions,
 * the VMCS link pointer. */
static int check_nonreg(struct ctx *c)
{
	static const uint64_t state_bit[] = {0, VMX_MISC_ACTIVITY_HLT, VMX_MISC_ACTIVITY_SHUTDOWN,
					     VMX_MISC_ACTIVITY_SIPI};
	uint64_t act = get(c, VMCS_GUEST_ACTIVITY), intr = get(c, VMCS_GUEST_INTERRUPTIBILITY);
	uint64_t rflags = get(c, VMCS_GUEST_RFLAGS), dbg = get(c, VMCS_GUEST_PENDING_DBG);
	uint32_t info = (uint32_t)get(c, VMCS_ENTRY_INTR_INFO);
	bool inject = info & VMX_INTR_INFO_VALID;
	unsigned int type = VMX_INTR_INFO_TYPE(info), vec = VMX_INTR_INFO_VECTOR(info);
	bool shadow = intr & (VMX_INTR_BLOCK_STI | VMX_INTR_BLOCK_MOVSS);

	if (act > VMX_ACTIVITY_SIPI)
		return fail(c, "guest activity state %llu invalid", (unsigned long long)act);
	if (act && !(c->caps->misc & state_bit[act]))
		return fail(c, "guest activity state %llu not supported", (unsigned long long)act);
	if (act == VMX_ACTIVITY_HLT && VMX_AR_DPL(get(c, VMCS_GUEST_SS_AR)) != 0)
		return fail(c, "guest activity state HLT with SS.DPL not 0");
	if (act && shadow)
		return fail(c, "guest activity state %llu with STI/MOV-SS blocking",
			    (unsigned long long)act);
	if (inject && act == VMX_ACTIVITY_HLT &&
	    !(type == VMX_INTR_TYPE_EXT || type == VMX_INTR_TYPE_NMI ||
	      (type == VMX_INTR_TYPE_HW_EXC && (vec == 1 || vec == 18)) ||
	      (type == VMX_INTR_TYPE_OTHER && vec == 0)))
		return fail(c, "entry: event cannot be injected in HLT state");
	if (inject && act == VMX_ACTIVITY_SHUTDOWN &&
	    !(type == VMX_INTR_TYPE_NMI || (type == VMX_INTR_TYPE_HW_EXC && vec == 18)))
		return fail(c, "entry: event cannot be injected in shutdown state");
	if (inject && act == VMX_ACTIVITY_SIPI)
		return fail(c, "entry: event injected in wait-for-SIPI state");

	if (intr >> 5)
		return fail(c, "guest interruptibility reserved bits set");
	if ((intr & VMX_INTR_BLOCK_STI) && (intr & VMX_INTR_BLOCK_MOVSS))
		return fail(c, "guest interruptibility: STI and MOV-SS blocking both set");
	if ((intr & VMX_INTR_BLOCK_STI) && !(rflags & RFLAGS_IF))
		return fail(c, "guest interruptibility: STI blocking with RFLAGS.IF clear");
	if (inject && type == VMX_INTR_TYPE_EXT && shadow)
		return fail(c, "guest interruptibility: STI/MOV-SS blocking with "
			       "external-interrupt injection");
	if (inject && type == VMX_INTR_TYPE_NMI && (intr & VMX_INTR_BLOCK_MOVSS))
		return fail(c, "guest interruptibility: MOV-SS blocking with NMI injection");
	if (intr & VMX_INTR_BLOCK_SMI)
		return fail(c, "guest interruptibility: SMI blocking outside SMM");
	if (inject && type == VMX_INTR_TYPE_NMI && (c->pin & VMX_PIN_VIRTUAL_NMIS) &&
	    (intr & VMX_INTR_BLOCK_NMI))
		return fail(c, "guest interruptibility: NMI blocking with NMI injection");

	if (dbg & PENDING_DBG_RSVD)
		return fail(c, "guest pending debug exceptions reserved bits set");
	if (shadow || act == VMX_ACTIVITY_HLT) {
		bool tf = rflags & RFLAGS_TF, btf = get(c, VMCS_GUEST_DEBUGCTL) & DEBUGCTL_BTF;
		bool bs = dbg & PENDING_DBG_BS;

		if (tf && !btf && !bs)
			return fail(c, "guest pending debug exceptions: BS clear with RFLAGS.TF "
				       "set in an interrupt shadow or HLT");
		if ((!tf || btf) && bs)
			return fail(c, "guest pending debug exceptions: BS set without a "
				       "single step");
	}
	if (get(c, VMCS_LINK_POINTER) != ~0ull)
		return fail(c, "guest VMCS link pointer is not FFFFFFFF_FFFFFFFF");
	return 0;
}

int vmentry_check(const struct vmcs_image *v, const struct vmx_caps *caps, char *why, size_t len)
{
	struct ctx c = {
		.v = v,
		.caps = caps,
		.why = why,
		.len = len,
		.phys_bits = caps->phys_bits ? caps->phys_bits : 52,
		.lin_bits = caps->lin_bits ? caps->lin_bits : 48,
	};

	if (len)
		why[0] = '\0';
	c.pin = (uint32_t)vmcs_image_get(v, VMCS_PIN_CTLS);
	c.proc = (uint32_t)vmcs_image_get(v, VMCS_PROC_CTLS);
	/* With "activate secondary controls" 0 the CPU takes them as 0. */
	c.proc2 = c.proc & VMX_PROC_SECONDARY ? (uint32_t)vmcs_image_get(v, VMCS_PROC_CTLS2) : 0;
	c.exit = (uint32_t)vmcs_image_get(v, VMCS_EXIT_CTLS);
	c.entry = (uint32_t)vmcs_image_get(v, VMCS_ENTRY_CTLS);
	c.ia32e = c.entry & VMX_ENTRY_IA32E;
	c.ug = c.proc2 & VMX_PROC2_UNRESTRICTED;

	CHECK(check_controls(&c));
	CHECK(check_host(&c));
	CHECK(check_cregs(&c));
	CHECK(check_segs(&c));
	CHECK(check_dtrs_rip_rflags(&c));
	CHECK(check_nonreg(&c));
	return 0;
}
