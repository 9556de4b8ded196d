// SPDX-License-Identifier: MIT
/*
 * A vCPU's end on its CPU (hv/vm/vcpu_end.c), above all after an exception
 * in the hypervisor there: the guest stops as vm_stop() stops it (reason,
 * its other vCPUs kicked), its VF is quiesced (Command cleared: no decode,
 * no DMA) and its interrupt remapping entries cleared, the report printed
 * once; a CPU that runs no vCPU is left alone; the faulting CPU may hold
 * the guest's io_lock itself and still gets through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "hv/vm/vm.h"
#include "fake_printk.h"

#define UART_CFG ((uint64_t)VUART_PCI_DEVFN << 12)

/* ---- what vcpu_end.c and exit.c link with ---- */

static uint32_t nmi_sent[8];
static unsigned int nmi_count, timer_stops, udelays;

void apic_send_nmi(uint32_t apic_id)
{
	if (nmi_count < 8)
		nmi_sent[nmi_count] = apic_id;
	nmi_count++;
}

/* The serial port's MSI (vm_uart.c): IPIs sent. */
static unsigned int ipis;

void apic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	(void)apic_id;
	(void)vector;
	ipis++;
}

void apic_timer_stop(void)
{
	timer_stops++;
}

static unsigned int reclaims;

void apic_reclaim(uint8_t spurious_vector)
{
	assert_int_equal(spurious_vector, VEC_SPURIOUS);
	reclaims++;
}

struct percpu cpus[MAX_CPUS];

uint64_t tsc_khz(void)
{
	return 1000000;
}

uint32_t apic_timer_khz(void)
{
	return 1000000;
}

void udelay(uint64_t us)
{
	udelays += (unsigned int)us;
}

void console_guest_line(const char *name, const char *text)
{
	(void)name;
	(void)text;
}

/* The PF side of the stop (hv/core/nic.c): which VFs were quiesced. */
static int nic_quiesced = -1;
static unsigned int nic_quiesces;

void nic_vf_quiesce(unsigned int n)
{
	nic_quiesced = (int)n;
	nic_quiesces++;
}

const char *idt_exception_name(uint64_t vector)
{
	return vector == 13 ? "#GP" : vector == 14 ? "#PF" : "other";
}

/* ---- the VF: its config space and MSI-X table as the hypervisor sees them */

static uint8_t cfg[256];
static uint16_t command_written;
static unsigned int command_writes, irte_sets, irte_clears, hw_masked_writes, hw_unmasked_writes;

static uint32_t vf_read(void *ctx, unsigned int reg, unsigned int size)
{
	uint32_t v = 0;

	(void)ctx;
	for (unsigned int i = 0; i < size && reg + i < sizeof(cfg); i++)
		v |= (uint32_t)cfg[reg + i] << (8 * i);
	return v;
}

static void vf_write(void *ctx, unsigned int reg, unsigned int size, uint32_t val)
{
	(void)ctx;
	if (reg == 0x04 && size == 2) {
		command_written = (uint16_t)val;
		command_writes++;
	}
}

static int bar_map(void *ctx, unsigned int bar, uint64_t gpa, uint64_t size, bool enable)
{
	(void)ctx, (void)bar, (void)gpa, (void)size, (void)enable;
	return 0;
}

static void vf_flr(void *ctx)
{
	(void)ctx;
}

static void msix_ctrl(void *ctx, bool enable, bool masked)
{
	(void)ctx, (void)enable, (void)masked;
}

static const struct vpci_ops vpci_ops = {vf_read, vf_write, bar_map, vf_flr, msix_ctrl, NULL};

static bool guest_dest(void *ctx, uint32_t guest, uint32_t *phys)
{
	(void)ctx;
	*phys = guest;
	return guest == 2 || guest == 4;
}

static int irte_set(void *ctx, unsigned int entry, uint32_t phys, uint8_t vector)
{
	(void)ctx, (void)entry, (void)phys, (void)vector;
	irte_sets++;
	return 0;
}

static void irte_clear(void *ctx, unsigned int entry)
{
	(void)ctx, (void)entry;
	irte_clears++;
}

static void msi_msg(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data)
{
	(void)ctx;
	*addr = 0xFEE00010ull | entry << 5;
	*data = 0;
}

static void hw_entry(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked)
{
	(void)ctx, (void)entry, (void)addr, (void)data;
	hw_masked_writes += masked;
	hw_unmasked_writes += !masked;
}

static uint32_t hw_pba(void *ctx, unsigned int dword)
{
	(void)ctx, (void)dword;
	return 0;
}

static const struct vmsix_ops vmsix_ops = {guest_dest, irte_set, irte_clear,
					   msi_msg,    hw_entry, hw_pba};

/* ---- a guest of two vCPUs (CPUs 2 and 3, APIC IDs 2 and 4) with its VF */

static struct vm *vm;
static struct guest_cfg gcfg = {.vf = {3}, .nvf = 1, .reset_max = 2, .reset_window_s = 60};

static int setup(void **state)
{
	struct vpci_cfg c = {.ops = &vpci_ops,
			     .vendor = 0x8086,
			     .device = 0x10ca,
			     .win_base = 0xC0000000,
			     .win_size = 0x10000000};

	(void)state;
	vm = calloc(1, sizeof(*vm));
	strcpy(vm->name, "beta");
	vm->cfg = &gcfg;
	vm->vcpu_count = 2;
	for (unsigned int i = 0; i < 2; i++) {
		vm->vcpu[i] =
			(struct vcpu){.vm = vm, .index = i, .cpu = 2 + i, .apic_id = 2 + 2 * i};
		vcpu_bind_cpu(&vm->vcpu[i]);
	}
	/* An igb VF's config space: MSI-X (3 entries, table and PBA in BAR3). */
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10; /* capability list */
	cfg[0x34] = 0x70;
	cfg[0x70] = 0x11;
	cfg[0x72] = 2;
	cfg[0x74] = 3;
	cfg[0x78] = 3;
	cfg[0x79] = 0x20;
	c.bar[0] = (struct pci_bar){.size = 0x4000};
	c.bar[3] = (struct pci_bar){.size = 0x4000};
	vbus_init(&vm->bus);
	vm_uart_reset(vm); /* the serial port's function, beside the VF */
	assert_int_equal(vpci_init(&vm->vf[0].vpci, &c), 0);
	assert_int_equal(vbus_add(&vm->bus, &vm->vf[0].vpci.fn), 0);
	assert_int_equal(vmsix_init(&vm->vf[0].msix, 3, 0, 0x2000, 0x20, &vmsix_ops, vm), 0);
	vm->vf[0].vm = vm;
	vm->vf[0].n = 3;
	vm->nvf = 1;
	/* The guest's Command: memory decode and bus mastering on. */
	vbus_ecam_write(&vm->bus, (uint64_t)vm->vf[0].vpci.fn.devfn << 12 | 0x04, 2, 0x6);
	assert_int_equal(command_written & 0x6, 0x6);
	/* Entry 0 live: to the guest's CPU with APIC ID 4, vector 0x41. */
	vmsix_ctrl(&vm->vf[0].msix, true, false);
	vmsix_write(&vm->vf[0].msix, 0, 4, 0xFEE04000);
	vmsix_write(&vm->vf[0].msix, 4, 4, 0);
	vmsix_write(&vm->vf[0].msix, 8, 4, 0x41);
	vmsix_write(&vm->vf[0].msix, 12, 4, 0);
	assert_int_equal(irte_sets, 1);
	/* The serial port's MSI: to the CPU with APIC ID 2, vector 0x33. */
	vbus_ecam_write(&vm->bus, UART_CFG + 0x44, 4, 0xFEE02000);
	vbus_ecam_write(&vm->bus, UART_CFG + 0x48, 2, 0x33);
	vbus_ecam_write(&vm->bus, UART_CFG + 0x42, 2, 1);
	assert_int_not_equal(vm->uart_msi, 0);
	nmi_count = timer_stops = udelays = irte_clears = hw_masked_writes = reclaims = ipis = 0;
	gcfg.reset_stop = false;
	memset(cpus, 0, sizeof(cpus));
	command_writes = hw_unmasked_writes = nic_quiesces = 0;
	nic_quiesced = -1;
	printk_reset();
	return 0;
}

/* The guest's RX data interrupt on: an input byte raises the line. */
static void uart_input(void)
{
	spin_lock(&vm->uart_lock);
	vuart_write(&vm->uart, VUART_IER, VUART_IER_RDI);
	vuart_rx_push(&vm->uart, 'x');
	vuart_read(&vm->uart, VUART_RBR);
	spin_unlock(&vm->uart_lock);
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 2; i++) /* the CPUs run nothing any more */
		vcpu_bind_cpu(&(struct vcpu){.cpu = 2 + i});
	irte_sets = 0;
	free(vm);
	return 0;
}

static const struct trap_frame gp = {.vector = 13, .rip = 0xffffffff81000123ull};

static unsigned int count(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = printk_log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The exception on vCPU 0's CPU: the guest stops whole. */
static void test_exception_stops_guest(void **state)
{
	(void)state;
	vcpu_exception(2, &gp);
	assert_true(vm->stopped);
	assert_ptr_equal(vm->stopper, &vm->vcpu[0]);
	assert_string_equal(vm->stop_reason,
			    "hypervisor exception 13 (#GP) at rip 0xffffffff81000123 on cpu 2");
	/* its other vCPU kicked, none else */
	assert_int_equal(nmi_count, 1);
	assert_int_equal(nmi_sent[0], 4);
	/* its VF: Command cleared, every real entry masked, the live IRTE cleared */
	assert_int_equal(command_written & 0x6, 0);
	assert_int_equal(hw_masked_writes, 3);
	assert_int_equal(irte_clears, 1);
	assert_int_equal(timer_stops, 1);
	/* and on the PF's side (its filters and enables): once */
	assert_int_equal(nic_quiesces, 1);
	assert_int_equal(nic_quiesced, 3);
	assert_true(printk_saw("guest beta: stopped: hypervisor exception 13 (#GP) at rip "
			       "0xffffffff81000123 on cpu 2\n"));
	assert_true(printk_saw("guest beta: refused: "));
	assert_int_equal(vm->io_lock.locked, 0);
	assert_int_equal(udelays, 0);

	/* Its other vCPU, kicked, ends too: no second report. */
	vcpu_finish(&vm->vcpu[1]);
	assert_int_equal(count("stopped:"), 1);
	assert_int_equal(timer_stops, 2);
	/* A second exception on the other CPU: the first reason stands. */
	vcpu_exception(3, &(struct trap_frame){.vector = 14});
	assert_int_equal(count("stopped:"), 1);
	assert_non_null(strstr(vm->stop_reason, "13 (#GP)"));
}

/* The faulting CPU held the guest's io_lock: a bounded wait, then on. */
static void test_exception_under_io_lock(void **state)
{
	(void)state;
	spin_lock(&vm->io_lock);
	vcpu_exception(3, &gp);
	assert_true(vm->stopped);
	assert_ptr_equal(vm->stopper, &vm->vcpu[1]);
	assert_int_equal(nmi_sent[0], 2);
	assert_int_equal(command_written & 0x6, 0);
	assert_int_equal(irte_clears, 1);
	assert_true(udelays >= 50000 && udelays <= 200000); /* about 100 ms */
	assert_int_equal(vm->io_lock.locked, 1);	    /* still the faulting code's */
	assert_true(printk_saw("guest beta: stopped: hypervisor exception 13 (#GP)"));
}

/* A CPU that runs no vCPU (the service CPU, say): nothing stops. */
static void test_exception_elsewhere(void **state)
{
	(void)state;
	vcpu_exception(0, &gp);
	vcpu_exception(5, &gp);
	vcpu_exception(MAX_CPUS + 3, &gp);
	assert_false(vm->stopped);
	assert_int_equal(nmi_count + irte_clears + timer_stops, 0);
	assert_int_equal(printk_log[0], '\0');
}

/* A guest stopped the ordinary way: the stopper reports, the others not. */
static void test_finish_after_stop(void **state)
{
	(void)state;
	uart_input(); /* live before the stop: one interrupt */
	assert_int_equal(ipis, 1);
	vm_stop(&vm->vcpu[1], "triple fault");
	vcpu_finish(&vm->vcpu[0]);
	assert_int_equal(count("stopped:"), 0);
	assert_int_equal(irte_clears, 0);
	vcpu_finish(&vm->vcpu[1]);
	assert_true(printk_saw("guest beta: stopped: triple fault\n"));
	assert_int_equal(irte_clears, 1);
	/* The serial port interrupts it no more. */
	assert_int_equal(vm->uart_msi, 0);
	uart_input();
	assert_int_equal(ipis, 1);
}

/* Another vCPU of the stopping guest had a config-space or MSI-X write in
 * flight: it gets io_lock after the stopper quiesced the VF, and its write
 * must not turn bus mastering, decoding or an interrupt back on. */
static void test_writes_after_stop(void **state)
{
	const uint64_t cmd = (uint64_t)vm->vf[0].vpci.fn.devfn << 12 | 0x04;
	unsigned int writes;

	(void)state;
	vm_stop(&vm->vcpu[1], "triple fault");
	vcpu_finish(&vm->vcpu[1]);
	assert_int_equal(command_written & 0x6, 0);
	assert_int_equal(irte_clears, 1);
	writes = command_writes;

	/* vCPU 0's writes, as exit.c and vm_vf.c make them: under io_lock. */
	spin_lock(&vm->io_lock);
	vbus_ecam_write(&vm->bus, cmd, 2, 0x6);
	vbus_io_write(&vm->bus, VPCI_CF8, 4,
		      VPCI_CF8_ENABLE | (uint32_t)vm->vf[0].vpci.fn.devfn << 8 | 0x04);
	vbus_io_write(&vm->bus, VPCI_CFC, 2, 0x6);
	vbus_ecam_write(&vm->bus, (uint64_t)vm->vf[0].vpci.fn.devfn << 12 | 0x72, 2, 0x8000);
	vmsix_ctrl(&vm->vf[0].msix, true, false);
	vmsix_write(&vm->vf[0].msix, 0, 4, 0xFEE02000);
	vmsix_write(&vm->vf[0].msix, 8, 4, 0x42);
	vmsix_write(&vm->vf[0].msix, 12, 4, 0);
	spin_unlock(&vm->io_lock);

	/* ... and the serial port's MSI, rewritten and enabled again. */
	spin_lock(&vm->io_lock);
	vbus_ecam_write(&vm->bus, UART_CFG + 0x44, 4, 0xFEE04000);
	vbus_ecam_write(&vm->bus, UART_CFG + 0x42, 2, 1);
	spin_unlock(&vm->io_lock);
	uart_input();
	assert_int_equal(ipis, 0);

	/* Bus mastering and decoding stay off, no IRTE is set again, no real
	 * entry is unmasked. */
	assert_int_equal(command_written & 0x6, 0);
	assert_int_equal(command_writes, writes);
	assert_int_equal(irte_sets, 1); /* the one from before the stop */
	assert_int_equal(hw_unmasked_writes, 0);
	assert_int_equal(nic_quiesces, 1);
}

/* A reset the guest asked for: its VF quiesced as for any stop, then
 * "restarting" instead of the stop report, the restart asked for. */
static void test_reset_restarts(void **state)
{
	(void)state;
	vm_stop_kind(&vm->vcpu[1], VM_STOP_RESET, "reset through port 0xcf9");
	vcpu_finish(&vm->vcpu[1]);
	assert_true(vm->restart);
	assert_true(printk_saw("guest beta: restarting (reset through port 0xcf9)\n"));
	assert_int_equal(count("stopped:"), 0);
	assert_int_equal(count("refused:"), 0); /* no counters for a restart */
	assert_int_equal(command_written & 0x6, 0);
	assert_int_equal(irte_clears, 1);
	assert_int_equal(nic_quiesces, 1);

	/* Each vCPU parks: its APIC taken back, its CPU quiet, counted. */
	vcpu_finish(&vm->vcpu[0]);
	vcpu_park(&vm->vcpu[1]);
	assert_int_equal(vm->parked, 1);
	vcpu_park(&vm->vcpu[0]);
	assert_int_equal(vm->parked, 2);
	assert_int_equal(reclaims, 2);
	assert_true(cpus[2].irq_quiet && cpus[3].irq_quiet);
	assert_false(cpus[1].irq_quiet);
	/* A parked CPU runs no vCPU: an exception there stops nothing. */
	vm->stopper = NULL;
	vm->stopped = false;
	vcpu_exception(2, &gp);
	assert_false(vm->stopped);
}

/* on_reset = stop: a reset stops the guest, and the reason says why. */
static void test_reset_on_reset_stop(void **state)
{
	(void)state;
	gcfg.reset_stop = true;
	vm_stop_kind(&vm->vcpu[0], VM_STOP_RESET, "triple fault at rip 0x1000");
	vcpu_finish(&vm->vcpu[0]);
	assert_false(vm->restart);
	assert_true(printk_saw("guest beta: stopped: triple fault at rip 0x1000 (on_reset = "
			       "stop)\n"));
	assert_true(printk_saw("guest beta: refused: "));
}

/* reset_limit 2/60: two restarts, the third reset stops the guest. */
static void test_reset_limit(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		vm->stopper = NULL;
		vm->stopped = false;
		vm->restart = false;
		printk_reset();
		vm_stop_kind(&vm->vcpu[0], VM_STOP_RESET, "reset through port 0xcf9");
		vcpu_finish(&vm->vcpu[0]);
		assert_int_equal(vm->restart, i < 2);
	}
	assert_true(printk_saw("guest beta: stopped: reset through port 0xcf9; not restarted: "
			       "more than 2 restarts in 60 s (reset_limit = 2/60)\n"));
	/* The operator's restart is not counted against it. */
	vm->stopper = NULL;
	vm->stopped = false;
	vm->restart = false;
	vm_stop_kind(&vm->vcpu[0], VM_STOP_RESTART, "restarted by the operator");
	vcpu_finish(&vm->vcpu[0]);
	assert_true(vm->restart);
	/* A plain stop never restarts. */
	vm->stopper = NULL;
	vm->stopped = false;
	vm->restart = false;
	vm_stop(&vm->vcpu[0], "powered off");
	vcpu_finish(&vm->vcpu[0]);
	assert_false(vm->restart);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exception_stops_guest), T(test_exception_under_io_lock),
		T(test_exception_elsewhere),   T(test_finish_after_stop),
		T(test_writes_after_stop),     T(test_reset_restarts),
		T(test_reset_on_reset_stop),   T(test_reset_limit),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
