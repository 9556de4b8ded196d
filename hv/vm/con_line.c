// SPDX-License-Identifier: MIT
/*
 * Guest console bytes to clean lines (con_line.h). The escape sequence
 * grammar is ECMA-48's: ESC [ parameters (0x30-0x3F) intermediates
 * (0x20-0x2F) final (0x40-0x7E); ESC ] ... ended by BEL or ESC \; ESC P, X,
 * ^ and _ strings ended by ESC \; ESC intermediates final. A line feed ends
 * any sequence as well as the line (so that a broken sequence cannot eat
 * what follows), and so does anything that breaks the grammar.
 */
#include "hv/vm/con_line.h"

enum { NORMAL, ESC, ESC_INTER, CSI, STR, STR_BEL, STR_ESC };

#define BEL	 0x07
#define CAN	 0x18
#define SUB	 0x1A
#define ESC_BYTE 0x1B

/* Inside a sequence: the state after @c, NORMAL once it is complete or
 * broken (its bytes are dropped either way). */
static uint8_t seq_next(uint8_t state, uint8_t c)
{
	if (c == CAN || c == SUB)
		return NORMAL; /* cancel, as terminals do */
	switch (state) {
	case ESC:
		if (c == '[')
			return CSI;
		if (c == ']')
			return STR_BEL;
		if (c == 'P' || c == 'X' || c == '^' || c == '_')
			return STR;
		if (c == ESC_BYTE)
			return ESC;
		if (c >= 0x20 && c <= 0x2F)
			return ESC_INTER;
		return NORMAL; /* a final byte, or a broken sequence */
	case ESC_INTER:
		return c >= 0x20 && c <= 0x2F ? ESC_INTER : NORMAL;
	case CSI:
		if (c == ESC_BYTE)
			return ESC;
		return c >= 0x20 && c <= 0x3F ? CSI : NORMAL;
	case STR_BEL:
		if (c == BEL)
			return NORMAL;
		return c == ESC_BYTE ? STR_ESC : STR_BEL;
	case STR:
		return c == ESC_BYTE ? STR_ESC : STR;
	case STR_ESC:
		/* ESC \ ends the string; an ESC followed by anything else ends
		 * it too and starts a sequence of its own. */
		return c == '\\' ? NORMAL : seq_next(ESC, c);
	default:
		return NORMAL;
	}
}

/* What @c adds to the text: itself, '?', or nothing (-1). */
static int text_byte(struct con_line *l, uint8_t c)
{
	if (c == ESC_BYTE) {
		l->state = ESC;
		l->seq_len = 1;
		return -1;
	}
	if (c == '\t' || (c >= 0x20 && c < 0x7F))
		return c;
	if (c >= 0x80)
		return '?';
	return -1; /* C0 controls and DEL: CR, BS, BEL... move or ring, never show */
}

bool con_line_put(struct con_line *l, uint8_t c)
{
	int k;

	if (l->done) {
		l->len = 0;
		l->done = false;
	}
	if (c == '\n') {
		l->state = NORMAL;
		if (l->wrapped && !l->len) {
			l->wrapped = false; /* the line was printed when it filled */
			return false;
		}
		l->text[l->len] = '\0';
		l->done = true;
		l->wrapped = false;
		return true;
	}
	if (l->state != NORMAL) {
		if (++l->seq_len <= CON_SEQ_MAX) {
			l->state = seq_next(l->state, c);
			return false;
		}
		l->state = NORMAL; /* given up: the rest is text */
	}
	k = text_byte(l, c);
	if (k < 0)
		return false;
	l->text[l->len++] = (char)k;
	l->wrapped = false;
	if (l->len < CON_LINE_MAX - 1)
		return false;
	l->text[l->len] = '\0';
	l->done = l->wrapped = true;
	return true;
}
