/* SPDX-License-Identifier: MIT */
/*
 * The few C library string functions the hypervisor uses. The hypervisor has
 * its own (lib/libc.c); host unit tests use the C library's.
 */
#ifndef VF_KSTRING_H
#define VF_KSTRING_H

#include <stddef.h>

#ifdef HOST_TEST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

/* Copy @src into @dst of @size bytes, always NUL-terminated when size > 0;
 * returns strlen(src), so a result >= size means it was cut. */
size_t str_copy(char *dst, const char *src, size_t size);
/* Like str_copy, but @src is at most @n bytes long (need not be terminated). */
size_t str_ncopy(char *dst, const char *src, size_t n, size_t size);

#endif
