// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/vrtc.c. Feeds: the boot time, base TSC and TSC
 * frequency (any, negative and huge included), then port accesses (index
 * writes, data reads and writes, other ports) at TSCs that move forward or
 * jump anywhere. Checks: vrtc_now stays in 1970..9999; each time register
 * reads valid BCD in its range (seconds < 60, minutes < 60, hours < 24,
 * weekday 1-7, day 1-31, month 1-12, century 19-99) and agrees with
 * vrtc_now; data writes change nothing; the index port and other ports read
 * 0xff.
 */
#include "hv/platform/vrtc.h"
#include "fuzz.h"

#define T_MAX 253402300799ll /* 9999-12-31 23:59:59 */

static unsigned int bcd(uint8_t v)
{
	FUZZ_CHECK((v & 0xF) <= 9 && (v >> 4) <= 9);
	return (v >> 4) * 10 + (v & 0xF);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct vrtc r;
	int64_t unix_s = (int64_t)fuzz_u64(&in);
	uint64_t tsc = fuzz_u64(&in), hz = fuzz_u64(&in);

	vrtc_init(&r, unix_s, tsc, hz);
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in), val = fuzz_u8(&in);
		struct vrtc before = r;
		int64_t now;
		uint8_t v;

		tsc = (op & 0x80) ? fuzz_u64(&in) : tsc + fuzz_u32(&in);
		now = vrtc_now(&r, tsc);
		FUZZ_CHECK(now >= 0 && now <= T_MAX);
		switch (op & 3) {
		case 0:
			vrtc_write(&r, VRTC_PORT_INDEX, val);
			FUZZ_CHECK(r.index == (val & 0x7F) && r.nmi_off == !!(val & 0x80));
			break;
		case 1:
			vrtc_write(&r, (op & 4) ? VRTC_PORT_DATA : (uint16_t)(val | 0x100), val);
			FUZZ_CHECK(r.index == before.index && r.base_unix == before.base_unix &&
				   r.base_tsc == before.base_tsc && r.tsc_hz == before.tsc_hz);
			break;
		case 2:
			FUZZ_CHECK(vrtc_read(&r,
					     (op & 4) ? VRTC_PORT_INDEX : (uint16_t)(val | 0x100),
					     tsc) == 0xff);
			break;
		default:
			v = vrtc_read(&r, VRTC_PORT_DATA, tsc);
			switch (r.index) {
			case 0x00:
				FUZZ_CHECK(bcd(v) < 60 && bcd(v) == now % 60);
				break;
			case 0x02:
				FUZZ_CHECK(bcd(v) < 60 && bcd(v) == now / 60 % 60);
				break;
			case 0x04:
				FUZZ_CHECK(bcd(v) < 24 && bcd(v) == now / 3600 % 24);
				break;
			case 0x06:
				FUZZ_CHECK(bcd(v) >= 1 && bcd(v) <= 7);
				/* 1970-01-01 was a Thursday (5). */
				FUZZ_CHECK(bcd(v) == (now / 86400 + 4) % 7 + 1);
				break;
			case 0x07:
				FUZZ_CHECK(bcd(v) >= 1 && bcd(v) <= 31);
				break;
			case 0x08:
				FUZZ_CHECK(bcd(v) >= 1 && bcd(v) <= 12);
				break;
			case 0x09:
				bcd(v);
				break;
			case 0x32:
				FUZZ_CHECK(bcd(v) >= 19 && bcd(v) <= 99);
				break;
			case 0x0a:
				FUZZ_CHECK(v == VRTC_A_VALUE);
				break;
			case 0x0b:
				FUZZ_CHECK(v == VRTC_B_VALUE);
				break;
			case 0x0d:
				FUZZ_CHECK(v == VRTC_D_VALUE);
				break;
			default:
				break;
			}
			break;
		}
	}
	return 0;
}
