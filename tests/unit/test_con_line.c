// SPDX-License-Identifier: MIT
/*
 * Guest console output to the operator's terminal: escape sequences dropped
 * whole wherever they are split (between drains, at a line cut for length,
 * at a line feed), no control byte through, and a bounded amount of output
 * per service pass shared fairly between guests (hv/vm/con_line.c,
 * hv/vm/vm_con.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/vm/con_line.h"
#include "hv/vm/vm.h"
#include "fake_printk.h"

/* ---- the console: guest lines as the operator sees them ---- */

#define MAX_LINES 4096
static char lines[MAX_LINES][CON_LINE_MAX + 40];
static unsigned int nlines;

void console_guest_line(const char *name, const char *text)
{
	assert_true(nlines < MAX_LINES);
	snprintf(lines[nlines++], sizeof(lines[0]), "[%s] %s", name, text);
}

/* Every line printed: no byte a terminal would act on. */
static void assert_lines_clean(void)
{
	for (unsigned int i = 0; i < nlines; i++) {
		assert_true(strlen(lines[i]) < CON_LINE_MAX + 30);
		for (const char *p = lines[i]; *p; p++)
			assert_true(*p == '\t' || (*p >= 0x20 && *p < 0x7F));
	}
}

/* ---- con_line alone ---- */

/* Feed @s (of @len bytes) to @l; the finished lines joined with '|'. */
static const char *feed(struct con_line *l, const char *s, size_t len)
{
	static char out[4096];

	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (!con_line_put(l, (uint8_t)s[i]))
			continue;
		for (const char *p = l->text; *p; p++)
			assert_true(*p == '\t' || (*p >= 0x20 && *p < 0x7F));
		strcat(out, l->text);
		strcat(out, "|");
	}
	return out;
}

#define FEED(l, s) feed(l, s, sizeof(s) - 1)

static void test_plain_text(void **state)
{
	struct con_line l = {0};

	(void)state;
	assert_string_equal(FEED(&l, "hello\r\nworld\n"), "hello|world|");
	assert_string_equal(FEED(&l, "a\tb\bc\x7f\x07\x01\n"), "a\tbc|");
	assert_string_equal(FEED(&l, "caf\xc3\xa9\n"), "caf??|");
	assert_string_equal(FEED(&l, "\n\n"), "||"); /* empty lines stay */
}

/* What busybox's shell prints: its prompt, then the cursor-position query
 * (ESC [ 6 n) that used to show as "?[6n". */
static void test_prompt(void **state)
{
	struct con_line l = {0};

	(void)state;
	assert_string_equal(FEED(&l, "beta:/# \x1b[6nls\n"), "beta:/# ls|");
	assert_string_equal(FEED(&l, "\x1b[1;31mred\x1b[0m \x1b[?25lx\x1b[K\n"), "red x|");
	assert_string_equal(FEED(&l, "\x1b[2J\x1b[H\x1b[10;20Hat\n"), "at|");
}

static void test_other_sequences(void **state)
{
	struct con_line l = {0};

	(void)state;
	/* OSC (a window title) ended by BEL, or by ST */
	assert_string_equal(FEED(&l, "a\x1b]0;evil title\x07"
				     "b\n"),
			    "ab|");
	assert_string_equal(FEED(&l, "a\x1b]2;t\x1b\\b\n"), "ab|");
	/* DCS, SOS, PM, APC: up to ST, BEL included */
	assert_string_equal(FEED(&l, "a\x1bPq#0;\x07x\x1b\\b\n"), "ab|");
	assert_string_equal(FEED(&l, "a\x1b_apc\x1b\\b\x1bXsos\x1b\\c\x1b^pm\x1b\\d\n"), "abcd|");
	/* two-byte and intermediate forms: save cursor, charset, DECALN */
	assert_string_equal(FEED(&l, "a\x1b"
				     "7b\x1b(Bc\x1b#8d\x1b"
				     "8e\n"),
			    "abcde|");
	/* an ESC inside a string ends it and starts its own sequence */
	assert_string_equal(FEED(&l, "a\x1b]0;t\x1b[31mb\n"), "ab|");
	/* CAN and SUB cancel a sequence */
	assert_string_equal(FEED(&l, "a\x1b[12\x18"
				     "b\n"),
			    "ab|");
	/* 8-bit C1 bytes are not ASCII: shown as '?', never acted on */
	assert_string_equal(FEED(&l, "a\x9b"
				     "31mb\n"),
			    "a?31mb|");
}

/* Split anywhere: the state carries from one byte (one drain) to the next. */
static void test_split(void **state)
{
	static const char s[] = "x\x1b]0;title\x1b\\y\x1b[38;5;200mz\x1b(0w\n";
	struct con_line l = {0};
	char out[64] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(s) - 1; i++)
		strcat(out, feed(&l, s + i, 1));
	assert_string_equal(out, "xyzw|");
}

/* A line feed ends the line and any sequence: a broken one cannot eat the
 * lines after it. */
static void test_line_feed_in_sequence(void **state)
{
	struct con_line l = {0};

	(void)state;
	assert_string_equal(FEED(&l, "a\x1b[12\nb\n"), "a|b|");
	assert_string_equal(FEED(&l, "a\x1b]0;never ended\nb\n"), "a|b|");
	assert_string_equal(FEED(&l, "a\x1b\nb\n"), "a|b|");
}

/* A sequence that never ends is given up after CON_SEQ_MAX bytes. */
static void test_endless_sequence(void **state)
{
	struct con_line l = {0};
	char s[CON_SEQ_MAX + 16];

	(void)state;
	memset(s, '1', sizeof(s));
	s[0] = '\x1b';
	s[1] = '[';
	s[sizeof(s) - 2] = 'z';
	s[sizeof(s) - 1] = '\n';
	/* The sequence's own bytes are dropped; what follows the limit shows. */
	assert_string_equal(feed(&l, s, sizeof(s)), "11111111111111z|");
}

/* A line cut for length: the next piece starts clean, whatever byte lands
 * at the cut (the bug: an ESC there went out raw), and a '\n' right after
 * the cut adds no empty line. */
static void test_cut_lines(void **state)
{
	struct con_line l = {0};
	char s[CON_LINE_MAX + 32], want[2 * CON_LINE_MAX];

	(void)state;
	memset(s, 'a', CON_LINE_MAX - 1);
	memcpy(s + CON_LINE_MAX - 1, "\x1b[31mb\n", 7);
	memset(want, 'a', CON_LINE_MAX - 1);
	strcpy(want + CON_LINE_MAX - 1, "|b|");
	assert_string_equal(feed(&l, s, CON_LINE_MAX - 1 + 7), want);

	memcpy(s + CON_LINE_MAX - 1, "\n", 1);
	strcpy(want + CON_LINE_MAX - 1, "|");
	assert_string_equal(feed(&l, s, CON_LINE_MAX), want);
	/* ... but a sequence between the cut and the '\n' is no text either */
	memcpy(s + CON_LINE_MAX - 1, "\x1b[6n\n\n", 6);
	strcpy(want + CON_LINE_MAX - 1, "||");
	assert_string_equal(feed(&l, s, CON_LINE_MAX + 5), want);
}

/* A guest cannot pass for the hypervisor: a carriage return (or cursor
 * movement) no longer brings "vfvisor:" to the start of the line. */
static void test_no_fake_hypervisor_line(void **state)
{
	static const char s[] = "x\rvfvisor: guest alpha: stopped\n\x1b[1Gvfvisor: x\n"
				"\x1b[A\x1b[2Kvfvisor: y\n";
	struct vm *vm = calloc(1, sizeof(*vm));

	(void)state;
	nlines = 0;
	strcpy(vm->name, "beta");
	for (size_t i = 0; i < sizeof(s) - 1; i++)
		vm_con_put(vm, (uint8_t)s[i]);
	vm_con_drain(vm, VM_CON_PASS);
	assert_int_equal(nlines, 3);
	assert_string_equal(lines[0], "[beta] xvfvisor: guest alpha: stopped");
	assert_string_equal(lines[1], "[beta] vfvisor: x");
	assert_string_equal(lines[2], "[beta] vfvisor: y");
	assert_lines_clean();
	free(vm);
}

/* Random bytes, with many ESCs and line feeds: nothing unclean comes out. */
static void test_random_bytes(void **state)
{
	struct con_line l = {0};
	unsigned int seed = 12345, n = 0;

	(void)state;
	for (unsigned int i = 0; i < 200000; i++) {
		uint8_t c;

		seed = seed * 1103515245u + 12345u;
		c = (uint8_t)(seed >> 16);
		if ((seed >> 8) % 16 == 0)
			c = 0x1b;
		if (con_line_put(&l, c)) {
			n++;
			assert_true(strlen(l.text) < CON_LINE_MAX);
			for (const char *p = l.text; *p; p++)
				assert_true(*p == '\t' || (*p >= 0x20 && *p < 0x7F));
		}
	}
	assert_true(n > 100);
}

/* ---- vm_con: a bounded amount per pass ---- */

static struct vm *guests;

static int setup(void **state)
{
	(void)state;
	guests = calloc(2, sizeof(*guests));
	strcpy(guests[0].name, "alpha");
	strcpy(guests[1].name, "beta");
	nlines = 0;
	printk_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(guests);
	return 0;
}

/* Fill @vm's ring with numbered 60-byte lines; returns how many. */
static unsigned int fill(struct vm *vm)
{
	unsigned int n = 0;
	char s[64];

	while (VM_CON_RING - (vm->con_head - vm->con_tail) >= 60) {
		snprintf(s, sizeof(s), "%-59u\n", n++);
		for (const char *p = s; *p; p++)
			vm_con_put(vm, (uint8_t)*p);
	}
	return n;
}

/* 16 KiB of output is over a second at 115200 baud: it goes out a pass's
 * worth at a time, in order, nothing lost. */
static void test_drain_bounded(void **state)
{
	unsigned int n = fill(&guests[0]), sent, passes = 0;

	(void)state;
	do {
		unsigned int before = nlines;

		sent = vm_con_drain(&guests[0], VM_CON_PASS);
		/* at most one line past the budget */
		assert_true(sent < VM_CON_PASS + CON_LINE_MAX + 16);
		assert_true(nlines - before <= VM_CON_PASS / 60 + 1);
		passes++;
	} while (sent);
	assert_int_equal(nlines, n);
	assert_true(passes > VM_CON_RING / VM_CON_PASS);
	for (unsigned int i = 0; i < n; i++) {
		char want[80];

		snprintf(want, sizeof(want), "[alpha] %-59u", i);
		assert_string_equal(lines[i], want);
	}
	assert_int_equal(guests[0].con_tail, guests[0].con_head);
}

/* Two chatty guests: each pass starts with the other one, so both are
 * heard, and the pass says when output is left. */
static void test_pass_fair(void **state)
{
	unsigned int per[2] = {0, 0};

	(void)state;
	fill(&guests[0]);
	fill(&guests[1]);
	for (unsigned int pass = 0; pass < 4; pass++)
		assert_true(vm_con_pass(guests, 2, VM_CON_PASS, NULL));
	for (unsigned int i = 0; i < nlines; i++)
		per[lines[i][1] == 'b']++;
	assert_true(per[0] >= 2 * (VM_CON_PASS / 80));
	assert_true(per[1] >= 2 * (VM_CON_PASS / 80));
	while (vm_con_pass(guests, 2, VM_CON_PASS, NULL))
		;
	assert_int_equal(guests[0].con_tail, guests[0].con_head);
	assert_int_equal(guests[1].con_tail, guests[1].con_head);
	assert_false(vm_con_pass(guests, 2, VM_CON_PASS, NULL));
	assert_false(vm_con_pass(guests, 0, VM_CON_PASS, NULL));
}

static char stepped[64];

static void step_note(const char *name)
{
	strncat(stepped, name, sizeof(stepped) - strlen(stepped) - 2);
	strcat(stepped, ",");
}

/* The pass names each guest before its turn (the watchdog's stage), in the
 * pass's order; none when there are no guests. */
static void test_pass_steps(void **state)
{
	(void)state;
	stepped[0] = '\0';
	vm_con_pass(guests, 2, VM_CON_PASS, step_note);
	vm_con_pass(guests, 2, VM_CON_PASS, step_note);
	assert_true(!strcmp(stepped, "alpha,beta,beta,alpha,") ||
		    !strcmp(stepped, "beta,alpha,alpha,beta,"));
	stepped[0] = '\0';
	vm_con_pass(guests, 0, VM_CON_PASS, step_note);
	assert_string_equal(stepped, "");
}

/* A guest writing faster than the console: the bytes it lost are told
 * (once per new loss, within a budget), and count toward the pass. */
static void test_drops_told(void **state)
{
	(void)state;
	fill(&guests[0]);
	for (unsigned int i = 0; i < 100; i++)
		vm_con_put(&guests[0], 'x');
	assert_int_equal(guests[0].con_dropped, 100 - VM_CON_RING % 60);
	vm_con_drain(&guests[0], VM_CON_PASS);
	assert_true(printk_saw("guest alpha: console: 96 bytes of its output dropped so far"));
	printk_reset();
	while (vm_con_drain(&guests[0], VM_CON_PASS))
		;
	assert_false(printk_saw("dropped"));
	assert_lines_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_other_sequences),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_line_feed_in_sequence),
		cmocka_unit_test(test_endless_sequence),
		cmocka_unit_test(test_cut_lines),
		cmocka_unit_test(test_no_fake_hypervisor_line),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test_setup_teardown(test_drain_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_fair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops_told, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
