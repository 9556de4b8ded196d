// SPDX-License-Identifier: MIT
/* Channel 2 of an 8254 PIT and port 0x61 for a guest, counted from the TSC
 * (what the guest sees: vpit.h). */
#include "hv/platform/vpit.h"

#define GATE	      0x01u
#define SPKR_BITS     0x03u
#define REFRESH	      0x10u
#define OUT2	      0x20u
#define REFRESH_PS    15085000u /* the refresh toggle's half period, in ps */
#define ACCESS_LATCH  0u
#define ACCESS_LOHI   3u
#define CHANNEL_SHIFT 6

void vpit_init(struct vpit *p, uint64_t tsc_hz)
{
	*p = (struct vpit){.tsc_hz = tsc_hz, .access = ACCESS_LOHI};
}

bool vpit_port(uint16_t port)
{
	return port == VPIT_PORT_CH2 || port == VPIT_PORT_CTRL || port == VPIT_PORT_SPKR;
}

/* PIT ticks in @d TSC cycles, without overflow for any @d. */
static uint64_t ticks_in(const struct vpit *p, uint64_t d)
{
	if (!p->tsc_hz)
		return 0;
	return d / p->tsc_hz * VPIT_HZ + d % p->tsc_hz * VPIT_HZ / p->tsc_hz;
}

static bool gate(const struct vpit *p)
{
	return p->port61 & GATE;
}

/* Ticks counted since the count was written (or, modes 2 and 3, since the
 * gate last rose). */
static uint64_t elapsed(const struct vpit *p, uint64_t now)
{
	uint64_t t = p->before;

	if (gate(p) && now > p->start)
		t += ticks_in(p, now - p->start);
	return t;
}

static bool periodic(const struct vpit *p)
{
	return p->mode == 2 || p->mode == 3;
}

/* The count and OUT at @now. */
static uint16_t count_at(const struct vpit *p, uint64_t now, bool *out)
{
	uint64_t t, n = p->reload, k;

	if (!p->counting) {
		*out = periodic(p);
		return 0;
	}
	t = elapsed(p, now);
	if (!periodic(p)) {
		*out = t >= n;
		return (uint16_t)(n - t); /* modulo 65536: on from 0xffff after 0 */
	}
	k = t % n;
	if (p->mode == 2) {
		*out = k != n - 1;
		return (uint16_t)(n - k);
	}
	*out = k < (n + 1) / 2;
	return (uint16_t)(n - (2 * k) % n);
}

static void control(struct vpit *p, uint8_t val, uint64_t now)
{
	uint8_t access = (val >> 4) & 3u;
	bool out;

	if ((val >> CHANNEL_SHIFT) != 2)
		return; /* channels 0 and 1 are not there; read-back is not modelled */
	if (access == ACCESS_LATCH) {
		if (!p->latched) {
			p->latch = count_at(p, now, &out);
			p->latched = true;
			p->latch_hi = false;
		}
		return;
	}
	p->access = access;
	p->mode = (val >> 1) & 7u;
	if (p->mode > 5)
		p->mode -= 4; /* 6 and 7 are 2 and 3 */
	p->counting = p->write_hi = p->read_hi = p->latched = false;
}

static void count_write(struct vpit *p, uint8_t val, uint64_t now)
{
	uint32_t n;

	if (p->access == ACCESS_LOHI && !p->write_hi) {
		p->partial = val;
		p->write_hi = true;
		if (!periodic(p))
			p->counting = false; /* mode 0 stops at the first byte */
		return;
	}
	if (p->access == ACCESS_LOHI)
		n = p->partial | (uint32_t)val << 8;
	else
		n = p->access == 1 ? val : (uint32_t)val << 8;
	p->write_hi = false;
	p->reload = n ? n : 65536u;
	p->counting = true;
	p->before = 0;
	p->start = now;
}

/* The byte of @v the access mode gives next; @hi toggles in low/high mode. */
static uint8_t byte_of(const struct vpit *p, uint16_t v, bool *hi)
{
	bool high = p->access == 2 || (p->access == ACCESS_LOHI && *hi);

	if (p->access == ACCESS_LOHI)
		*hi = !*hi;
	return high ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static uint8_t count_read(struct vpit *p, uint64_t now)
{
	bool out;
	uint8_t b;

	if (p->latched) {
		b = byte_of(p, p->latch, &p->latch_hi);
		if (p->access != ACCESS_LOHI || !p->latch_hi)
			p->latched = false; /* all of it read */
		return b;
	}
	return byte_of(p, count_at(p, now, &out), &p->read_hi);
}

static uint8_t port61_read(const struct vpit *p, uint64_t now)
{
	uint64_t half = p->tsc_hz / 1000u * REFRESH_PS / 1000000000u;
	bool out;
	uint8_t v = p->port61 & SPKR_BITS;

	count_at(p, now, &out);
	if (half && (now / half) & 1)
		v |= REFRESH;
	return v | (out ? OUT2 : 0);
}

static void port61_write(struct vpit *p, uint8_t val, uint64_t now)
{
	bool was = gate(p), is = val & GATE;

	if (was && !is) {
		p->before = elapsed(p, now);
	} else if (!was && is) {
		p->start = now;
		if (periodic(p))
			p->before = 0; /* a rising gate reloads N */
	}
	p->port61 = val & SPKR_BITS;
}

uint8_t vpit_read(struct vpit *p, uint16_t port, uint64_t now_tsc)
{
	if (port == VPIT_PORT_CH2)
		return count_read(p, now_tsc);
	if (port == VPIT_PORT_SPKR)
		return port61_read(p, now_tsc);
	return 0xff; /* the control word is write-only */
}

void vpit_write(struct vpit *p, uint16_t port, uint8_t val, uint64_t now_tsc)
{
	if (port == VPIT_PORT_CH2)
		count_write(p, val, now_tsc);
	else if (port == VPIT_PORT_CTRL)
		control(p, val, now_tsc);
	else if (port == VPIT_PORT_SPKR)
		port61_write(p, val, now_tsc);
}
