/* SPDX-License-Identifier: MIT */
/* The boot command line: space-separated words, each "key" or "key=value". */
#ifndef VF_CMDLINE_H
#define VF_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the value of the last "key=value" for @key into @val (size @n).
 * Returns false if @key is absent (or given without a value), or the value
 * does not fit. */
bool cmdline_get(const char *cl, const char *key, char *val, size_t n);
/* True if @key appears, with or without a value. */
bool cmdline_has(const char *cl, const char *key);
/* Parse an unsigned number (decimal, or hex with 0x); false if malformed. */
bool cmdline_parse_u64(const char *s, unsigned long long *out);
/* Find the next word at or after @p: its start in @start, its length in
 * @len. Returns where to look for the one after, or NULL at the end. */
const char *cmdline_word(const char *p, const char **start, size_t *len);

#endif
