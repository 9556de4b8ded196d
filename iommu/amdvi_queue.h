/* SPDX-License-Identifier: MIT */
/*
 * The AMD-Vi driver's bookkeeping that touches no register: where commands
 * go in the command ring, how the event log is drained, and which interrupt
 * remapping index belongs to which requester's table. Pure, so unit-tested;
 * iommu/amdvi.c does the register accesses around it.
 */
#ifndef VF_AMDVI_QUEUE_H
#define VF_AMDVI_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include "iommu/amdvi_desc.h"

/*
 * Put @n commands into @ring (@entries slots) from *@tail on, wrapping, and
 * move *@tail past them. @head is the unit's read position as its register
 * gives it, in entries; it is taken modulo @entries (QEMU 10.0.2 can show
 * @entries there after the last slot). One slot always stays free, so
 * that a full ring is not taken for an empty one. -ENOSPC (nothing
 * written) if the commands do not fit.
 */
int amdvi_cmd_put(struct amdvi_cmd *ring, unsigned int entries, unsigned int head,
		  unsigned int *tail, const struct amdvi_cmd *c, unsigned int n);

/*
 * Hand every recorded event of the log @log (@entries 16-byte slots, as
 * pairs of qwords) from *@head on to @fn, zero its slot and move *@head
 * past it, wrapping; stop at the first all-zero slot (an event's code is
 * never 0), after at most @entries. The tail register is not needed:
 * QEMU 10.0.2 writes entries but never moves it. Returns the number
 * consumed; *@head is the value for the head register (in entries).
 */
unsigned int amdvi_evlog_drain(uint64_t *log, unsigned int entries, unsigned int *head,
			       void (*fn)(const uint64_t ev[2], void *ctx), void *ctx);

/*
 * Interrupt remapping indices of one unit. Each requester has its own
 * table (the DTE points at it), but an index is handed out once per unit:
 * a requester's table holds only its own indices, so a device that writes
 * another's MSI data finds an empty entry there and its interrupt is
 * dropped (the source-ID check). Indices allocated in a row are
 * consecutive.
 */
#define AMDVI_IRQ_INDICES     256 /* one 4 KiB table of 128-bit IRTEs each */
#define AMDVI_IRQ_INT_TAB_LEN 8	  /* DTE IntTabLen: 2^8 entries */
#define AMDVI_IRQ_TABLES      32  /* requesters with interrupt tables, per unit */

struct amdvi_irq_table {
	bool used;
	uint16_t rid;
	uint64_t table; /* physical address of its IRTEs (set by the caller) */
};

struct amdvi_irq_map {
	struct amdvi_irq_table table[AMDVI_IRQ_TABLES];
	int8_t owner[AMDVI_IRQ_INDICES]; /* table slot of each index, -1: free */
};

/* Everything free. */
void amdvi_irq_map_init(struct amdvi_irq_map *m);
/* The table slot of @rid, or -ENOENT. */
int amdvi_irq_table_of(const struct amdvi_irq_map *m, uint16_t rid);
/* The table slot of @rid, taking a free one when it has none (*@created
 * then says the caller must set its table up): -ENOSPC when none is free. */
int amdvi_irq_table_get(struct amdvi_irq_map *m, uint16_t rid, bool *created);
/* A free index, now @slot's: the index, or -ENOSPC. */
int amdvi_irq_index_alloc(struct amdvi_irq_map *m, int slot);
/* Give @index back; -EINVAL if it was free. */
int amdvi_irq_index_free(struct amdvi_irq_map *m, unsigned int index);

#endif
