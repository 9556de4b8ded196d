// SPDX-License-Identifier: MIT
/* Host printk: capture lines; echo them when VF_VERBOSE is set. The log
 * clock (lib/ratelimit.h) is a variable the tests set. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/printk.h"
#include "lib/ratelimit.h"
#include "fake_printk.h"

char printk_log[16384];
unsigned int printk_count[4];
uint64_t fake_clock_ms;

uint64_t ratelimit_clock_ms(void)
{
	return fake_clock_ms;
}

void printk_reset(void)
{
	printk_log[0] = '\0';
	memset(printk_count, 0, sizeof(printk_count));
}

bool printk_saw(const char *needle)
{
	return strstr(printk_log, needle) != NULL;
}

void printk(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t used = strlen(printk_log);

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level >= 0 && level < 4)
		printk_count[level]++;
	if (used + strlen(line) + 2 < sizeof(printk_log)) {
		strcat(printk_log, line);
		if (line[0] && line[strlen(line) - 1] != '\n')
			strcat(printk_log, "\n");
	}
	if (getenv("VF_VERBOSE"))
		fprintf(stderr, "printk[%d]: %s", level, line);
}
