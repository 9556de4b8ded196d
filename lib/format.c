// SPDX-License-Identifier: MIT
/* vfmt(): a small vsnprintf for a freestanding image (no floating point). */
#include <stdbool.h>
#include <stdint.h>
#include "lib/printk.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned int base, bool upper,
		       int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (zero && !left) {
			put(o, '-');
			width--;
		} else {
			tmp[n++] = '-';
		}
	}
	/* tmp holds the digits in reverse */
	char fwd[24];

	for (int i = 0; i < n; i++)
		fwd[i] = tmp[n - 1 - i];
	put_padded(o, fwd, (size_t)n, width, left, zero && !left ? '0' : ' ');
}

int vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng = lng < 2 ? lng + 1 : 2;
			else if (*fmt == 'z')
				lng = 1; /* size_t is unsigned long here */
			else if (*fmt != 'h')
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			put_number(&o, mag, v < 0, 10, false, width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v =
				lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);

			put_number(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left,
				   zero);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, left,
				   zero);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			/* precision first: the string may end there, unterminated */
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end */
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int sfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
