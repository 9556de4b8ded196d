// SPDX-License-Identifier: MIT
/*
 * The restart-storm limit (reset_log.h).
 */
#include "hv/vm/reset_log.h"

bool reset_log_allow(struct reset_log *l, uint64_t now, uint64_t window, unsigned int max)
{
	unsigned int recent = 0;

	if (max > CONFIG_RESETS_MAX)
		max = CONFIG_RESETS_MAX;
	for (unsigned int i = 0; i < l->count; i++)
		if (now - l->at[i] < window)
			recent++;
	if (recent >= max)
		return false;
	l->at[l->next] = now;
	l->next = (l->next + 1) % CONFIG_RESETS_MAX;
	if (l->count < CONFIG_RESETS_MAX)
		l->count++;
	return true;
}

void reset_log_clear(struct reset_log *l)
{
	l->next = l->count = 0;
}
