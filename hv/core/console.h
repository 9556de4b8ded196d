/* SPDX-License-Identifier: MIT */
/* The console's settings and input (output is lib/printk.h). */
#ifndef VF_CONSOLE_H
#define VF_CONSOLE_H

#include <stdint.h>

/* Select the UART (0 = none); an absent UART leaves the console silent. */
void console_set_port(uint16_t port);
void console_set_level(int level);
/* A byte typed on the console, or -1. */
int console_getc(void);
int console_get_level(void);
/* For multi-line reports that must stay together (exception dumps). */
void console_lock_take(void);
void console_lock_release(void);
/* For reports from NMI context, where the interrupted code may hold the
 * console: take it within @us, else print over its holder (a stuck holder
 * must not silence the report). Returns a token for console_lock_return(). */
int console_lock_take_within(uint64_t us);
void console_lock_return(int token);
/* A guest's console line, as "[NAME] text" (the boot log contract). */
void console_guest_line(const char *name, const char *text);
/* Raw text, no prefix; caller holds the console lock. */
void console_puts_raw(const char *s);

#endif
