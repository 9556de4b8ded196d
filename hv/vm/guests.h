/* SPDX-License-Identifier: MIT */
/* From configuration to running guests; the service CPU's poll and input. */
#ifndef VF_GUESTS_H
#define VF_GUESTS_H

#include <stdint.h>

struct boot_info;
struct palloc;

/* Read and check the configuration (config=NAME, "vfvisor.conf", or the
 * built-in default when a "vmlinuz" module is present), build every guest,
 * then start them on their CPUs. An error starts none. */
int guests_start(const struct boot_info *bi, struct palloc *pa, const char *cmdline);
/* Service CPU: print the guests' console output. */
void guests_poll(void);
/* Service CPU: a byte typed on the serial console: to the guest in focus,
 * or, after Ctrl-], to the hypervisor (a guest, counters, the command line). */
void guests_input(uint8_t c);

#endif
