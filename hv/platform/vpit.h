/* SPDX-License-Identifier: MIT */
/*
 * Channel 2 of an 8254 PIT and the PC's port 0x61 for a guest: what Linux
 * uses to measure the CPU's clock at boot (quick_pit_calibrate() runs
 * before the ACPI tables say there is no legacy PIC, whatever TSC frequency
 * the command line gives). Without it every read of port 0x42 is refused as
 * all ones, which that loop takes for a counter that never moves: 100,000
 * exits per guest boot. Pure register logic: the caller traps the ports and
 * passes the current TSC; the counter is computed from it at each read.
 *
 * What the guest sees:
 * - Port 0x43 (control word, write only): for channel 2 (bits 7:6 = 10) the
 *   access mode (bits 5:4: 01 low byte, 10 high byte, 11 low then high) and
 *   the mode (bits 3:1); access 00 latches the count. Control words for
 *   channels 0 and 1 and the read-back command (11) are ignored: those
 *   channels are not there (ports 0x40/0x41 are refused by the caller).
 * - Port 0x42: writes load the count in the access mode's byte order (0
 *   means 65536); counting starts when the count is complete. Reads give the
 *   latched count if one is held (both bytes in low/high mode), else the
 *   live count, in the same byte order.
 * - The count falls at 1,193,182 Hz while the gate (port 0x61 bit 0) is
 *   high, from the TSC. Mode 0 (and 1, 4, 5, which need an edge this model
 *   does not make: they count as mode 0): from N down through 0, then on
 *   from 0xffff; OUT goes high at 0. Modes 2 and 3 repeat every N ticks:
 *   mode 2 counts N..1 with OUT low on the last tick, mode 3 counts down by
 *   two with OUT high for the first half. A gate low stops the count (the
 *   modes 2 and 3 restart it from N when it rises again).
 * - Port 0x61 read: bit 0 the gate, bit 1 the speaker data bit (kept, no
 *   sound), bit 4 the refresh toggle (flips every 15.085 us), bit 5 OUT of
 *   channel 2; bits 7:6 (SERR, IOCHK: the reasons of an NMI) read 0. Writes
 *   keep bits 1:0 only.
 *
 * Not thread-safe: the caller serialises the guest's vCPUs' accesses.
 */
#ifndef VF_VPIT_H
#define VF_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_PORT_CH2  0x42
#define VPIT_PORT_CTRL 0x43
#define VPIT_PORT_SPKR 0x61
#define VPIT_HZ	       1193182u

/* The state of one guest's channel 2. Embed it; touch it only through the
 * functions. */
struct vpit {
	uint64_t tsc_hz;  /* 0: the counter stands still */
	uint8_t port61;	  /* bits 1:0 as last written */
	uint8_t access;	  /* 1 low, 2 high, 3 low then high */
	uint8_t mode;	  /* 0-5 */
	uint32_t reload;  /* N: 1..65536 */
	uint16_t partial; /* the low byte of a count being written */
	bool write_hi;	  /* low/high mode: the next write is the high byte */
	bool read_hi;	  /* low/high mode: the next read is the high byte */
	bool counting;	  /* a complete count has been written */
	bool latched;	  /* @latch holds a count the guest latched */
	bool latch_hi;	  /* low/high mode: the latch's low byte was read */
	uint16_t latch;
	uint64_t start;	 /* the TSC when the count started or resumed */
	uint64_t before; /* ticks counted before @start (gate was low since) */
};

/* A channel with no count written (reads 0, OUT low) and the gate low. */
void vpit_init(struct vpit *p, uint64_t tsc_hz);
/* 1-byte guest accesses to ports 0x42, 0x43 and 0x61 at @now_tsc; other
 * ports read 0xff and writes to them do nothing. */
uint8_t vpit_read(struct vpit *p, uint16_t port, uint64_t now_tsc);
void vpit_write(struct vpit *p, uint16_t port, uint8_t val, uint64_t now_tsc);
/* Whether @port is one of the model's. */
bool vpit_port(uint16_t port);

#endif
