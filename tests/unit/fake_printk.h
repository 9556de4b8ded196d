/* SPDX-License-Identifier: MIT */
/* Host stand-in for the console: printk() lines are captured for assertions. */
#ifndef VF_FAKE_PRINTK_H
#define VF_FAKE_PRINTK_H

#include <stdbool.h>
#include <stdint.h>

/* Every line printed since the last printk_reset(), '\n'-separated. */
extern char printk_log[16384];
extern unsigned int printk_count[4]; /* per log level */
/* What ratelimit_clock_ms() answers (ms); the tests move it. */
extern uint64_t fake_clock_ms;

void printk_reset(void);
/* True if some line printed since the last reset contains @needle. */
bool printk_saw(const char *needle);

#endif
