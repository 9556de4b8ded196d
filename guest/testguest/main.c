// SPDX-License-Identifier: MIT
/*
 * The vfvisor test guest: entered by head.asm on its own stack, GDT and the
 * loader's identity map, with boot_params. It builds its own page tables and
 * IDT, then checks what the guest platform promises (README.md lists the
 * checks), one "PASS name" or "FAIL name (detail)" line each on COM1, then
 * "testguest: done N passed, M failed", then halts with interrupts off.
 */
#include "testguest.h"

#define SZ_1M	((uint64_t)1 << 20)
#define SZ_2M	((uint64_t)2 << 20)
#define SZ_1G	((uint64_t)1 << 30)
#define SZ_4G	((uint64_t)4 << 30)
#define SZ_512G ((uint64_t)512 << 30)

/* boot_params (Documentation/arch/x86/zero-page.rst) */
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES	    0x1E8
#define BP_CMD_LINE_PTR	    0x228
#define BP_E820_TABLE	    0x2D0
#define BP_E820_ENTRY_LEN   20
#define BP_E820_MAX	    128
#define E820_RAM	    1

#define MSR_TSC		  0x10
#define MSR_APIC_BASE	  0x1B
#define MSR_DEBUGCTL	  0x1D9
#define MSR_PAT		  0x277
#define MSR_AMD_PERF_CTL0 0xC0010000
#define X2APIC_ID	  0x802
#define X2APIC_TPR	  0x808
#define X2APIC_SVR	  0x80F
#define X2APIC_ICR	  0x830
#define X2APIC_LVT_TIMER  0x832
#define X2APIC_TMICT	  0x838
#define X2APIC_TMCCT	  0x839
#define X2APIC_TDCR	  0x83E
#define X2APIC_SELF_IPI	  0x83F

#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN   (1ull << 11)
#define SVR_ENABLE     0x100
#define LVT_MASKED     (1u << 16)
#define TDCR_DIV1      0xB

#define VEC_SELF     0x40
#define VEC_ICR	     0x41
#define VEC_TIMER    0x42
#define VEC_FOREIGN  0x43
#define VEC_SPURIOUS 0xFF

#define PAT_LINUX 0x0407050600070106ull /* WB WC UC- UC WB WP UC- WT */
#define PAT_RESET 0x0007040600070406ull

#define PTE_P	0x01ull
#define PTE_W	0x02ull
#define PTE_PWT 0x08ull
#define PTE_PCD 0x10ull
#define PTE_PS	0x80ull

#define UART_SCR      7
#define UART_LSR      5
#define LSR_THRE_TEMT 0x60

/* Nothing decodes it: outside RAM (up to 3 GiB of it), the PCI window
 * (0xC0000000, 256 MiB) and the ECAM (0xE0000000). */
#define MMIO_HOLE_GPA 0xD0000000ull
#define PORT_COM2     0x2F8
#define PORT_NONE32   0x510

/* ACPI (spec 6.4, 5.2): RSDP, the SDT header, the MADT's CPU entries. */
#define ACPI_HDR_LEN 36
#define ACPI_MAX_LEN 0x10000 /* no table of ours is larger */
#define MADT_HDR_LEN 44
#define MADT_LAPIC   0
#define MADT_X2APIC  9
#define MADT_ENABLED 1u
#define MAX_CPUS     64

/* ap-start: a page below 1 MiB that vfvisor leaves alone (RAM up to
 * 0xA0000; it uses 0x6000-0xDFFF and 0x20000) and that this image does not
 * use (it lives at 16 MiB). A start-up IPI's vector is page >> 12. */
#define AP_PAGE		  ((uint64_t)0x70000)
#define AP_MAGIC	  0xA5A5
#define AP_MAGIC64	  0x5A5A5A5Au
#define AP_TRAMP_MAX	  3072 /* the rest of the page is its real-mode stack */
#define CR4_PAE		  (1ull << 5)
#define CR4_PGE		  (1ull << 7)
#define MSR_EFER	  0xC0000080
#define EFER_SCE	  (1ull << 0)
#define EFER_LME	  (1ull << 8)
#define EFER_LMA	  (1ull << 10)
#define EFER_NXE	  (1ull << 11)
#define ICR_INIT	  0x4500 /* INIT, assert, edge, physical */
#define ICR_INIT_DEASSERT 0x8500 /* INIT, de-assert, level (ignored by vfvisor) */
#define ICR_SIPI	  0x4600 /* start-up, assert; | vector */

extern char startup_32[], _end[];
extern const char ap_tramp_start[], ap_tramp_end[], ap_tramp_data[], ap_tramp_data_end[];
extern const char ap_tramp_gp_insn[];

/* ap.asm's data block (ap_tramp_data), field by field. */
struct ap_data {
	uint16_t magic, pad0; /* AP_MAGIC once id is stored (ap-start) */
	uint32_t id;
	uint32_t cr3, cr4;			    /* to the AP: for long mode */
	uint64_t efer;				    /* to the AP: for long mode, without LMA */
	uint32_t stage;				    /* how far it got: ap_stages[] */
	uint16_t gp_count, gp_ip, gp_extra, gp_odd; /* the real-mode #GP (ap-realmode-gp) */
	uint16_t unexp_vec, unexp_ip;		    /* vector + 1 of another one */
	uint64_t efer64;			    /* EFER read in 64-bit mode */
	uint32_t magic64, pad1; /* AP_MAGIC64 from 64-bit code, last (ap-long-mode) */
};

static const char *const ap_stages[] = {
	"not started",
	"real mode, before CPUID",
	"real mode, before the refused RDMSR",
	"real mode, before protected mode",
	"protected mode, before CR4/CR3/EFER",
	"protected mode, EFER set, before paging",
	"compatibility mode, before the far jump to 64-bit code",
	"64-bit mode, before its report",
};

uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t probe_pd[512] __attribute__((aligned(4096)));

static const uint8_t *bp;
static const char *cmdline;
static unsigned int passed, failed;
uint64_t tsc_khz;
uint32_t apic_id;
bool x2apic_ok;

/* The guest's enabled CPUs from its MADT (madt_read); count 0 if unusable. */
static struct {
	unsigned int count;
	uint32_t id[MAX_CPUS];
	const char *why; /* why the MADT was not read, if count is 0 */
} cpus;

static struct {
	unsigned int count;
	uint64_t base[BP_E820_MAX], len[BP_E820_MAX];
	uint32_t type[BP_E820_MAX];
	uint64_t ram_total, ram_end; /* type-1 bytes, end of the highest range */
} e820;

/* ---- reporting ------------------------------------------------------------ */

bool pass(const char *name)
{
	con_printf("PASS %s\n", name);
	passed++;
	return true;
}

/* Checks end with "return fail(...)" or "return pass(...)". */
bool fail(const char *name, const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	va_start(ap, fmt);
	vfmt(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	con_printf("FAIL %s (%s)\n", name, detail);
	failed++;
	return false;
}

void note(const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vfmt(text, sizeof(text), fmt, ap);
	va_end(ap);
	con_printf("testguest: note: %s\n", text);
}

void tg_abort(const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	va_start(ap, fmt);
	vfmt(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	con_printf("FAIL exception (%s)\n", detail);
	con_printf("testguest: done %u passed, %u failed (aborted)\n", passed, failed + 1);
	halt_forever();
}

/* ---- helpers --------------------------------------------------------------- */

static uint64_t rd16(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

static uint64_t rd32(const uint8_t *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | rd32(p + 4) << 32;
}

uint64_t ms_to_tsc(uint64_t ms)
{
	return tsc_khz * ms;
}

void delay_tsc(uint64_t ticks)
{
	uint64_t deadline = rdtsc() + ticks;

	while (rdtsc() < deadline)
		cpu_relax();
}

/* Wait up to @ms with interrupts on for tg_irq_count[@vec] to reach @n. */
bool wait_irq(unsigned int vec, unsigned int n, uint64_t ms)
{
	uint64_t deadline = rdtsc() + ms_to_tsc(ms);
	bool ok;

	irq_enable();
	while (tg_irq_count[vec] < n && rdtsc() < deadline)
		cpu_relax();
	irq_disable();
	ok = tg_irq_count[vec] >= n;
	return ok;
}

static bool overlaps_ram(uint64_t a, uint64_t len)
{
	for (unsigned int i = 0; i < e820.count; i++)
		if (e820.type[i] == E820_RAM && a < e820.base[i] + e820.len[i] &&
		    e820.base[i] < a + len)
			return true;
	return false;
}

static bool inside_ram(uint64_t a, uint64_t len)
{
	for (unsigned int i = 0; i < e820.count; i++)
		if (e820.type[i] == E820_RAM && a >= e820.base[i] &&
		    a + len <= e820.base[i] + e820.len[i])
			return true;
	return false;
}

/* 32-bit read that may fault: 0 and *@val, or the vector. The upper half of
 * RAX is preset to catch a load that does not zero-extend. */
static int mmio_read32(uint64_t gpa, uint64_t *val)
{
	unsigned int before = tg_fault.count;
	uint64_t rax = 0x1234567812345678ull;

	__asm__ volatile("1: movl (%%rbx), %%eax\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(rax)
			 : "b"(gpa)
			 : "memory");
	*val = rax;
	return tg_fault.count != before ? (int)tg_fault.vector : 0;
}

/* ---- set-up ---------------------------------------------------------------- */

static void e820_read(void)
{
	unsigned int n = bp[BP_E820_ENTRIES];

	e820.count = n > BP_E820_MAX ? BP_E820_MAX : n;
	for (unsigned int i = 0; i < e820.count; i++) {
		const uint8_t *ent = bp + BP_E820_TABLE + i * BP_E820_ENTRY_LEN;

		e820.base[i] = rd64(ent);
		e820.len[i] = rd64(ent + 8);
		e820.type[i] = (uint32_t)rd32(ent + 16);
		if (e820.type[i] != E820_RAM)
			continue;
		e820.ram_total += e820.len[i];
		if (e820.base[i] + e820.len[i] > e820.ram_end)
			e820.ram_end = e820.base[i] + e820.len[i];
	}
}

/*
 * Our own identity map of the first 4 GiB with 2 MiB pages: the loader's
 * covers only RAM, and the checks read where there is none. Pages with no
 * RAM in them are uncached (PCD|PWT), as MMIO would be.
 */
static void paging_init(void)
{
	pml4[0] = (uintptr_t)pdpt | PTE_P | PTE_W;
	for (unsigned int i = 0; i < 4; i++)
		pdpt[i] = (uintptr_t)pd[i] | PTE_P | PTE_W;
	for (uint64_t a = 0; a < SZ_4G; a += SZ_2M)
		pd[a >> 30][(a >> 21) & 511] = a | PTE_P | PTE_W | PTE_PS |
					       (overlaps_ram(a, SZ_2M) ? 0 : PTE_PCD | PTE_PWT);
	__asm__ volatile("mov %0, %%cr3" ::"r"((uintptr_t)pml4) : "memory");
}

/* Make @gpa addressable (it is identity-mapped below 4 GiB already); above,
 * its GiB gets the spare directory, uncached. False past 512 GiB. */
static bool map_probe(uint64_t gpa)
{
	uint64_t gib = gpa & ~(SZ_1G - 1);

	if (gpa < SZ_4G)
		return true;
	if (gpa >= SZ_512G)
		return false;
	for (unsigned int i = 0; i < 512; i++)
		probe_pd[i] = (gib + i * SZ_2M) | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT;
	pdpt[gpa >> 30] = (uintptr_t)probe_pd | PTE_P | PTE_W;
	__asm__ volatile("mov %0, %%cr3" ::"r"((uintptr_t)pml4) : "memory");
	return true;
}

static bool acpi_sum_ok(const uint8_t *p, uint64_t len)
{
	uint8_t sum = 0;

	for (uint64_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

static bool sig_is(const uint8_t *p, const char *sig)
{
	for (unsigned int i = 0; sig[i]; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

static char madt_why[120];

/* The SDT at @gpa, if its length and checksum hold (NULL, madt_why if not);
 * *@len its length. Everything read lies below 4 GiB, in our identity map. */
static const uint8_t *acpi_sdt(uint64_t gpa, const char *what, uint64_t *len)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)gpa;

	if (!gpa || gpa >= SZ_4G - ACPI_MAX_LEN) {
		sfmt(madt_why, sizeof(madt_why), "%s at 0x%lx", what, gpa);
		return NULL;
	}
	*len = rd32(t + 4);
	if (*len < ACPI_HDR_LEN || *len > ACPI_MAX_LEN) {
		sfmt(madt_why, sizeof(madt_why), "%s at 0x%lx: length %lu", what, gpa, *len);
		return NULL;
	}
	if (!acpi_sum_ok(t, *len)) {
		sfmt(madt_why, sizeof(madt_why), "%s at 0x%lx: bad checksum", what, gpa);
		return NULL;
	}
	return t;
}

/*
 * The guest's enabled CPUs, from the MADT that boot_params' acpi_rsdp_addr
 * leads to (RSDP, then XSDT, or RSDT before ACPI 2.0): type 0 (local APIC,
 * 8-bit ID) and type 9 (x2APIC, 32-bit ID) entries with the enabled flag.
 * Every step is checked; on any doubt cpus.count stays 0 with cpus.why.
 */
static void madt_read(void)
{
	const uint8_t *rsdp, *sdt = NULL, *madt = NULL;
	uint64_t rsdp_gpa = rd64(bp + BP_ACPI_RSDP_ADDR), sdt_len, len, off;
	unsigned int esize;

	cpus.why = madt_why;
	if (!rsdp_gpa || rsdp_gpa >= SZ_4G - 4096) {
		sfmt(madt_why, sizeof(madt_why), "acpi_rsdp_addr 0x%lx", rsdp_gpa);
		return;
	}
	rsdp = (const uint8_t *)(uintptr_t)rsdp_gpa;
	if (!sig_is(rsdp, "RSD PTR ") || !acpi_sum_ok(rsdp, 20)) {
		sfmt(madt_why, sizeof(madt_why), "no valid RSDP at 0x%lx", rsdp_gpa);
		return;
	}
	if (rsdp[15] >= 2 && rd64(rsdp + 24)) {
		len = rd32(rsdp + 20);
		if (len < 36 || len > 4096 || !acpi_sum_ok(rsdp, len)) {
			sfmt(madt_why, sizeof(madt_why), "RSDP at 0x%lx: bad extended checksum",
			     rsdp_gpa);
			return;
		}
		sdt = acpi_sdt(rd64(rsdp + 24), "XSDT", &sdt_len);
		esize = 8;
		if (sdt && !sig_is(sdt, "XSDT")) {
			sfmt(madt_why, sizeof(madt_why), "XSDT signature");
			return;
		}
	} else {
		sdt = acpi_sdt(rd32(rsdp + 16), "RSDT", &sdt_len);
		esize = 4;
		if (sdt && !sig_is(sdt, "RSDT")) {
			sfmt(madt_why, sizeof(madt_why), "RSDT signature");
			return;
		}
	}
	if (!sdt)
		return;
	for (off = ACPI_HDR_LEN; off + esize <= sdt_len; off += esize) {
		uint64_t gpa = esize == 8 ? rd64(sdt + off) : rd32(sdt + off);

		if (!gpa || gpa >= SZ_4G - ACPI_MAX_LEN ||
		    !sig_is((const uint8_t *)(uintptr_t)gpa, "APIC"))
			continue;
		madt = acpi_sdt(gpa, "MADT", &len);
		if (!madt)
			return;
		break;
	}
	if (!madt) {
		sfmt(madt_why, sizeof(madt_why), "no MADT in the %s", esize == 8 ? "XSDT" : "RSDT");
		return;
	}
	if (len < MADT_HDR_LEN) {
		sfmt(madt_why, sizeof(madt_why), "MADT length %lu", len);
		return;
	}
	for (off = MADT_HDR_LEN; off < len;) {
		const uint8_t *e = madt + off;
		uint64_t elen = off + 2 <= len ? e[1] : 0;
		uint32_t id, flags;

		if (elen < 2 || off + elen > len) {
			sfmt(madt_why, sizeof(madt_why), "MADT entry at +%lu: length %lu", off,
			     elen);
			cpus.count = 0;
			return;
		}
		off += elen;
		if (e[0] == MADT_LAPIC && elen >= 8) {
			id = e[3];
			flags = (uint32_t)rd32(e + 4);
		} else if (e[0] == MADT_X2APIC && elen >= 16) {
			id = (uint32_t)rd32(e + 4);
			flags = (uint32_t)rd32(e + 8);
		} else {
			continue;
		}
		if (!(flags & MADT_ENABLED))
			continue;
		if (cpus.count == MAX_CPUS) {
			sfmt(madt_why, sizeof(madt_why), "more than %u CPUs in the MADT", MAX_CPUS);
			cpus.count = 0;
			return;
		}
		cpus.id[cpus.count++] = id;
	}
	if (!cpus.count)
		sfmt(madt_why, sizeof(madt_why), "no enabled CPU in the MADT");
}

static bool madt_has_cpu(uint32_t id)
{
	for (unsigned int i = 0; i < cpus.count; i++)
		if (cpus.id[i] == id)
			return true;
	return false;
}

static void print_banner(void)
{
	const char *name = NULL;
	uint32_t r[4];
	size_t len = 0;

	cpuid(0x40000000, 0, r);
	tsc_khz = 0;
	if (r[0] >= 0x40000010) {
		cpuid(0x40000010, 0, r);
		tsc_khz = r[0];
	}
	if (!tsc_khz)
		tsc_khz = 1000000; /* not advertised: assume 1 GHz */
	cpuid(1, 0, r);
	apic_id = r[1] >> 24; /* the x2APIC ID replaces it once the APIC is checked */
	if (cmdline)
		name = cmdline_find(cmdline, "vf.name", &len);
	if (name)
		con_printf("testguest: guest '%.*s'\n", (int)len, name);
	con_printf("testguest: cmdline '%s'\n", cmdline ? cmdline : "");
	con_printf("testguest: apic id %u, ram %lu MiB, tsc %lu kHz\n", apic_id,
		   (e820.ram_total + SZ_1M / 2) / SZ_1M, tsc_khz);
}

/* ---- the checks ------------------------------------------------------------ */

static bool check_cpuid(void)
{
	static const char want[] = "vfvisorvfvis";
	uint32_t r[4], max_ext;
	char sig[13];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 31)))
		return fail("cpuid-hypervisor", "CPUID.1:ECX.hypervisor clear (ecx 0x%x)", r[2]);
	if (r[2] & (1u << 5))
		return fail("cpuid-hypervisor", "CPUID.1:ECX.VMX set (ecx 0x%x)", r[2]);
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		if (r[2] & (1u << 2))
			return fail("cpuid-hypervisor", "CPUID.80000001h:ECX.SVM set (ecx 0x%x)",
				    r[2]);
	}
	cpuid(0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	for (unsigned int i = 0; i < 12; i++) {
		if (sig[i] != want[i]) {
			for (unsigned int j = 0; j < 12; j++)
				if (sig[j] < 0x20 || sig[j] > 0x7E)
					sig[j] = '?';
			return fail("cpuid-hypervisor", "leaf 0x40000000 signature '%s'", sig);
		}
	}
	if (r[0] < 0x40000010)
		return fail("cpuid-hypervisor", "leaf 0x40000000 eax 0x%x < 0x40000010", r[0]);
	return pass("cpuid-hypervisor");
}

static bool check_msr_allowed(void)
{
	uint64_t pat, val, t0, t1, tsc, next;
	int v;

	if ((v = rdmsr_safe(MSR_PAT, &pat)))
		return fail("msr-allowed", "rdmsr PAT: vector %d", v);
	next = pat == PAT_LINUX ? PAT_RESET : PAT_LINUX;
	if ((v = wrmsr_safe(MSR_PAT, next)))
		return fail("msr-allowed", "wrmsr PAT 0x%lx: vector %d", next, v);
	v = rdmsr_safe(MSR_PAT, &val);
	wrmsr_safe(MSR_PAT, pat);
	if (v || val != next)
		return fail("msr-allowed", "PAT reads 0x%lx after writing 0x%lx (vector %d)", val,
			    next, v);
	if (rdmsr_safe(MSR_PAT, &val) || val != pat)
		return fail("msr-allowed", "PAT not restored: 0x%lx, was 0x%lx", val, pat);

	t0 = rdtsc();
	v = rdmsr_safe(MSR_TSC, &tsc);
	t1 = rdtsc();
	if (v)
		return fail("msr-allowed", "rdmsr TSC: vector %d", v);
	/* QEMU's TCG has no RDMSR of IA32_TSC (it reads unknown MSRs as 0), so
	 * no hypervisor can give more there; a real CPU never reads 0. */
	if (!tsc)
		con_printf("testguest: note: rdmsr TSC reads 0 (the CPU does not implement it, "
			   "as QEMU TCG): monotonicity not checked\n");
	else if (tsc < t0 || tsc > t1)
		return fail("msr-allowed", "rdmsr TSC 0x%lx outside rdtsc 0x%lx..0x%lx", tsc, t0,
			    t1);
	return pass("msr-allowed");
}

static bool check_msr_refused(void)
{
	/* Refused on both vendors by hv/platform/msr_policy.c. */
	static const struct {
		uint32_t msr;
		const char *name;
	} refused[] = {{MSR_DEBUGCTL, "DEBUGCTL"}, {MSR_AMD_PERF_CTL0, "AMD PERF_CTL0"}};
	uint64_t val = 0;

	for (unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int v = rdmsr_safe(refused[i].msr, &val);

		if (v != 13)
			return fail("msr-refused", "rdmsr 0x%x (%s): %s %d, want #GP",
				    refused[i].msr, refused[i].name,
				    v ? "vector" : "no fault, value", v ? v : 0);
		if (tg_fault.error)
			return fail("msr-refused", "rdmsr 0x%x: #GP error code 0x%lx, want 0",
				    refused[i].msr, tg_fault.error);
	}
	return pass("msr-refused");
}

static bool check_com1(void)
{
	uint8_t a, b, lsr;

	outb(COM1 + UART_SCR, 0x5A);
	a = inb(COM1 + UART_SCR);
	outb(COM1 + UART_SCR, 0xA5);
	b = inb(COM1 + UART_SCR);
	lsr = inb(COM1 + UART_LSR);
	if (a != 0x5A || b != 0xA5)
		return fail("com1", "scratch register read 0x%x 0x%x after writing 0x5a 0xa5", a,
			    b);
	if ((lsr & LSR_THRE_TEMT) != LSR_THRE_TEMT)
		return fail("com1", "LSR 0x%x lacks THRE|TEMT", lsr);
	return pass("com1");
}

static bool check_mmio_decode(void)
{
	uint64_t base = MMIO_HOLE_GPA, val, rax;
	unsigned int before;
	int v;

	if (overlaps_ram(base, 4096))
		return fail("mmio-decode", "0x%lx is RAM in the e820", base);
	if ((v = mmio_read32(base, &val)))
		return fail("mmio-decode", "32-bit read at 0x%lx: vector %d", base, v);
	if (val != 0xFFFFFFFFull)
		return fail("mmio-decode", "32-bit read at 0x%lx: rax 0x%lx, want 0xffffffff", base,
			    val);

	before = tg_fault.count;
	__asm__ volatile("1: movl %%eax, (%%rbx)\n2:\n\t" EXTABLE(1b, 2b)::"a"(0x12345678u),
			 "b"(base)
			 : "memory");
	if (tg_fault.count != before)
		return fail("mmio-decode", "32-bit write at 0x%lx: vector %u", base,
			    tg_fault.vector);

	/* The write was dropped: a byte read still sees all ones, zero-extended. */
	before = tg_fault.count;
	rax = 0xDEADBEEFDEADBEEFull;
	__asm__ volatile("1: movzbl (%%rbx), %%eax\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(rax)
			 : "b"(base)
			 : "memory");
	if (tg_fault.count != before)
		return fail("mmio-decode", "movzx byte read at 0x%lx: vector %u", base,
			    tg_fault.vector);
	if (rax != 0xFF)
		return fail("mmio-decode", "movzx byte read at 0x%lx: rax 0x%lx, want 0xff", base,
			    rax);
	return pass("mmio-decode");
}

static bool check_io(void)
{
	uint64_t rax = 0x12345678123456AAull;
	unsigned int before = tg_fault.count;

	/* An 8-bit IN writes AL only; a 32-bit IN zero-extends into RAX. */
	__asm__ volatile("1: inb %%dx, %%al\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(rax)
			 : "d"(PORT_COM2)
			 : "memory");
	if (tg_fault.count != before)
		return fail("io-unassigned", "inb 0x%x: vector %u", PORT_COM2, tg_fault.vector);
	if (rax != 0x12345678123456FFull)
		return fail("io-unassigned", "inb 0x%x: rax 0x%lx, want 0x12345678123456ff",
			    PORT_COM2, rax);
	rax = 0x1234567812345678ull;
	__asm__ volatile("1: inl %%dx, %%eax\n2:\n\t" EXTABLE(1b, 2b)
			 : "+a"(rax)
			 : "d"(PORT_NONE32)
			 : "memory");
	if (tg_fault.count != before)
		return fail("io-unassigned", "inl 0x%x: vector %u", PORT_NONE32, tg_fault.vector);
	if (rax != 0xFFFFFFFFull)
		return fail("io-unassigned", "inl 0x%x: rax 0x%lx, want 0xffffffff", PORT_NONE32,
			    rax);
	return pass("io-unassigned");
}

static bool check_self_ipi(void)
{
	uint64_t base, id;
	int v;

	if ((v = rdmsr_safe(MSR_APIC_BASE, &base)))
		return fail("x2apic-self-ipi", "rdmsr APIC_BASE: vector %d", v);
	if ((base & (APIC_BASE_EXTD | APIC_BASE_EN)) != (APIC_BASE_EXTD | APIC_BASE_EN))
		return fail("x2apic-self-ipi", "APIC_BASE 0x%lx: x2APIC not enabled", base);
	if ((v = rdmsr_safe(X2APIC_ID, &id)))
		return fail("x2apic-self-ipi", "rdmsr x2APIC ID: vector %d", v);
	apic_id = (uint32_t)id;
	/* Accept every priority; software-enable with the spurious vector. */
	if ((v = wrmsr_safe(X2APIC_TPR, 0)) ||
	    (v = wrmsr_safe(X2APIC_SVR, SVR_ENABLE | VEC_SPURIOUS)))
		return fail("x2apic-self-ipi", "TPR/SVR write: vector %d", v);
	x2apic_ok = true;

	irq_enable();
	v = wrmsr_safe(X2APIC_SELF_IPI, VEC_SELF);
	irq_disable();
	if (v)
		return fail("x2apic-self-ipi", "wrmsr SELF_IPI: vector %d", v);
	if (!wait_irq(VEC_SELF, 1, 100))
		return fail("x2apic-self-ipi", "SELF_IPI vector 0x%x did not arrive in 100 ms",
			    VEC_SELF);

	irq_enable();
	v = wrmsr_safe(X2APIC_ICR, (id << 32) | VEC_ICR);
	irq_disable();
	if (v)
		return fail("x2apic-self-ipi", "wrmsr ICR to own id %u: vector %d", apic_id, v);
	if (!wait_irq(VEC_ICR, 1, 100))
		return fail("x2apic-self-ipi", "fixed IPI vector 0x%x to own id %u did not arrive",
			    VEC_ICR, apic_id);
	if (tg_irq_count[VEC_SELF] != 1 || tg_irq_count[VEC_ICR] != 1)
		return fail("x2apic-self-ipi", "counts %u (self) %u (icr), want 1 each",
			    tg_irq_count[VEC_SELF], tg_irq_count[VEC_ICR]);
	return pass("x2apic-self-ipi");
}

static bool check_apic_timer(void)
{
	uint64_t count, t0, deadline, cur = 0, elapsed;
	uint32_t r[4];

	if (!x2apic_ok)
		return fail("apic-timer", "x2APIC unusable (see x2apic-self-ipi)");
	/* The timer's input clock: advertised by the hypervisor if known. 10^6
	 * counts is 10 ms at 100 MHz (1 ms on QEMU's 1 GHz APIC clock). */
	cpuid(0x40000010, 0, r);
	count = r[1] ? (uint64_t)r[1] * 10 : 1000000;
	if (count > 0xFFFFFFFFull)
		count = 0xFFFFFFFFull;
	wrmsr_safe(X2APIC_TDCR, TDCR_DIV1);
	wrmsr_safe(X2APIC_LVT_TIMER, VEC_TIMER); /* one-shot, not masked */
	t0 = rdtsc();
	deadline = t0 + ms_to_tsc(1000);
	wrmsr_safe(X2APIC_TMICT, count);
	for (;;) {
		irq_disable();
		if (tg_irq_count[VEC_TIMER] || rdtsc() >= deadline)
			break;
		rdmsr_safe(X2APIC_TMCCT, &cur);
		if (cur) {
			/* Still counting: it will interrupt, so halting is bounded
			 * (sti's shadow keeps the wake-up from slipping in between). */
			__asm__ volatile("sti; hlt" ::: "memory");
		} else {
			/* Expired without an interrupt yet: do not sleep on it. */
			irq_enable();
			cpu_relax();
		}
	}
	irq_disable();
	elapsed = rdtsc() - t0;
	wrmsr_safe(X2APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	wrmsr_safe(X2APIC_TMICT, 0);
	if (tg_irq_count[VEC_TIMER] != 1)
		return fail("apic-timer",
			    "%u interrupt(s) in %lu ms (initial count %lu, current %lu)",
			    tg_irq_count[VEC_TIMER], elapsed / tsc_khz, count, cur);
	return pass("apic-timer");
}

static bool check_ram_rw(void)
{
	uint64_t page = e820.ram_end >= 40 * SZ_1M ? 32 * SZ_1M : e820.ram_end - 4 * SZ_1M;
	uint64_t want = e820.ram_end, diff;
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)page;
	const char *s;
	size_t len;

	if (page < (uintptr_t)_end || !inside_ram(page, 4096))
		return fail("ram-rw", "no RAM page clear of the image (e820 ends at 0x%lx)",
			    e820.ram_end);
	/* Address-dependent values, then their complement: every bit both ways. */
	for (unsigned int i = 0; i < 512; i++)
		p[i] = (page + i * 8) * 0x9E3779B97F4A7C15ull;
	for (unsigned int i = 0; i < 512; i++)
		if (p[i] != (page + i * 8) * 0x9E3779B97F4A7C15ull)
			return fail("ram-rw", "0x%lx reads 0x%lx", page + i * 8, p[i]);
	for (unsigned int i = 0; i < 512; i++)
		p[i] = ~((page + i * 8) * 0x9E3779B97F4A7C15ull);
	for (unsigned int i = 0; i < 512; i++)
		if (p[i] != ~((page + i * 8) * 0x9E3779B97F4A7C15ull))
			return fail("ram-rw", "0x%lx reads 0x%lx", page + i * 8, p[i]);

	/* The configured size, if the command line says it (tests do). */
	s = cmdline ? cmdline_find(cmdline, "testguest.mem", &len) : NULL;
	if (s && !parse_size(s, len, &want))
		return fail("ram-rw", "testguest.mem=%.*s is not a size", (int)len, s);
	diff = want > e820.ram_total ? want - e820.ram_total : e820.ram_total - want;
	if (diff > SZ_1M)
		return fail("ram-rw",
			    "e820 RAM totals %lu KiB in %u entries, want %lu KiB +- 1 MiB",
			    e820.ram_total >> 10, e820.count, want >> 10);
	con_printf("testguest: e820 RAM %lu KiB in %u entries, ends at 0x%lx\n",
		   e820.ram_total >> 10, e820.count, e820.ram_end);
	return pass("ram-rw");
}

static bool check_outside_ram(void)
{
	uint64_t gpa = e820.ram_end, val;
	int v;

	if (!gpa || !map_probe(gpa))
		return fail("outside-ram", "cannot map 0x%lx", gpa);
	if ((v = mmio_read32(gpa, &val)))
		return fail("outside-ram", "read at 0x%lx: vector %d", gpa, v);
	if (val != 0xFFFFFFFFull)
		return fail("outside-ram", "read at 0x%lx: rax 0x%lx, want 0xffffffff", gpa, val);
	return pass("outside-ram");
}

static bool check_ipi_foreign(void)
{
	/* Not ours: the next ID that is none of the guest's CPUs in the MADT
	 * (own ID + 1 on one CPU; a broadcast, 0xFFFFFFFF, would be narrowed
	 * to our own CPUs, so avoid making one). */
	uint64_t target = apic_id;
	int v;

	do
		target = target + 1 >= 0xFFFFFFFFu ? 0 : target + 1;
	while (target == apic_id || madt_has_cpu((uint32_t)target));

	if (!x2apic_ok)
		return fail("ipi-foreign", "x2APIC unusable (see x2apic-self-ipi)");
	irq_enable();
	v = wrmsr_safe(X2APIC_ICR, (target << 32) | VEC_FOREIGN);
	irq_disable();
	if (v)
		return fail("ipi-foreign", "wrmsr ICR to id %lu: vector %d", target, v);
	wait_irq(VEC_FOREIGN, 1, 50);
	if (tg_irq_count[VEC_FOREIGN])
		return fail("ipi-foreign", "vector 0x%x sent to id %lu arrived here %u time(s)",
			    VEC_FOREIGN, target, tg_irq_count[VEC_FOREIGN]);
	return pass("ipi-foreign");
}

static volatile struct ap_data *ap_data(void)
{
	return (volatile struct ap_data *)(uintptr_t)(AP_PAGE + (ap_tramp_data - ap_tramp_start));
}

/* The long-mode state the AP takes from the BSP, as Linux's trampoline
 * header carries it: our page tables, PAE (and PGE), our EFER without LMA. */
static void ap_handoff(volatile struct ap_data *d)
{
	uint64_t efer = EFER_LME;

	rdmsr_safe(MSR_EFER, &efer);
	d->cr3 = (uint32_t)(uintptr_t)pml4;
	d->cr4 = (uint32_t)(CR4_PAE | (read_cr4() & CR4_PGE));
	d->efer = efer & ~EFER_LMA;
}

/* What ap-start did: the AP checks after it need it running. */
static enum { AP_NONE, AP_NOT_RUN, AP_STARTED } ap_result;

/*
 * Start another of the guest's CPUs as Linux does (SDM vol. 3A 9.4.4.1):
 * INIT, INIT de-assert, 10 ms, start-up IPI, 200 us, start-up IPI. It runs
 * ap.asm's trampoline, copied to AP_PAGE, in real mode and reports there.
 */
static bool check_ap_start(void)
{
	size_t size = (size_t)(ap_tramp_end - ap_tramp_start);
	volatile struct ap_data *d = ap_data();
	uint64_t dest, deadline;
	uint32_t target;
	unsigned int i;
	int v;

	if (!cpus.count)
		return fail("ap-start", "%s", cpus.why);
	if (cpus.count == 1) {
		con_printf("testguest: ap-start not run (1 cpu)\n");
		ap_result = AP_NOT_RUN;
		return true;
	}
	if (!x2apic_ok)
		return fail("ap-start", "x2APIC unusable (see x2apic-self-ipi)");
	if (!madt_has_cpu(apic_id))
		return fail("ap-start", "own APIC ID %u is not among the MADT's %u CPUs", apic_id,
			    cpus.count);
	for (i = 0; i < cpus.count && cpus.id[i] == apic_id; i++)
		;
	if (i == cpus.count)
		return fail("ap-start", "no MADT CPU other than APIC ID %u", apic_id);
	target = cpus.id[i];
	if (!inside_ram(AP_PAGE, 4096) ||
	    (AP_PAGE < (uintptr_t)_end && AP_PAGE + 4096 > (uintptr_t)startup_32))
		return fail("ap-start", "page 0x%lx is not free RAM", AP_PAGE);
	if (size > AP_TRAMP_MAX ||
	    (size_t)(ap_tramp_data_end - ap_tramp_data) != sizeof(struct ap_data))
		return fail("ap-start", "trampoline of %zu bytes, data block of %zu (want %zu)",
			    size, (size_t)(ap_tramp_data_end - ap_tramp_data),
			    sizeof(struct ap_data));

	memcpy((void *)(uintptr_t)AP_PAGE, ap_tramp_start, size);
	d->id = 0xFFFFFFFF;
	ap_handoff(d);
	dest = (uint64_t)target << 32;
	if ((v = wrmsr_safe(X2APIC_ICR, dest | ICR_INIT)))
		return fail("ap-start", "INIT to APIC ID %u: vector %d", target, v);
	if ((v = wrmsr_safe(X2APIC_ICR, dest | ICR_INIT_DEASSERT)))
		return fail("ap-start", "INIT de-assert to APIC ID %u: vector %d", target, v);
	delay_tsc(ms_to_tsc(10));
	for (unsigned int n = 0; n < 2; n++) {
		if ((v = wrmsr_safe(X2APIC_ICR, dest | ICR_SIPI | (AP_PAGE >> 12))))
			return fail("ap-start", "start-up IPI %u to APIC ID %u: vector %d", n + 1,
				    target, v);
		delay_tsc(tsc_khz / 5); /* 200 us */
	}

	deadline = rdtsc() + ms_to_tsc(1000);
	while (d->magic != AP_MAGIC && rdtsc() < deadline)
		cpu_relax();
	if (d->magic != AP_MAGIC)
		return fail("ap-start",
			    "APIC ID %u did not report at 0x%lx within 1 s (magic 0x%x)", target,
			    AP_PAGE, d->magic);
	ap_result = AP_STARTED;
	if (d->id != target)
		return fail("ap-start", "the CPU started as APIC ID %u reports x2APIC ID %u",
			    target, d->id);
	return pass("ap-start");
}

static const char *ap_stage(uint32_t stage)
{
	return stage < sizeof(ap_stages) / sizeof(ap_stages[0]) ? ap_stages[stage] : "?";
}

/* Its real-mode #GP: through IVT 13, IP at the RDMSR, no error code, once,
 * and the trampoline went on past it. */
static bool check_ap_realmode_gp(void)
{
	static const char name[] = "ap-realmode-gp";
	volatile struct ap_data *d = ap_data();
	uint16_t want = (uint16_t)(ap_tramp_gp_insn - ap_tramp_start);

	if (ap_result != AP_STARTED)
		return fail(name, "the AP did not start (see ap-start)");
	if (d->gp_odd)
		return fail(name,
			    "an error code (0x%x) was pushed on the real-mode stack above IP "
			    "0x%x",
			    d->gp_extra, d->gp_ip);
	if (d->unexp_vec)
		return fail(name, "real-mode exception vector %u at IP 0x%x, want only #GP",
			    d->unexp_vec - 1u, d->unexp_ip);
	if (!d->gp_count)
		return fail(name, "no #GP through IVT 13 (the AP is at stage %u: %s)", d->stage,
			    ap_stage(d->stage));
	if (d->gp_ip != want)
		return fail(name, "#GP with IP 0x%x, want 0x%x (the rdmsr)", d->gp_ip, want);
	if (d->gp_count != 1)
		return fail(name, "%u #GPs through IVT 13, want 1", d->gp_count);
	if (d->stage < 3)
		return fail(name, "the AP did not go on after the #GP (stage %u: %s)", d->stage,
			    ap_stage(d->stage));
	return pass(name);
}

/* Protected mode, long mode, 64-bit code: its report and EFER there. */
static bool check_ap_long_mode(void)
{
	static const char name[] = "ap-long-mode";
	volatile struct ap_data *d = ap_data();
	uint64_t want = d->efer | EFER_LMA, mask = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

	if (ap_result != AP_STARTED)
		return fail(name, "the AP did not start (see ap-start)");
	if (d->magic64 != AP_MAGIC64)
		return fail(name, "no report from 64-bit code within 1 s: stage %u (%s)", d->stage,
			    ap_stage(d->stage));
	if ((d->efer64 & mask) != (want & mask))
		return fail(name, "EFER 0x%lx in 64-bit mode, want 0x%lx in its bits 0x%lx",
			    d->efer64, want & mask, mask);
	return pass(name);
}

/* ap-start, then (only if it ran) the AP's way to long mode. */
static void check_ap(void)
{
	volatile struct ap_data *d = ap_data();
	uint64_t deadline;

	check_ap_start();
	if (ap_result == AP_NOT_RUN)
		return;
	deadline = rdtsc() + ms_to_tsc(1000);
	while (ap_result == AP_STARTED && d->magic64 != AP_MAGIC64 && rdtsc() < deadline)
		cpu_relax();
	check_ap_realmode_gp();
	check_ap_long_mode();
}

/* testguest.reset=cf9|kbc: reset the machine once done, through port 0xcf9
 * (the value the FADT gives) or the keyboard controller's 0xfe. */
static void reset_if_asked(void)
{
	size_t len;
	const char *s = cmdline ? cmdline_find(cmdline, "testguest.reset", &len) : NULL;

	if (s && len == 3 && !memcmp(s, "cf9", 3)) {
		con_printf("testguest: reset through port 0xcf9\n");
		outb(0xCF9, 0x06);
	} else if (s && len == 3 && !memcmp(s, "kbc", 3)) {
		con_printf("testguest: reset through the keyboard controller\n");
		outb(0x64, 0xFE);
	}
}

void __attribute__((noreturn)) tg_main(const uint8_t *boot_params);

void tg_main(const uint8_t *boot_params)
{
	uint64_t cl;

	bp = boot_params;
	idt_init();
	cl = rd32(bp + BP_CMD_LINE_PTR) | rd32(bp + BP_EXT_CMD_LINE_PTR) << 32;
	cmdline = cl ? (const char *)(uintptr_t)cl : NULL;
	e820_read();
	paging_init();
	print_banner();
	madt_read();

	check_cpuid();
	check_msr_allowed();
	check_msr_refused();
	check_com1();
	check_mmio_decode();
	check_io();
	check_self_ipi();
	check_apic_timer();
	check_ram_rw();
	check_outside_ram();
	check_ipi_foreign();
	check_xsetbv();
	check_xsetbv_invalid();
	check_ymm_cpuid();
	check_cr4_reserved();
	check_cr4_toggles();
	check_efer_invalid();
	check_pat_mtrr();
	check_rdtscp();
	check_exc_pf();
	check_exc_ud();
	check_sti_shadow();
	check_tf_cpuid();
	check_nmi_nested();
	check_nmi_storm();
	check_compat_pg();
	check_ap();

	con_printf("testguest: done %u passed, %u failed\n", passed, failed);
	reset_if_asked();
	halt_forever();
}
