// SPDX-License-Identifier: MIT
/* Log-line budgets per source (ratelimit.h): a window of a few lines, the
 * rest counted and summed up on the next line that is printed. */
#include "lib/printk.h"
#include "lib/ratelimit.h"

bool ratelimit_at(struct ratelimit *rl, uint64_t now, char *note, size_t size)
{
	int n = 0;

	if (!rl->started || now - rl->start >= RATELIMIT_WINDOW_MS) {
		rl->started = true;
		rl->start = now;
		rl->lines = 0;
	}
	if (rl->lines >= RATELIMIT_LINES) {
		rl->held++;
		return false;
	}
	rl->lines++;
	note[0] = '\0';
	if (rl->held)
		n = sfmt(note, size, " (%u more suppressed)", rl->held);
	if (rl->lines == RATELIMIT_LINES && (size_t)n < size)
		sfmt(note + n, size - (size_t)n, " (further ones for %u s only counted)",
		     RATELIMIT_WINDOW_MS / 1000);
	rl->held = 0;
	return true;
}

bool ratelimit(struct ratelimit *rl, char note[RATELIMIT_NOTE])
{
	return ratelimit_at(rl, ratelimit_clock_ms(), note, RATELIMIT_NOTE);
}
