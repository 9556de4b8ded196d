// SPDX-License-Identifier: MIT
/* The service CPU: the mailbox first, then the IOMMU's faults (polled too:
 * interrupts are taken only while it waits, and an AMD-Vi unit without MSI
 * has none), then the guests' consoles, a bounded amount per pass. Each
 * step is told to the NMI watchdog, which names it if the loop stalls. */
#include "drivers/apic/apic.h"
#include "hv/core/console.h"
#include "hv/vm/guests.h"
#include "hv/core/idt.h"
#include "hv/core/nic.h"
#include <stddef.h>
#include "hv/core/service.h"
#include "hv/core/watchdog_nmi.h"
#include "iommu/iommu.h"
#include "lib/x86.h"

#define SERVICE_PERIOD_US 2000 /* igbvf waits up to ~1 s per message */

static void service_tick(struct trap_frame *f)
{
	(void)f;
	apic_eoi();
}

void service_loop(void)
{
	idt_set_handler(VEC_SERVICE_TIMER, service_tick);
	apic_timer_periodic(VEC_SERVICE_TIMER, SERVICE_PERIOD_US);
	watchdog_nmi_watch(true);
	for (;;) {
		int c;

		service_progress("nic mailbox", NULL);
		nic_poll();
		service_progress("iommu faults", NULL);
		iommu_fault_poll();
		guests_poll(); /* its own steps: each guest's console */
		service_progress("console input", NULL);
		while ((c = console_getc()) >= 0)
			guests_input((uint8_t)c);
		service_progress("idle", NULL);
		cpu_idle();
	}
}
