/* SPDX-License-Identifier: MIT */
/*
 * Console output. Every line goes out as "vfvisor: [level: ]text"; lines at or
 * below the current log level are printed, the rest dropped. printk itself is
 * provided per environment: the hypervisor sends it to the UART, host unit
 * tests to a capture buffer (tests/unit/fake_printk.c).
 */
#ifndef VF_PRINTK_H
#define VF_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

__attribute__((format(printf, 2, 3))) void printk(int level, const char *fmt, ...);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Freestanding formatter: %d %i %u %x %X %p %s %c %%, flags '-' '0', width,
 * precision for %s, length modifiers hh h l ll z. Returns the length the
 * full output would have, like C's vsnprintf. */
int vfmt(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int sfmt(char *buf, size_t size, const char *fmt, ...);

#endif
