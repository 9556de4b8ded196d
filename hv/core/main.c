// SPDX-License-Identifier: MIT
/*
 * Start-up on the boot CPU: console, boot information and command line,
 * memory, ACPI, CPU features, the other CPUs, the IOMMU, the NIC, the
 * service CPU's watchdog, the self-tests asked for, then the guests. The boot CPU stays in the
 * hypervisor as the service CPU.
 */
#include "drivers/acpi/acpi.h"
#include "drivers/apic/apic.h"
#include "boot/boot_info.h"
#include "hv/core/cmdline.h"
#include "hv/core/console.h"
#include "hv/core/cpu.h"
#include "hv/core/cpufeat.h"
#include "lib/err.h"
#include "hv/core/idt.h"
#include "hv/core/inventory.h"
#include "hv/core/nic.h"
#include "hv/core/options.h"
#include "drivers/pci/pci.h"
#include "drivers/pci/access.h"
#include "hv/core/selftest.h"
#include "hv/core/service.h"
#include "hv/core/watchdog_nmi.h"
#include "lib/kstring.h"
#include "boot/mb2.h"
#include "hv/core/paging.h"
#include "hv/core/palloc.h"
#include "hv/core/physmem.h"
#include "drivers/apic/pic.h"
#include "lib/printk.h"
#include "hv/core/smp.h"
#include "hv/core/stackguard.h"
#include "hv/svm/svm.h"
#include "hv/vm/guests.h"
#include "hv/vm/vm.h"
#include "hv/vmx/vmx.h"
#include "drivers/timer/tsc.h"
#include "iommu/iommu.h"
#include "drivers/uart/uart.h"
#include "lib/x86.h"

#define VFVISOR_VERSION "0.1"
#define MB2_INFO_MAX	(1u << 20)

extern char __image_start[], __rodata_start[], __data_start[], __image_end[];

static struct boot_info boot_info;
static struct palloc palloc;
static struct acpi_info acpi;
static struct cpu_features features;
/* Its first page is the IST stack's guard (hv/core/stackguard.h). */
static uint8_t bsp_ist[PAGE_SIZE + CPU_IST_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t bsp_nmi[PAGE_SIZE + CPU_IST_SIZE] __attribute__((aligned(PAGE_SIZE)));
extern char boot_stack_guard[], boot_stack_top[];

static void __attribute__((noreturn)) fatal(const char *what)
{
	pr_err("%s; stopping\n", what);
	cpu_halt_forever();
}

/* Before the first line: a bad value is reported later, by options_check(). */
static void console_from_cmdline(const char *cl)
{
	char v[OPTIONS_VALUE_MAX];
	unsigned long long n;

	if (options_get(cl, "console", v, sizeof(v)) > 0) {
		if (!strcmp(v, "com1"))
			console_set_port(UART_COM1);
		else if (!strcmp(v, "com2"))
			console_set_port(UART_COM2);
		else if (!strcmp(v, "none"))
			console_set_port(0);
		else if (cmdline_parse_u64(v, &n))
			console_set_port((uint16_t)n);
	}
	if (options_get(cl, "loglevel", v, sizeof(v)) > 0 && cmdline_parse_u64(v, &n))
		console_set_level((int)n);
}

/* CPUID 8000_0001h EDX bit @bit (1 GiB pages 26, NX 20), asked before
 * cpufeat_read() runs: the host page tables are built first. */
static bool cpu_ext_edx(unsigned int bit)
{
	struct cpuid_regs r;

	cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000001)
		return false;
	cpuid(0x80000001, 0, &r);
	return r.edx & (1u << bit);
}

/* The page below each of the boot CPU's stacks: left unmapped. */
static void bsp_stack_guards(void)
{
	if (stackguard_add(&hv_pt, (uint64_t)(uintptr_t)boot_stack_guard, 0, "stack") ||
	    stackguard_add(&hv_pt, (uint64_t)(uintptr_t)bsp_ist, 0, "ist stack") ||
	    stackguard_add(&hv_pt, (uint64_t)(uintptr_t)bsp_nmi, 0, "nmi stack"))
		fatal("mem: no memory for the boot cpu's stack guard pages");
}

static void memory_init(void)
{
	const struct memmap *mm = &boot_info.mmap;
	uint64_t img = (uint64_t)(uintptr_t)__image_start;
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;
	const struct paging_host h = {
		.gb = cpu_ext_edx(26),
		.nx = cpu_ext_edx(20),
		.text = img,
		.rodata = (uint64_t)(uintptr_t)__rodata_start,
		.data = (uint64_t)(uintptr_t)__data_start,
		.end = img_end,
	};

	palloc_init(&palloc);
	for (unsigned int i = 0; i < mm->n; i++) {
		const struct mem_range *r = &mm->r[i];

		pr_debug("mem: %016llx-%016llx %s\n", (unsigned long long)r->base,
			 (unsigned long long)r->end - 1, memmap_type_name(r->type));
		if (r->type == MEM_USABLE && palloc_add(&palloc, r->base, r->end - r->base))
			pr_warn("mem: range at 0x%llx not usable for allocation (table full)\n",
				(unsigned long long)r->base);
	}
	/* Page 0 (real-mode IVT), the image, and the modules stay put. */
	palloc_reserve(&palloc, 0, PAGE_SIZE);
	palloc_reserve(&palloc, img, img_end - img);
	for (unsigned int i = 0; i < boot_info.mod_count; i++)
		palloc_reserve(&palloc, boot_info.mods[i].start,
			       boot_info.mods[i].end - boot_info.mods[i].start);
	physmem_set_map(mm);
	/* NX bits are reserved until EFER.NXE is on: on before the table. */
	if (h.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (paging_build(&hv_pt, mm, &palloc, &h))
		fatal("mem: no memory for the host page tables");
	bsp_stack_guards();
	paging_activate(&hv_pt);
	pr_info("mem: image w^x: text r-x 0x%llx-0x%llx, rodata %s, data %s; other memory %s;"
		" stack guard pages on\n",
		(unsigned long long)h.text, (unsigned long long)h.rodata - 1, h.nx ? "r--" : "r-x",
		h.nx ? "rw-" : "rwx", h.nx ? "rw- (nx)" : "rwx (this cpu has no nx)");
}

static void acpi_init(void)
{
	int err;

	if (boot_info.rsdp_len) {
		err = acpi_parse(&acpi, boot_info.rsdp, boot_info.rsdp_len, 0);
	} else {
		uint64_t p = acpi_find_rsdp_bios();

		if (!p)
			fatal("acpi: no RSDP from the loader or in the BIOS areas");
		err = acpi_parse(&acpi, acpi_map(p, 36), 36, p);
		if (err == -EFAULT || err == -EINVAL) /* a v1 RSDP may end 16 bytes early */
			err = acpi_parse(&acpi, acpi_map(p, 20), 20, p);
	}
	if (err)
		fatal("acpi: the RSDP or its root table is unusable");
}

static void cpuid_hw(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	cpuid(leaf, sub, r);
}

static void backend_select(void);

static void cpu_init(void)
{
	static const struct cpufeat_ops ops = {cpuid_hw, rdmsr};
	uint64_t lapic = acpi.lapic_base ? acpi.lapic_base : 0xFEE00000;

	cpufeat_read(&features, &ops);
	if (!features.x2apic)
		paging_map_mmio(lapic, PAGE_SIZE);
	apic_select(features.x2apic, lapic);
	apic_enable(VEC_SPURIOUS);
	cpus[0].apic_id = apic_id();
	tsc_calibrate();
	apic_timer_calibrate();
	backend_select();
}

/* The guests' vCPU backend: AMD-V with nested paging, or VT-x with EPT. */
static void backend_select(void)
{
	const char *why, *be = cpufeat_backend(&features, &why);

	if (be && !strcmp(be, "amd-v") && features.npt && features.x2apic) {
		svm_set_nrips(features.nrips);
		svm_set_npt_1g(features.page1g);
		vm_set_backend(&svm_vcpu_ops);
	}
	if (be && !strcmp(be, "vt-x") && features.ept && features.x2apic &&
	    !vmx_probe(features.page1g)) {
		char v[OPTIONS_VALUE_MAX];

		if (options_get(boot_info.cmdline, "vmx.break", v, sizeof(v)) > 0)
			vmx_set_break(v);
		if (options_get(boot_info.cmdline, "vmx.poison", v, sizeof(v)) > 0 &&
		    !strcmp(v, "1"))
			vmx_set_poison();
		vm_set_backend(&vmx_vcpu_ops);
	}
}

/* vtd.omit=dma,ir: fault injection for the IOMMU self-tests' own test (the
 * option keeps VT-d's name; any IOMMU implementation takes the flags). */
static unsigned int iommu_omit_parse(const char *cl)
{
	char v[OPTIONS_VALUE_MAX];
	unsigned int omit = 0;

	if (options_get(cl, "vtd.omit", v, sizeof(v)) <= 0)
		return 0;
	for (char *p = v; *p;) {
		char *w = p;

		while (*p && *p != ',')
			p++;
		omit |= p - w == 3 && !strncmp(w, "dma", 3) ? IOMMU_OMIT_DMA : IOMMU_OMIT_IR;
		if (*p)
			p++;
	}
	return omit;
}

/* Config access (ECAM for segment 0 when MCFG has it), then enumeration. */
static void pci_init(void)
{
	const struct acpi_ecam *e = NULL;
	int n;

	for (unsigned int i = 0; i < acpi.ecam_count; i++)
		if (acpi.ecam[i].segment == 0)
			e = &acpi.ecam[i];
	if (e) {
		uint64_t first = e->base + ((uint64_t)e->bus_start << 20);

		paging_map_mmio(first, (uint64_t)(e->bus_end - e->bus_start + 1) << 20);
		pci_set_access(pci_access_ecam(e->base, 0, e->bus_start, e->bus_end));
		n = pci_scan(0, e->bus_start, e->bus_end);
	} else {
		pr_warn("pci: no MCFG entry for segment 0; using CF8/CFC (no extended space)\n");
		pci_set_access(pci_access_cf8());
		n = pci_scan(0, 0, 255);
	}
	if (n < 0)
		pr_err("pci: enumeration stopped: %s\n", err_name(n));
	pci_report();
}

static void __attribute__((noreturn)) hv_start(void);

/* Entered from boot/entry.asm after a multiboot2 loader (GRUB). */
void __attribute__((noreturn)) hv_main(uint32_t magic, uint32_t info)
{
	int err;

	console_set_port(UART_COM1);
	if (magic != MB2_BOOTLOADER_MAGIC)
		fatal("not started by a multiboot2 loader (bad magic)");

	uint32_t size = *(const uint32_t *)(uintptr_t)info;

	err = mb2_parse((const void *)(uintptr_t)info, size < MB2_INFO_MAX ? size : MB2_INFO_MAX,
			&boot_info);
	if (err)
		fatal("multiboot2: unusable boot information");
	boot_info.info_phys = info;
	hv_start();
}

/* Entered from boot/entry.asm (efi64_entry) after vfvisor.efi. */
void __attribute__((noreturn)) hv_main_efi(uint64_t magic, const struct boot_info *bi)
{
	console_set_port(UART_COM1);
	if (magic != VF_BOOT_INFO_MAGIC)
		fatal("not started by vfvisor.efi (bad magic)");
	/* Copy first: the loader's page becomes free memory. */
	memcpy(&boot_info, bi, sizeof(boot_info));
	boot_info.cmdline[sizeof(boot_info.cmdline) - 1] = '\0';
	boot_info.loader[sizeof(boot_info.loader) - 1] = '\0';
	if (boot_info.mod_count > BOOT_MODS_MAX || boot_info.rsdp_len > sizeof(boot_info.rsdp) ||
	    !boot_info.mmap.n || boot_info.mmap.n > MEMMAP_MAX)
		fatal("vfvisor.efi: inconsistent boot information");
	for (unsigned int i = 0; i < boot_info.mod_count; i++)
		boot_info.mods[i].cmdline[BOOT_MODNAME_MAX - 1] = '\0';
	hv_start();
}

static void __attribute__((noreturn)) hv_start(void)
{
	const char *cl = boot_info.cmdline;
	char test[OPTIONS_VALUE_MAX] = "";

	console_from_cmdline(cl);
	pr_info("vfvisor %s, loaded by %s, firmware %s\n", VFVISOR_VERSION,
		boot_info.loader[0] ? boot_info.loader : "an unnamed loader",
		boot_fw_name(boot_info.fw));
	pr_info("command line: %s\n", cl);
	options_check(cl);

	pic_disable();
	idt_init();
	cpu_setup(&cpus[0], 0, (uint64_t)(uintptr_t)boot_stack_top,
		  (uint64_t)(uintptr_t)(bsp_ist + sizeof(bsp_ist)),
		  (uint64_t)(uintptr_t)(bsp_nmi + sizeof(bsp_nmi)));
	cpu_count = 1;
	cpus[0].online = true;

	memory_init();
	acpi_init();
	cpu_init();
	smp_boot(&acpi, &palloc);
	pr_info("cpus online: %u\n", cpu_count);
	inventory_report(&boot_info, &palloc, &acpi, &features);

	pci_init();
	iommu_init(&acpi, &(struct iommu_setup){&palloc, features.x2apic, cpus[0].apic_id,
						iommu_omit_parse(cl)});
	/* The configuration says how many VFs the NIC is to have. */
	nic_init(cl, guests_config(&boot_info, cl));
	watchdog_nmi_start(cl, acpi.pcat_compat);

	/* a bad list (options_check() has named it) still runs the known ones */
	if (options_get(cl, "selftest", test, sizeof(test)))
		selftest_run(test, &features, &palloc);
	guests_start(&boot_info, &palloc);
	pr_info("boot complete; cpu 0 is the service cpu\n");
	service_loop();
}
