// SPDX-License-Identifier: MIT
/* Faulting sources, their counts and log budgets (fault_log.h). */
#include "iommu/fault_log.h"
#include "lib/printk.h"

static struct fault_source *source_of(struct fault_log *fl, uint16_t seg, uint16_t rid,
				      uint8_t kind)
{
	for (unsigned int i = 0; i < FAULT_LOG_SOURCES; i++) {
		struct fault_source *s = &fl->src[i];

		if (s->count && s->seg == seg && s->rid == rid && s->kind == kind)
			return s;
		if (!s->count) {
			*s = (struct fault_source){.seg = seg, .rid = rid, .kind = kind};
			return s;
		}
	}
	return NULL;
}

bool fault_log_count(struct fault_log *fl, uint16_t seg, uint16_t rid, uint8_t kind)
{
	struct fault_source *s = source_of(fl, seg, rid, kind);
	char note[RATELIMIT_NOTE];
	unsigned int n;

	if (!s) {
		if (!fl->lost++)
			pr_warn("iommu: too many faulting sources; counting only\n");
		return false;
	}
	n = ++s->count;
	if (n == 1)
		return true;
	/* Sparse in the count, and few per window however fast it runs. */
	if ((n == 10 || n == 100 || n == 1000 || n % 10000 == 0) && ratelimit(&s->log, note))
		pr_warn("iommu: %u faults from %04x:%02x:%02x.%u so far%s\n", n, seg, rid >> 8,
			(rid >> 3) & 0x1F, rid & 7, note);
	return false;
}

unsigned int fault_log_total(const struct fault_log *fl, uint16_t seg, uint16_t rid)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAULT_LOG_SOURCES; i++)
		if (fl->src[i].count && fl->src[i].seg == seg && fl->src[i].rid == rid)
			n += fl->src[i].count;
	return n;
}
