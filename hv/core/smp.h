/* SPDX-License-Identifier: MIT */
/* Starting the other CPUs, and running work on one of them. */
#ifndef VF_SMP_H
#define VF_SMP_H

struct acpi_info;
struct palloc;

/* Start every enabled CPU the MADT lists besides the caller, one at a time;
 * returns how many CPUs are online in all (the caller included). */
unsigned int smp_boot(const struct acpi_info *ai, struct palloc *pa);
/* Have CPU @index run @fn(@arg) from its idle loop. */
void smp_run_on(unsigned int index, void (*fn)(void *), void *arg);
/* The idle loop of a CPU with nothing to run: runs handed work, else halts. */
void __attribute__((noreturn)) smp_idle(void);

#endif
