/* SPDX-License-Identifier: MIT */
/*
 * The ways a PC's software resets the machine, for a guest: the chipset's
 * reset control register at port 0xcf9 (which the guest's FADT also names
 * as its ACPI reset register, with the value 0x06: what Linux's default
 * reboot writes first) and the keyboard controller's command 0xfe on port
 * 0x64 (pulse the reset line). A triple fault, the fourth way, is the
 * backend's exit. Pure register logic: the caller traps the ports.
 *
 * Linux 6.1 in a hardware-reduced ACPI guest without EFI tries EFI, then
 * jumps to the BIOS's reset vector (F000:FFF0) in real mode, before it
 * would try the reset register. A guest has no BIOS: vreset_vector is the
 * code its RAM holds there, a write of the reset value to port 0xcf9 (then
 * HLT in a loop), so that this way resets too instead of running zeros.
 *
 * Port 0xcf9 (byte accesses only; wider ones are the PCI configuration
 * address at 0xcf8): bits 1 (SYS_RST) and 3 (FULL_RST) are kept and read
 * back; a write with bit 2 (RST_CPU) set resets. Port 0x64: only the write
 * of 0xfe is this model's; the guest has no keyboard controller, so every
 * other access stays refused by the caller.
 */
#ifndef VF_VRESET_H
#define VF_VRESET_H

#include <stdbool.h>
#include <stdint.h>

#define VRESET_PORT_CF9	  0xCF9u
#define VRESET_PORT_KBC	  0x64u
#define VRESET_FADT_VALUE 0x06u /* SYS_RST | RST_CPU */

#define VRESET_VECTOR_GPA 0xFFFF0ull
#define VRESET_VECTOR_LEN 9u
extern const uint8_t vreset_vector[VRESET_VECTOR_LEN];

enum vreset_io {
	VRESET_NOT_MINE, /* not a reset port access: the caller goes on */
	VRESET_DONE,	 /* handled; *val holds what an IN reads */
	VRESET_RESET,	 /* handled, and the guest asked to be reset */
};

struct vreset {
	uint8_t cf9; /* the kept bits of port 0xcf9 */
};

/* An access of @size bytes to @port: a write of @*val, or a read into @*val.
 * On VRESET_RESET, *@why names the way ("port 0xcf9", ...). */
enum vreset_io vreset_io(struct vreset *r, uint16_t port, unsigned int size, bool in, uint32_t *val,
			 const char **why);

#endif
