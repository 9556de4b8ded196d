// SPDX-License-Identifier: MIT
/*
 * A guest's serial port end to end: the vUART (hv/platform/vuart.c) its
 * output goes to the console from, its PCI function (vuart_pci.c) on the
 * guest's bus, and its interrupt: each rising edge of the UART's line is the
 * MSI the guest programmed, sent as a fixed IPI to the guest's own CPU it
 * names. The message is checked by the VF's MSI-X rules (vmsix_msg_translate:
 * a CPU that is not the guest's is refused) when the guest writes it, and
 * kept as one word that the edge, under uart_lock on any CPU, reads whole.
 */
#include "drivers/apic/apic.h"
#include "hv/platform/vmsix.h"
#include "hv/vm/vm.h"
#include "lib/printk.h"

#define MSI_LIVE (1ull << 63)

static void uart_tx(void *ctx, uint8_t c)
{
	vm_con_put(ctx, c);
}

/* The line rose: interrupt the guest, if it asked for it. Under uart_lock,
 * on the guest's CPU (its own access) or the service CPU (input). */
static void uart_irq(void *ctx)
{
	struct vm *vm = ctx;
	uint64_t msi = __atomic_load_n(&vm->uart_msi, __ATOMIC_ACQUIRE);

	if (!(msi & MSI_LIVE))
		return;
	apic_send_ipi((uint32_t)(msi >> 8) & 0xFFFFFFFFu, (uint8_t)msi);
	__atomic_fetch_add(&vm->uart_irqs, 1, __ATOMIC_RELAXED);
}

/* The guest changed the MSI: check it, publish it, say once why not. Under
 * io_lock (a config write). */
static void msi_update(struct vm *vm)
{
	uint32_t addr, data, dest = 0;
	uint8_t vector = 0;
	enum vmsix_why why = VMSIX_MASKED;
	char note[RATELIMIT_NOTE];

	if (vuart_pci_msi(&vm->uart_pci, &addr, &data))
		why = vmsix_msg_translate(addr, 0, data, vm_guest_dest, vm, &dest, &vector);
	__atomic_store_n(&vm->uart_msi,
			 why == VMSIX_LIVE ? MSI_LIVE | (uint64_t)dest << 8 | vector : 0,
			 __ATOMIC_RELEASE);
	if (why == VMSIX_LIVE || why == VMSIX_MASKED || why == vm->uart_msi_told)
		return;
	vm->uart_msi_told = (uint8_t)why;
	if (ratelimit(&vm->uart_log, note))
		pr_warn("guest %s: serial port msi (address 0x%x data 0x%x) refused: %s; the "
			"port has no interrupt%s\n",
			vm->name, addr, data, vmsix_why_str(why), note);
}

static uint32_t fn_read32(void *ctx, unsigned int reg)
{
	struct vm *vm = ctx;

	return vuart_pci_read32(&vm->uart_pci, reg);
}

static void fn_write32(void *ctx, unsigned int reg, uint32_t val, uint32_t be)
{
	struct vm *vm = ctx;

	if (vuart_pci_write32(&vm->uart_pci, reg, val, be))
		msi_update(vm);
}

void vm_uart_reset(struct vm *vm)
{
	spin_lock(&vm->uart_lock);
	__atomic_store_n(&vm->uart_msi, 0, __ATOMIC_RELEASE);
	vuart_init(&vm->uart, uart_tx, vm);
	vuart_irq_hook(&vm->uart, uart_irq);
	spin_unlock(&vm->uart_lock);
	spin_lock(&vm->io_lock);
	vuart_pci_init(&vm->uart_pci);
	vm->uart_msi_told = VMSIX_LIVE;
	vm->uart_fn = (struct vbus_fn){VUART_PCI_DEVFN, fn_read32, fn_write32, vm};
	vbus_add(&vm->bus, &vm->uart_fn); /* a bus made afresh: it fits */
	spin_unlock(&vm->io_lock);
}

void vm_uart_stop(struct vm *vm)
{
	/* No IPI after this: an edge that follows finds no message. Not under
	 * uart_lock: a stop from an exception may hold it. An IPI already on
	 * its way lands as any device's late interrupt does (irq_quiet). */
	__atomic_store_n(&vm->uart_msi, 0, __ATOMIC_RELEASE);
}
