/* SPDX-License-Identifier: MIT */
#ifndef VF_SERVICE_H
#define VF_SERVICE_H

/* The boot CPU's loop once start-up is done: serve the NIC's mailboxes at
 * a bounded interval (a periodic local APIC timer wakes it), else halt. */
void __attribute__((noreturn)) service_loop(void);

#endif
