/* SPDX-License-Identifier: MIT */
/*
 * Expected faults, for the self-tests that provoke one (selftest=wx,
 * stackguard): a function run through fault_catch() that takes an exception
 * is reported as any other, then abandoned: the CPU resumes after the
 * fault_catch() call, on the stack it was called on, instead of stopping.
 */
#ifndef VF_FAULT_CATCH_H
#define VF_FAULT_CATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/core/idt.h"

struct fault_caught {
	uint64_t vector, error, cr2, rip;
};

/* Run @fn(@arg) on the calling CPU. true if an exception ended it (what it
 * was in @c), false if it returned. Not nested. */
bool fault_catch(void (*fn)(void *), void *arg, struct fault_caught *c);
/* From the exception report, on the faulting CPU @cpu: if a fault_catch()
 * is under way there, record the fault, point @f at its resumption and
 * return true (the handler returns through @f); else false. */
bool fault_catch_resume(unsigned int cpu, struct trap_frame *f);

#endif
