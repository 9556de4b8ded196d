/* SPDX-License-Identifier: MIT */
/*
 * A guest's console bytes made into clean log lines. The operator's
 * terminal must show only what the guest prints as text: escape sequences
 * (CSI such as the shell's cursor-position query ESC[6n, OSC such as window
 * titles, DCS/SOS/PM/APC strings, two-byte ESC sequences) are dropped whole,
 * other control characters but the tab are dropped, bytes outside ASCII
 * become '?'. No byte can move the cursor, so every line begins with the
 * "[NAME] " the console puts before it and none can pass for a hypervisor
 * line. Pure: the state carries over between calls, so a sequence may be
 * split anywhere.
 */
#ifndef VF_CON_LINE_H
#define VF_CON_LINE_H

#include <stdbool.h>
#include <stdint.h>

#define CON_LINE_MAX 160 /* a longer line is printed in pieces */
#define CON_SEQ_MAX  256 /* bytes of an escape sequence, dropped; then it is given up */

/* All zero: an empty line, no sequence under way. */
struct con_line {
	char text[CON_LINE_MAX]; /* NUL-terminated when con_line_put() says so */
	unsigned int len;
	bool done;	      /* text is a finished line: the next byte starts anew */
	bool wrapped;	      /* the last line was cut for length; no text since */
	uint8_t state;	      /* where in an escape sequence */
	unsigned int seq_len; /* bytes of the sequence so far */
};

/* Take one byte. True when l->text holds a finished line (a '\n' came, or
 * the line is full): print it before the next call. A '\n' with no text
 * since a line was cut for length ends nothing more. */
bool con_line_put(struct con_line *l, uint8_t c);

#endif
