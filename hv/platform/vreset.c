// SPDX-License-Identifier: MIT
/*
 * The guest's reset controls: port 0xcf9 and the keyboard controller's
 * reset command (vreset.h says what the guest sees).
 */
#include "hv/platform/vreset.h"

#define CF9_SYS_RST  (1u << 1)
#define CF9_RST_CPU  (1u << 2)
#define CF9_FULL_RST (1u << 3)
#define KBC_RESET    0xFEu

const uint8_t vreset_vector[VRESET_VECTOR_LEN] = {
	0xBA, 0xF9,
	0x0C,			 /* mov dx, 0xcf9 */
	0xB0, VRESET_FADT_VALUE, /* mov al, 6 */
	0xEE,			 /* out dx, al */
	0xF4,			 /* hlt */
	0xEB, 0xFD,		 /* jmp to the hlt */
};

enum vreset_io vreset_io(struct vreset *r, uint16_t port, unsigned int size, bool in, uint32_t *val,
			 const char **why)
{
	if (port == VRESET_PORT_CF9 && size == 1) {
		if (in) {
			*val = r->cf9;
			return VRESET_DONE;
		}
		r->cf9 = (uint8_t)(*val & (CF9_SYS_RST | CF9_FULL_RST));
		if (!(*val & CF9_RST_CPU))
			return VRESET_DONE;
		*why = "port 0xcf9";
		return VRESET_RESET;
	}
	if (port == VRESET_PORT_KBC && size == 1 && !in && (*val & 0xFF) == KBC_RESET) {
		*why = "keyboard controller reset (port 0x64)";
		return VRESET_RESET;
	}
	return VRESET_NOT_MINE;
}
