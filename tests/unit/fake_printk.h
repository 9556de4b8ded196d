/* SPDX-License-Identifier: MIT */
/* Host stand-in for the console: printk() lines are captured for assertions. */
#ifndef VF_FAKE_PRINTK_H
#define VF_FAKE_PRINTK_H

#include <stdbool.h>

/* Every line printed since the last printk_reset(), '\n'-separated. */
extern char printk_log[16384];
extern unsigned int printk_count[4]; /* per log level */

void printk_reset(void);
/* True if some line printed since the last reset contains @needle. */
bool printk_saw(const char *needle);

#endif
