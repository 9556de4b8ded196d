/* SPDX-License-Identifier: MIT */
/* From configuration to running guests; the service CPU's poll and input. */
#ifndef VF_GUESTS_H
#define VF_GUESTS_H

#include <stdint.h>

struct boot_info;
struct palloc;

/* Read the configuration (config=NAME, "vfvisor.conf", or the built-in
 * default when a "vmlinuz" module is present), before the NIC is brought
 * up: returns the VFs it asks for ([nic] vfs, else its highest guest vf +
 * 1), 0 when there is none or it is refused (said, with every error). */
unsigned int guests_config(const struct boot_info *bi, const char *cmdline);
/* Check what guests_config() read against the machine, build every guest,
 * then start them on their CPUs. An error starts none. */
int guests_start(const struct boot_info *bi, struct palloc *pa);
/* Service CPU: print the guests' console output. */
void guests_poll(void);
/* Service CPU: a byte typed on the serial console: to the guest in focus,
 * or, after Ctrl-], to the hypervisor (a guest, counters, the command line). */
void guests_input(uint8_t c);

#endif
