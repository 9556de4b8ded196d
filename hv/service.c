// SPDX-License-Identifier: MIT
/* The service CPU. */
#include "apic.h"
#include "console.h"
#include "guests.h"
#include "idt.h"
#include "nic.h"
#include "service.h"
#include "x86.h"

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
	for (;;) {
		int c;

		nic_poll();
		guests_poll();
		while ((c = console_getc()) >= 0)
			guests_input((uint8_t)c);
		cpu_idle();
	}
}
