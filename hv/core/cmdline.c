// SPDX-License-Identifier: MIT
/* Boot command line parsing; pure, so it is unit-tested on the host. */
#include "hv/core/cmdline.h"
#include "lib/kstring.h"

const char *cmdline_word(const char *p, const char **start, size_t *len)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	*start = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*len = (size_t)(p - *start);
	return p;
}

static size_t key_len(const char *w, size_t len)
{
	size_t k = 0;

	while (k < len && w[k] != '=')
		k++;
	return k;
}

static bool key_is(const char *w, size_t len, const char *key)
{
	size_t k = key_len(w, len);

	return k == strlen(key) && !strncmp(w, key, k);
}

bool cmdline_get(const char *cl, const char *key, char *val, size_t n)
{
	const char *w, *found = NULL;
	size_t len, flen = 0;

	for (const char *p = cl; p && (p = cmdline_word(p, &w, &len));)
		if (key_is(w, len, key) && key_len(w, len) < len) {
			found = w;
			flen = len;
		}
	if (!found)
		return false;
	size_t k = key_len(found, flen) + 1;

	if (flen - k >= n)
		return false;
	str_ncopy(val, found + k, flen - k, n);
	return true;
}

bool cmdline_has(const char *cl, const char *key)
{
	const char *w;
	size_t len;

	for (const char *p = cl; p && (p = cmdline_word(p, &w, &len));)
		if (key_is(w, len, key))
			return true;
	return false;
}

bool cmdline_parse_u64(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (v > (~0ull - d) / base)
			return false; /* overflow */
		v = v * base + d;
	}
	*out = v;
	return true;
}
