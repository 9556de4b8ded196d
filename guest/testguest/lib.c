// SPDX-License-Identifier: MIT
/*
 * The test guest's small library: COM1 output (polled, as the hypervisor's
 * vUART expects), a printf subset, command-line look-up, CPUID feature
 * bits, mem* for gcc.
 */
#include "testguest.h"

#define LSR	 5
#define LSR_THRE 0x20

void con_putc(char c)
{
	/* THRE before each byte: a real 16550 drops a byte written too soon. */
	while (!(inb(COM1 + LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static void out(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		buf[*n] = c;
	(*n)++;
}

static void out_num(char *buf, size_t size, size_t *n, uint64_t v, unsigned int base, int width,
		    char pad)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > i)
		out(buf, size, n, pad);
	while (i)
		out(buf, size, n, tmp[--i]);
}

/* %s (and %.*s) %c %d %u %x %p, with l/ll/z and a zero- or space-padded width. */
int vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t n = 0;

	for (; *fmt; fmt++) {
		int width = 0, lng = 0, prec = -1;
		char pad = ' ';

		if (*fmt != '%') {
			out(buf, size, &n, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (fmt[0] == '.' && fmt[1] == '*') {
			prec = va_arg(ap, int);
			fmt += 2;
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			for (s = s ? s : "(null)"; *s && prec; s++, prec--)
				out(buf, size, &n, *s);
			break;
		}
		case 'c':
			out(buf, size, &n, (char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			if (v < 0) {
				out(buf, size, &n, '-');
				v = -v;
			}
			out_num(buf, size, &n, (uint64_t)v, 10, width, pad);
			break;
		}
		case 'u':
			out_num(buf, size, &n,
				lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 10, width,
				pad);
			break;
		case 'x':
			out_num(buf, size, &n,
				lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 16, width,
				pad);
			break;
		case 'p':
			out(buf, size, &n, '0');
			out(buf, size, &n, 'x');
			out_num(buf, size, &n, (uintptr_t)va_arg(ap, void *), 16, width, pad);
			break;
		case '%':
			out(buf, size, &n, '%');
			break;
		default: /* not supported: show it rather than guess */
			out(buf, size, &n, '%');
			out(buf, size, &n, *fmt ? *fmt : '?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return (int)n;
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

void con_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		con_putc(*p);
}

/* The value of "KEY=value" in a space-separated command line, or NULL. */
const char *cmdline_find(const char *cl, const char *key, size_t *len)
{
	size_t klen = 0;

	while (key[klen])
		klen++;
	while (cl && *cl) {
		const char *w = cl, *e;
		size_t i;

		while (*cl && *cl != ' ')
			cl++;
		e = cl;
		while (*cl == ' ')
			cl++;
		for (i = 0; i < klen && w + i < e && w[i] == key[i]; i++)
			;
		if (i == klen && w + klen < e && w[klen] == '=') {
			*len = (size_t)(e - w - klen - 1);
			return w + klen + 1;
		}
	}
	return NULL;
}

/* A decimal size with an optional K, M or G suffix. */
bool parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (!len)
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == 0)
		return false;
	if (i + 1 == len) {
		switch (s[i]) {
		case 'K':
		case 'k':
			v <<= 10;
			break;
		case 'M':
		case 'm':
			v <<= 20;
			break;
		case 'G':
		case 'g':
			v <<= 30;
			break;
		default:
			return false;
		}
	} else if (i != len) {
		return false;
	}
	*out = v;
	return true;
}

uint32_t cpuid_reg(uint32_t leaf, uint32_t sub, unsigned int reg)
{
	uint32_t r[4];

	cpuid(leaf & 0xF0000000u, 0, r);
	if (r[0] < leaf || reg > CPUID_EDX)
		return 0;
	cpuid(leaf, sub, r);
	return r[reg];
}

bool cpu_has(uint32_t leaf, uint32_t sub, unsigned int reg, unsigned int bit)
{
	return cpuid_reg(leaf, sub, reg) >> bit & 1;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}
