// SPDX-License-Identifier: MIT
/*
 * The AMD-Vi command ring's positions, the event log's draining and the
 * interrupt remapping index allocator (amdvi_queue.h): no register access.
 */
#include "iommu/amdvi_queue.h"
#include "lib/err.h"

int amdvi_cmd_put(struct amdvi_cmd *ring, unsigned int entries, unsigned int head,
		  unsigned int *tail, const struct amdvi_cmd *c, unsigned int n)
{
	unsigned int used, t = *tail;

	if (!entries || t >= entries)
		return -EINVAL;
	head %= entries;
	used = (t + entries - head) % entries;
	if (n > entries - 1 - used)
		return -ENOSPC;
	for (unsigned int i = 0; i < n; i++) {
		ring[t] = c[i];
		t = (t + 1) % entries;
	}
	*tail = t;
	return 0;
}

unsigned int amdvi_evlog_drain(uint64_t *log, unsigned int entries, unsigned int *head,
			       void (*fn)(const uint64_t ev[2], void *ctx), void *ctx)
{
	unsigned int n = 0, h = *head % (entries ? entries : 1);

	while (n < entries) {
		uint64_t *e = &log[2 * h];
		uint64_t ev[2];

		ev[0] = __atomic_load_n(&e[0], __ATOMIC_ACQUIRE);
		ev[1] = __atomic_load_n(&e[1], __ATOMIC_RELAXED);
		if (!ev[0] && !ev[1])
			break;
		/* Zeroed before it is handed on: a slot the unit writes again
		 * later is a new event, not this one seen twice. */
		e[0] = 0;
		e[1] = 0;
		fn(ev, ctx);
		h = (h + 1) % entries;
		n++;
	}
	*head = h;
	return n;
}

void amdvi_irq_map_init(struct amdvi_irq_map *m)
{
	for (unsigned int i = 0; i < AMDVI_IRQ_TABLES; i++)
		m->table[i] = (struct amdvi_irq_table){0};
	for (unsigned int i = 0; i < AMDVI_IRQ_INDICES; i++)
		m->owner[i] = -1;
}

int amdvi_irq_table_of(const struct amdvi_irq_map *m, uint16_t rid)
{
	for (int i = 0; i < AMDVI_IRQ_TABLES; i++)
		if (m->table[i].used && m->table[i].rid == rid)
			return i;
	return -ENOENT;
}

int amdvi_irq_table_get(struct amdvi_irq_map *m, uint16_t rid, bool *created)
{
	int i = amdvi_irq_table_of(m, rid);

	*created = false;
	if (i >= 0)
		return i;
	for (i = 0; i < AMDVI_IRQ_TABLES; i++) {
		if (m->table[i].used)
			continue;
		m->table[i] = (struct amdvi_irq_table){.used = true, .rid = rid};
		*created = true;
		return i;
	}
	return -ENOSPC;
}

int amdvi_irq_index_alloc(struct amdvi_irq_map *m, int slot)
{
	if (slot < 0 || slot >= AMDVI_IRQ_TABLES || !m->table[slot].used)
		return -EINVAL;
	for (int i = 0; i < AMDVI_IRQ_INDICES; i++) {
		if (m->owner[i] >= 0)
			continue;
		m->owner[i] = (int8_t)slot;
		return i;
	}
	return -ENOSPC;
}

int amdvi_irq_index_free(struct amdvi_irq_map *m, unsigned int index)
{
	if (index >= AMDVI_IRQ_INDICES || m->owner[index] < 0)
		return -EINVAL;
	m->owner[index] = -1;
	return 0;
}
