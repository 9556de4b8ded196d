/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own faults in words: a stack overflow into a guard page,
 * a write to its read-only image, an execute of non-executable memory, an
 * access to unmapped memory. Pure: the exception report gathers the facts.
 */
#ifndef VF_FAULT_H
#define VF_FAULT_H

#include <stddef.h>
#include <stdint.h>
#include "hv/core/idt.h"
#include "hv/core/stackguard.h"

#define VEC_DF 8
#define VEC_PF 14

/* The #PF error code. */
#define PF_P	(1u << 0) /* a protection violation (else: not present) */
#define PF_W	(1u << 1) /* a write */
#define PF_U	(1u << 2) /* from user mode */
#define PF_RSVD (1u << 3) /* a reserved bit set in an entry */
#define PF_I	(1u << 4) /* an instruction fetch */

/* What the host map holds around the fault address. */
struct fault_map {
	uint64_t text, rodata, data;	/* the image: text [text, rodata), rodata [rodata, data) */
	const struct stackguard *guard; /* the guard page the address is in, or NULL */
};

/* One line (no newline) into @buf saying what exception @vector with
 * @error and CR2 @cr2 was, for a #PF or a #DF (which a #PF that could not
 * push its frame becomes: the stack ran into its guard); an empty line for
 * other exceptions, or where it says nothing more than the vector. Returns
 * its length. */
size_t fault_explain(char *buf, size_t len, uint64_t vector, uint64_t error, uint64_t cr2,
		     const struct fault_map *m);
/* The exception report's line for @f on @cpu (the live map's facts), if
 * fault_explain() has one. */
void fault_report(unsigned int cpu, const struct trap_frame *f);

#endif
