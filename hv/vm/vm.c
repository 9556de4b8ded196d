// SPDX-License-Identifier: MIT
/*
 * Building a guest: its RAM carved from host memory and mapped by nested
 * paging with large pages, the Linux image and initrd loaded per the boot
 * protocol, vACPI written, and one vCPU per configured CPU set to enter at
 * the kernel's 64-bit entry. Then each vCPU is started on its own CPU.
 *
 * Guest-physical layout (besides what linux_boot.h places):
 *   0x6000           boot GDT (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18)
 *   0x8000-0xDFFF    boot page tables: identity, 2 MiB pages, first 4 GiB
 *   0xA0000-0xFFFFF  reserved in the e820; the vACPI tables at 0xE0000, the
 *                    reset vector's code at 0xFFFF0 (hv/platform/vreset.h)
 *   0xC0000000       the PCI memory window the DSDT declares (256 MiB)
 *   0xE0000000       the virtual ECAM (bus 0: the guest's VF at 00:01.0, if any,
 *                    and its serial port at 00:1f.0)
 *   0x100000000      RAM past the first 3 GiB (up to the PCI window), if any
 */
#include "drivers/apic/apic.h"
#include "boot/boot_info.h"
#include "hv/core/cpu.h"
#include "lib/err.h"
#include "hv/core/idt.h"
#include "lib/kstring.h"
#include "hv/platform/linux_boot.h"
#include "hv/core/palloc.h"
#include "lib/printk.h"
#include "hv/core/smp.h"
#include "drivers/timer/tsc.h"
#include "hv/platform/vacpi.h"
#include "hv/vm/vcpu.h"
#include "hv/vm/vm.h"
#include "lib/x86.h"

#define GDT_GPA	      0x6000ull
#define PML4_GPA      0x8000ull
#define PDPT_GPA      0x9000ull
#define PD_GPA	      0xA000ull /* four of them: 0xA000-0xDFFF */
#define LOW_RAM_END   0xA0000ull
#define VACPI_GPA     0xE0000ull
#define VACPI_MAX     0x10000ull
#define MMIO_WIN_GPA  VM_PCI_WIN_GPA
#define MMIO_WIN_SIZE VM_PCI_WIN_SIZE
#define ECAM_GPA      VM_ECAM_GPA

_Static_assert(VACPI_GPA + VACPI_MAX <= VRESET_VECTOR_GPA, "vACPI ends below the reset vector");

#define BOOT_CS 0x10
#define BOOT_DS 0x18

struct vm vms[VM_MAX];
unsigned int vm_count;
int64_t vm_clock_unix;
uint64_t vm_clock_tsc;

bool vm_guest_dest(void *ctx, uint32_t guest_apic_id, uint32_t *phys)
{
	const struct vm *vm = ctx;

	/* APIC IDs are real: the guest names its CPUs as they are. */
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpu[i].apic_id == guest_apic_id) {
			*phys = guest_apic_id;
			return true;
		}
	}
	return false;
}

/* The virtual ECAM: the guest's bus (vpci.c). */
static uint64_t ecam_read(struct vm *vm, uint64_t gpa, unsigned int size)
{
	uint64_t v = ~0ull;

	if (size <= 4) {
		spin_lock(&vm->io_lock);
		v = vbus_ecam_read(&vm->bus, gpa - ECAM_GPA, size);
		spin_unlock(&vm->io_lock);
	}
	return v;
}

static void ecam_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val)
{
	if (size <= 4) {
		spin_lock(&vm->io_lock);
		vbus_ecam_write(&vm->bus, gpa - ECAM_GPA, size, (uint32_t)val);
		spin_unlock(&vm->io_lock);
	}
}

/* The boot GDT and identity page tables the 64-bit entry needs. */
static void boot_tables(uint8_t *ram, uint64_t ram_size)
{
	uint64_t *gdt = (uint64_t *)(ram + GDT_GPA);
	uint64_t *pml4 = (uint64_t *)(ram + PML4_GPA), *pdpt = (uint64_t *)(ram + PDPT_GPA);
	uint64_t span = ram_size < (4ull << 30) ? ram_size : (4ull << 30);

	gdt[BOOT_CS / 8] = 0x00AF9B000000FFFFull; /* 64-bit code, present, DPL 0 */
	gdt[BOOT_DS / 8] = 0x00CF93000000FFFFull; /* flat data, read/write */
	pml4[0] = PDPT_GPA | 3;
	for (unsigned int i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + i * 0x1000) | 3;
	for (uint64_t a = 0; a < span; a += 2ull << 20) {
		uint64_t *pd = (uint64_t *)(ram + PD_GPA);

		pd[a >> 21] = a | 0x83; /* present, writable, 2 MiB */
	}
}

static int vm_load_linux(struct vm *vm, const struct boot_info *bi, struct linux_entry *ent)
{
	const struct guest_cfg *g = vm->cfg;
	const struct boot_module *km = boot_module_find(bi, g->kernel), *im = NULL;
	uint32_t ids[VM_MAX_VCPUS];
	/* One per guest: two may restart at once, each on its own CPU. */
	static char cmdlines[VM_MAX][sizeof(g->cmdline) + 64];
	char *cmdline = cmdlines[vm->index % VM_MAX];
	struct linux_image img;
	struct linux_guest lg;
	int err, n;

	if (!km) {
		pr_err("guest %s: kernel module '%s' not found\n", vm->name, g->kernel);
		return -ENOENT;
	}
	if (g->initrd[0] && !(im = boot_module_find(bi, g->initrd))) {
		pr_err("guest %s: initrd module '%s' not found\n", vm->name, g->initrd);
		return -ENOENT;
	}
	err = linux_image_parse((const void *)(uintptr_t)km->start, km->end - km->start, &img);
	if (err) {
		pr_err("guest %s: '%s' is not a usable bzImage\n", vm->name, g->kernel);
		return err;
	}

	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		ids[i] = vm->vcpu[i].apic_id;
	struct vacpi_cfg ac = {
		.base_gpa = VACPI_GPA,
		.cpu_count = vm->vcpu_count,
		.apic_ids = ids,
		.ecam_gpa = ECAM_GPA,
		.bus_first = 0,
		.bus_last = 0,
		.mmio_gpa = MMIO_WIN_GPA,
		.mmio_size = MMIO_WIN_SIZE,
	};
	/* The loader places the kernel and initrd in the first piece. */
	uint8_t *ram = (uint8_t *)(uintptr_t)vm->ram.p[0].hpa;

	n = vacpi_build(&ac, ram + VACPI_GPA, VACPI_MAX);
	if (n < 0) {
		pr_err("guest %s: building its ACPI tables failed: %s\n", vm->name, err_name(n));
		return n;
	}

	/* What the platform needs said on the command line: the TSC rate, so
	 * that Linux need not measure it (it still times the CPU against the
	 * PIT's channel 2 once, which vpit.c answers from the TSC), and that
	 * there is no IO-APIC, which also keeps Linux from turning the x2APIC
	 * off for want of interrupt remapping (enable_IR_x2apic()); and that the
	 * TSC is to be trusted: the guest has its CPU to itself, and the only
	 * clocks to check it against (jiffies) run from the same timer. */
	sfmt(cmdline, sizeof(cmdlines[0]), "%s noapic tsc_early_khz=%llu tsc=reliable", g->cmdline,
	     (unsigned long long)tsc_khz());
	memset(&lg, 0, sizeof(lg));
	lg.ram = ram;
	lg.ram_size = vm->ram.p[0].len;
	lg.cmdline = cmdline;
	lg.initrd = im ? (const void *)(uintptr_t)im->start : NULL;
	lg.initrd_len = im ? im->end - im->start : 0;
	lg.acpi_rsdp = VACPI_GPA;
	lg.e820[0].base = 0, lg.e820[0].len = LOW_RAM_END, lg.e820[0].type = 1;
	lg.e820[1].base = LOW_RAM_END, lg.e820[1].len = 0x100000 - LOW_RAM_END;
	lg.e820[1].type = 2;
	lg.e820[2].base = 0x100000, lg.e820[2].len = vm->ram_size - 0x100000;
	lg.e820[2].type = 1;
	lg.e820_count = 3;
	if (vm->ram_high_size) {
		lg.e820[3].base = VM_HIGH_GPA, lg.e820[3].len = vm->ram_high_size;
		lg.e820[3].type = 1;
		lg.e820_count = 4;
	}
	err = linux_load(&img, (const void *)(uintptr_t)km->start, &lg, ent);
	if (err)
		pr_err("guest %s: loading '%s' failed: %s\n", vm->name, g->kernel, err_name(err));
	return err;
}

/* The state the first vCPU enters the kernel in (the 64-bit entry). */
static void boot_state(struct vcpu_boot_state *st, const struct linux_entry *ent)
{
	struct vcpu_boot b = {
		.rip = ent->rip,
		.rsi = ent->rsi,
		.cr0 = 0x80010033, /* PG, WP, NE, ET, MP, PE */
		.cr3 = PML4_GPA,
		.cr4 = 0x20, /* PAE */
		.efer = EFER_LME | EFER_LMA,
		.gdt_base = GDT_GPA,
		.gdt_limit = BOOT_DS + 7,
		.cs = BOOT_CS,
		.ds = BOOT_DS,
	};

	vcpu_state_linux(st, &b);
}

/* Its RAM as at power-on, with the kernel, initrd and vACPI in it. */
static int load_ram(struct vm *vm, struct linux_entry *ent)
{
	/* Nothing of the hypervisor's, of an earlier guest or of its own last
	 * run shows through. */
	uint8_t *low = (uint8_t *)(uintptr_t)vm->ram.p[0].hpa;

	for (unsigned int i = 0; i < vm->ram.n; i++)
		memset((void *)(uintptr_t)vm->ram.p[i].hpa, 0, vm->ram.p[i].len);
	/* In the first piece (2 MiB at least): the boot GDT and tables, vACPI,
	 * the reset vector's code. */
	boot_tables(low, vm->ram.p[0].len);
	memcpy(low + VRESET_VECTOR_GPA, vreset_vector, sizeof(vreset_vector));
	return vm_load_linux(vm, vm->bi, ent);
}

/* Its emulated devices as at power-on. */
static void devices_reset(struct vm *vm)
{
	spin_lock(&vm->io_lock);
	vbus_init(&vm->bus); /* the VF's function comes back with vm_vf_reset */
	spin_unlock(&vm->io_lock);
	vm_uart_reset(vm);
	spin_lock(&vm->io_lock);
	vrtc_init(&vm->rtc, vm_clock_unix, vm_clock_tsc, tsc_khz() * 1000);
	vpit_init(&vm->pit, tsc_khz() * 1000);
	vm->reset = (struct vreset){0};
	spin_unlock(&vm->io_lock);
}

int vm_create(struct vm *vm, const struct guest_cfg *g, const struct boot_info *bi,
	      struct palloc *pa)
{
	const struct vcpu_ops *ops = vm_backend();
	struct linux_entry ent;
	int err;

	memset(vm, 0, sizeof(*vm));
	str_copy(vm->name, g->name, sizeof(vm->name));
	vm->cfg = g;
	vm->bi = bi;
	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++) {
		if (!(g->cpus & (1ull << c)))
			continue;
		if (vm->vcpu_count == VM_MAX_VCPUS) {
			pr_err("guest %s: more than %u cpus\n", vm->name, VM_MAX_VCPUS);
			return -EINVAL;
		}
		struct vcpu *v = &vm->vcpu[vm->vcpu_count];

		v->vm = vm;
		v->index = vm->vcpu_count++;
		/* The first CPU boots the kernel; the others wait for its INIT/SIPI. */
		v->state = v->index ? VCPU_WAIT_INIT : VCPU_RUNNING;
		v->cpu = c;
		v->apic_id = cpus[c].apic_id;
		v->mtrr_def = 0x806; /* MTRRs on, default write-back */
	}

	/* RAM from 0 up to the PCI window, the rest from 4 GiB, in as few pieces
	 * of host memory as the host's free memory allows. */
	vm->ram_size = g->memory < VM_LOW_RAM_MAX ? g->memory : VM_LOW_RAM_MAX;
	vm->ram_high_size = g->memory - vm->ram_size;
	err = vm_ram_carve(&vm->ram, pa, 0, vm->ram_size);
	if (!err && vm->ram_high_size)
		err = vm_ram_carve(&vm->ram, pa, VM_HIGH_GPA, vm->ram_high_size);
	if (err) {
		pr_err("guest %s: no %llu MiB of host memory for it in at most %u pieces (%s)\n",
		       vm->name, (unsigned long long)(g->memory >> 20), VM_RAM_PIECES,
		       err_name(err));
		vm_ram_free(&vm->ram, pa);
		return err;
	}
	err = load_ram(vm, &ent);
	if (err)
		goto fail;

	err = ops->vm_init(vm, pa);
	for (unsigned int i = 0; i < vm->ram.n && !err; i++)
		err = ops->map(vm, vm->ram.p[i].gpa, vm->ram.p[i].hpa, vm->ram.p[i].len, false);
	if (err) {
		pr_err("guest %s: its memory map (%s): %s\n", vm->name, ops->name, err_name(err));
		goto fail;
	}
	vm->mmio[vm->mmio_count++] =
		(struct mmio_region){ECAM_GPA, 1ull << 20, "ecam", ecam_read, ecam_write};
	devices_reset(vm);

	struct vcpu_boot_state st;

	boot_state(&st, &ent);
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpu[i];

		if ((err = ops->cpu_prepare(v->cpu, pa)) || (err = vcpu_create(v, ops, &st, pa))) {
			pr_err("guest %s: vcpu %u on cpu %u: %s\n", vm->name, i, v->cpu,
			       err_name(err));
			goto fail;
		}
	}
	/* More than one piece: each (at most VM_RAM_PIECES lines, at boot). */
	for (unsigned int i = 0; vm->ram.n > 1 && i < vm->ram.n; i++)
		pr_info("guest %s: ram 0x%llx-0x%llx (%llu MiB) at host 0x%llx\n", vm->name,
			(unsigned long long)vm->ram.p[i].gpa,
			(unsigned long long)(vm->ram.p[i].gpa + vm->ram.p[i].len - 1),
			(unsigned long long)(vm->ram.p[i].len >> 20),
			(unsigned long long)vm->ram.p[i].hpa);
	if (vm->ram.n > 1)
		pr_info("guest %s: %llu MiB in %u pieces (above), kernel '%s' at 0x%llx, initrd "
			"'%s'\n",
			vm->name, (unsigned long long)(vm_ram_total(vm) >> 20), vm->ram.n,
			g->kernel, (unsigned long long)ent.kernel_gpa,
			g->initrd[0] ? g->initrd : "(none)");
	else
		pr_info("guest %s: %llu MiB at host 0x%llx, kernel '%s' at 0x%llx, initrd '%s'\n",
			vm->name, (unsigned long long)(vm->ram_size >> 20),
			(unsigned long long)vm->ram.p[0].hpa, g->kernel,
			(unsigned long long)ent.kernel_gpa, g->initrd[0] ? g->initrd : "(none)");
	return 0;
fail:
	/* Tables and VMCBs already taken stay allocated (a few pages); the
	 * RAM goes back. */
	vm_ram_free(&vm->ram, pa);
	return err;
}

int vm_rebuild(struct vm *vm)
{
	const struct vcpu_ops *ops = vm_backend();
	struct vcpu_boot_state st;
	struct linux_entry ent;
	int err;

	err = load_ram(vm, &ent);
	if (err)
		return err;
	devices_reset(vm);
	vm->refused_io = vm->refused_msr = vm->refused_mmio = 0;
	boot_state(&st, &ent);
	for (unsigned int i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpu[i];

		memset(v->exits, 0, sizeof(v->exits));
		memset(v->mtrr, 0, sizeof(v->mtrr));
		v->mtrr_def = 0x806;
		v->nmi_pending = false;
		v->flush_tlb = true; /* its RAM holds new contents */
		v->sipi_vector = 0;
		v->state = i ? VCPU_WAIT_INIT : VCPU_RUNNING;
	}
	/* On this CPU, the first vCPU's own (VT-x writes its VMCS here); the
	 * others get their state at the guest's start-up IPI, on theirs. */
	vcpu_reset(&vm->vcpu[0], ops, &st);
	return 0;
}

/* An AP waits on its CPU for the guest to start it (or to stop). */
static bool vcpu_wait_start(struct vcpu *v)
{
	while (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_STARTING) {
		if (__atomic_load_n(&v->vm->stopped, __ATOMIC_ACQUIRE))
			return false;
		cpu_relax();
	}
	struct vcpu_boot_state st;

	vcpu_state_sipi(&st, v->sipi_vector);
	vcpu_reset(v, vm_backend(), &st);
	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	pr_info("guest %s: vcpu %u started on cpu %u at 0x%x\n", v->vm->name, v->index, v->cpu,
		(unsigned int)v->sipi_vector << 12);
	return true;
}

/* On the guest's CPU: run it until it stops, then park the vCPU: the CPU
 * goes back to its idle loop, where a restart finds it. */
static void vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	const struct vcpu_ops *ops = vm_backend();
	int err;

	irq_disable(); /* interrupts that arrive between exits wait for the guest */
	vcpu_bind_cpu(v);
	err = ops->cpu_enable(v->cpu);
	if (err) {
		vm_stop(v, "cpu %u could not enter %s: %s", v->cpu, ops->name, err_name(err));
	} else {
		if (!v->index)
			pr_info("guest %s: running on cpu %u\n", vm->name, v->cpu);
		if (v->state == VCPU_RUNNING || vcpu_wait_start(v))
			vcpu_loop(v);
	}
	vcpu_finish(v);
	vcpu_park(v);
}

/* A kick (vm_stop) that finds its CPU in the hypervisor: nothing to do, the
 * vCPU loop sees the guest stopped. */
static void nmi_kick(struct trap_frame *f)
{
	(void)f;
}

void vm_start(struct vm *vm)
{
	idt_add_nmi_handler(nmi_kick);
	idt_set_exception_hook(vcpu_exception);
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		smp_run_on(vm->vcpu[i].cpu, vcpu_main, &vm->vcpu[i]);
}
