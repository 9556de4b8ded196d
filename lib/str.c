// SPDX-License-Identifier: MIT
/* Bounded string copies (used by host tests too, so no libc names here). */
#include "lib/kstring.h"

size_t str_ncopy(char *dst, const char *src, size_t n, size_t size)
{
	size_t len = 0;

	while (len < n && src[len])
		len++;
	if (size) {
		size_t c = len < size - 1 ? len : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

size_t str_copy(char *dst, const char *src, size_t size)
{
	return str_ncopy(dst, src, (size_t)-1, size);
}
