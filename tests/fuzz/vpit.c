// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/vpit.c. Feeds: the TSC frequency (0 and huge
 * included), then port accesses (0x42, 0x43, 0x61 and others, any value)
 * at TSCs that move forward or jump anywhere, backwards too. Checks: port
 * 0x61 reads keep bits 1:0 as written and never show an NMI reason (bits
 * 7:6); the control port and other ports read all ones; writes to other
 * ports change nothing; with the gate low a count stands still; a mode 0
 * count loaded with the gate high falls by exactly the ticks the TSC says.
 */
#include <string.h>
#include "hv/platform/vpit.h"
#include "fuzz.h"

static uint64_t ticks(uint64_t hz, uint64_t d)
{
	return hz ? d / hz * VPIT_HZ + d % hz * VPIT_HZ / hz : 0;
}

static uint16_t read16(struct vpit *p, uint64_t tsc)
{
	uint8_t lo = vpit_read(p, VPIT_PORT_CH2, tsc);

	return (uint16_t)(lo | vpit_read(p, VPIT_PORT_CH2, tsc) << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct vpit p;
	uint64_t hz = fuzz_u64(&in), tsc = fuzz_u64(&in);
	uint8_t spkr = 0;

	vpit_init(&p, hz);
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in), val = fuzz_u8(&in);
		uint16_t other = (uint16_t)(0x44 + fuzz_u8(&in));
		struct vpit before;
		uint8_t v;

		tsc = (op & 0x80) ? fuzz_u64(&in) : tsc + fuzz_u32(&in);
		switch (op & 7) {
		case 0:
			vpit_write(&p, VPIT_PORT_CTRL, val, tsc);
			break;
		case 1:
			vpit_write(&p, VPIT_PORT_CH2, val, tsc);
			break;
		case 2:
			vpit_write(&p, VPIT_PORT_SPKR, val, tsc);
			spkr = val & 3;
			break;
		case 3:
			vpit_read(&p, VPIT_PORT_CH2, tsc);
			break;
		case 4:
			v = vpit_read(&p, VPIT_PORT_SPKR, tsc);
			FUZZ_CHECK((v & 3) == spkr && !(v & 0xc0));
			break;
		case 5:
			FUZZ_CHECK(vpit_read(&p, VPIT_PORT_CTRL, tsc) == 0xff);
			if (other != VPIT_PORT_SPKR) {
				memcpy(&before, &p, sizeof(p));
				FUZZ_CHECK(vpit_read(&p, other, tsc) == 0xff);
				vpit_write(&p, other, val, tsc);
				FUZZ_CHECK(!memcmp(&before, &p, sizeof(p)));
			}
			break;
		case 6: {
			/* mode 0, gate low: the count stands whatever time passes */
			uint16_t n = (uint16_t)(val << 8 | op);

			vpit_write(&p, VPIT_PORT_SPKR, 0, tsc);
			spkr = 0;
			vpit_write(&p, VPIT_PORT_CTRL, 0xb0, tsc);
			vpit_write(&p, VPIT_PORT_CH2, (uint8_t)n, tsc);
			vpit_write(&p, VPIT_PORT_CH2, (uint8_t)(n >> 8), tsc);
			FUZZ_CHECK(read16(&p, tsc + fuzz_u32(&in)) == n);
			break;
		}
		default: {
			/* mode 0, gate high: down by the ticks elapsed, modulo 2^16 */
			uint16_t n = (uint16_t)(val << 8 | op);
			uint64_t d = fuzz_u64(&in) >> (op & 0x3f);

			vpit_write(&p, VPIT_PORT_SPKR, 1, tsc);
			spkr = 1;
			vpit_write(&p, VPIT_PORT_CTRL, 0xb0, tsc);
			vpit_write(&p, VPIT_PORT_CH2, (uint8_t)n, tsc);
			vpit_write(&p, VPIT_PORT_CH2, (uint8_t)(n >> 8), tsc);
			if (tsc + d >= tsc)
				FUZZ_CHECK(read16(&p, tsc + d) == (uint16_t)(n - ticks(hz, d)));
			break;
		}
		}
	}
	return 0;
}
