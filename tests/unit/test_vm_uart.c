// SPDX-License-Identifier: MIT
/* A guest's serial port end to end (hv/vm/vm_uart.c): the MSI the guest
 * programs through config space is checked by the MSI-X rules and each rising
 * edge of the UART's line becomes one IPI to the guest's own CPU; a message
 * naming another CPU, logical mode or a bad vector is refused (no IPI, one
 * line per reason), and neither a reset nor a stop leaves an IPI behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/vm/vm.h"
#include "fake_printk.h"

static struct vm *vm;
static unsigned int ipis, con_bytes;
static uint32_t ipi_dest;
static uint8_t ipi_vector;

void apic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	ipi_dest = apic_id;
	ipi_vector = vector;
	ipis++;
}

void vm_con_put(struct vm *v, uint8_t c)
{
	assert_ptr_equal(v, vm);
	(void)c;
	con_bytes++;
}

#define CFG(reg) ((uint64_t)VUART_PCI_DEVFN << 12 | (reg))

static void cfg_wr(unsigned int reg, unsigned int size, uint32_t val)
{
	spin_lock(&vm->io_lock);
	vbus_ecam_write(&vm->bus, CFG(reg), size, val);
	spin_unlock(&vm->io_lock);
}

static void msi(uint32_t addr, uint32_t data, bool enable)
{
	cfg_wr(0x44, 4, addr);
	cfg_wr(0x48, 2, data);
	cfg_wr(0x42, 2, enable);
}

/* A byte typed at the guest's console, RX interrupt on, then read. */
static void input(void)
{
	spin_lock(&vm->uart_lock);
	vuart_write(&vm->uart, VUART_IER, VUART_IER_RDI);
	vuart_rx_push(&vm->uart, 'x');
	vuart_read(&vm->uart, VUART_RBR);
	spin_unlock(&vm->uart_lock);
}

static int setup(void **state)
{
	(void)state;
	vm = calloc(1, sizeof(*vm));
	strcpy(vm->name, "alpha");
	vm->vcpu_count = 2;
	vm->vcpu[0].apic_id = 2;
	vm->vcpu[1].apic_id = 4;
	vbus_init(&vm->bus); /* as devices_reset() makes it */
	vm_uart_reset(vm);
	ipis = con_bytes = 0;
	printk_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(vm);
	return 0;
}

/* A guest without a VF finds the port on its bus; no MSI, no IPI. */
static void test_bus_and_no_msi(void **state)
{
	(void)state;
	assert_int_equal(vbus_ecam_read(&vm->bus, CFG(0), 4), 0x99009710);
	assert_int_equal(vbus_ecam_read(&vm->bus, 0, 4), 0x29C08086);
	input();
	assert_int_equal(ipis, 0);
	spin_lock(&vm->uart_lock);
	vuart_write(&vm->uart, VUART_THR, 'a'); /* output goes to the console */
	spin_unlock(&vm->uart_lock);
	assert_int_equal(con_bytes, 1);
}

/* Linux's message: fixed, physical, to its CPU 4, vector 0x31. Each edge is
 * one IPI there; a line that stays high sends nothing more. */
static void test_msi_delivered(void **state)
{
	(void)state;
	msi(0xFEE04000, 0x0031, true);
	input();
	assert_int_equal(ipis, 1);
	assert_int_equal(ipi_dest, 4);
	assert_int_equal(ipi_vector, 0x31);
	spin_lock(&vm->uart_lock);
	vuart_rx_push(&vm->uart, 'y');
	vuart_rx_push(&vm->uart, 'z'); /* still pending: no edge */
	spin_unlock(&vm->uart_lock);
	assert_int_equal(ipis, 2);
	assert_int_equal(vm->uart_irqs, 2);
	/* Re-targeted at CPU 2 (lowest priority goes as fixed). */
	msi(0xFEE02000, 0x0142, true);
	spin_lock(&vm->uart_lock);
	vuart_read(&vm->uart, VUART_RBR);
	vuart_read(&vm->uart, VUART_RBR);
	vuart_rx_push(&vm->uart, 'w');
	spin_unlock(&vm->uart_lock);
	assert_int_equal(ipis, 3);
	assert_int_equal(ipi_dest, 2);
	assert_int_equal(ipi_vector, 0x42);
	/* Disabled: nothing. */
	cfg_wr(0x42, 2, 0);
	input();
	assert_int_equal(ipis, 3);
	assert_false(printk_saw("refused"));
}

/* Messages that must never become an IPI: another guest's CPU, logical
 * mode, a vector below 16, a non-fixed delivery mode, not 0xFEE. One line per
 * reason in a row, not per write. */
static void test_msi_refused(void **state)
{
	static const struct {
		uint32_t addr, data;
		const char *why;
	} bad[] = {
		{0xFEE06000, 0x31, "destination not the guest's CPU"},
		{0xFEE04010, 0x31, NULL},   /* remappable format */
		{0xFEE04004, 0x31, NULL},   /* logical */
		{0xFEE04000, 0x0F, NULL},   /* vector 15 */
		{0xFEE04000, 0x0431, NULL}, /* NMI delivery mode */
		{0xFED04000, 0x31, NULL},   /* not an interrupt address */
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		printk_reset();
		msi(bad[i].addr, bad[i].data, true);
		input();
		assert_int_equal(ipis, 0);
		assert_int_equal(vm->uart_msi, 0);
		assert_true(printk_saw("guest alpha: serial port msi (address 0x"));
		assert_true(printk_saw("refused: "));
		if (bad[i].why)
			assert_true(printk_saw(bad[i].why));
		/* The same reason again: no new line. */
		printk_reset();
		cfg_wr(0x42, 2, 0);
		cfg_wr(0x42, 2, 1);
		assert_false(printk_saw("refused"));
		cfg_wr(0x42, 2, 0);
	}
	/* A good message after them works. */
	msi(0xFEE02000, 0x0031, true);
	input();
	assert_int_equal(ipis, 1);
}

/* A reset forgets the message; a stop sends nothing more. */
static void test_reset_and_stop(void **state)
{
	(void)state;
	msi(0xFEE04000, 0x0031, true);
	vbus_init(&vm->bus);
	vm_uart_reset(vm);
	assert_int_equal(vm->uart_msi, 0);
	assert_int_equal(vbus_ecam_read(&vm->bus, CFG(0x44), 4), 0);
	input();
	assert_int_equal(ipis, 0);
	msi(0xFEE04000, 0x0031, true);
	vm_uart_stop(vm);
	input();
	assert_int_equal(ipis, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bus_and_no_msi),
		T(test_msi_delivered),
		T(test_msi_refused),
		T(test_reset_and_stop),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
