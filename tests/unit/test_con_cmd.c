// SPDX-License-Identifier: MIT
/*
 * The operator's command line (hv/vm/con_cmd.c): the line editor under
 * hostile typing (overlong lines, control bytes, backspace at column 0, Esc
 * mid-line) and the parser (unknown commands, missing and extra words,
 * guest names that are prefixes of others, empty input), and the `list` line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hv/vm/con_cmd.h"

static const char *const names[] = {"a", "ab", "beta"};
#define NNAMES 3u

/* Type @s; returns the last feed result, the echo of all bytes in @echo. */
static enum con_cmd_feed type(struct con_cmd_editor *ed, const char *s, char *echo, size_t size)
{
	enum con_cmd_feed r = CON_CMD_MORE;
	char e[CON_CMD_ECHO_MAX];

	if (echo)
		echo[0] = '\0';
	for (; *s; s++) {
		r = con_cmd_feed(ed, (uint8_t)*s, e);
		if (echo)
			strncat(echo, e, size - strlen(echo) - 1);
		if (r != CON_CMD_MORE)
			break;
	}
	return r;
}

static struct con_cmd parse(const char *line)
{
	struct con_cmd c;

	memset(&c, 0x5A, sizeof(c));
	con_cmd_parse(line, names, NNAMES, &c);
	return c;
}

static void editor_line_and_echo(void **state)
{
	struct con_cmd_editor ed = {0};
	char echo[64];

	(void)state;
	assert_int_equal(type(&ed, "list\r", echo, sizeof(echo)), CON_CMD_LINE);
	assert_string_equal(ed.buf, "list");
	assert_string_equal(echo, "list\n");
	con_cmd_reset(&ed);
	assert_int_equal(type(&ed, "stop ab\n", NULL, 0), CON_CMD_LINE);
	assert_string_equal(ed.buf, "stop ab");
}

static void editor_backspace(void **state)
{
	struct con_cmd_editor ed = {0};
	char echo[64];

	(void)state;
	/* At column 0: nothing to rub out, nothing echoed. */
	assert_int_equal(type(&ed, "\b\x7f\b", echo, sizeof(echo)), CON_CMD_MORE);
	assert_int_equal(ed.len, 0);
	assert_string_equal(echo, "");
	/* Both BS and DEL rub out one character. */
	assert_int_equal(type(&ed, "lisx\x7fz\bt", echo, sizeof(echo)), CON_CMD_MORE);
	assert_string_equal(ed.buf, "list");
	assert_string_equal(echo, "lisx\b \bz\b \bt");
	assert_int_equal(type(&ed, "\b\b\b\b\b\b", NULL, 0), CON_CMD_MORE);
	assert_int_equal(ed.len, 0);
	assert_string_equal(ed.buf, "");
}

static void editor_drops_control_bytes(void **state)
{
	struct con_cmd_editor ed = {0};
	char echo[64];

	(void)state;
	/* Tab, Ctrl-], NUL, bell, bytes past ASCII: dropped and not echoed. */
	assert_int_equal(type(&ed, "h\te\x1dl\x07p\x80\xff", echo, sizeof(echo)), CON_CMD_MORE);
	assert_int_equal(con_cmd_feed(&ed, 0, echo), CON_CMD_MORE);
	assert_string_equal(echo, "");
	assert_string_equal(ed.buf, "help");
}

static void editor_esc_and_ctrl_c_cancel(void **state)
{
	struct con_cmd_editor ed = {0};

	(void)state;
	assert_int_equal(type(&ed, "stop be\x1b", NULL, 0), CON_CMD_CANCEL);
	assert_int_equal(ed.len, 0);
	assert_string_equal(ed.buf, "");
	assert_int_equal(type(&ed, "stop\x03", NULL, 0), CON_CMD_CANCEL);
	assert_int_equal(ed.len, 0);
	/* Esc at once, on an empty line, also cancels. */
	assert_int_equal(type(&ed, "\x1b", NULL, 0), CON_CMD_CANCEL);
}

static void editor_overlong_refused_whole(void **state)
{
	struct con_cmd_editor ed = {0};
	struct con_cmd c;
	char line[3 * CON_CMD_LINE_MAX];

	(void)state;
	/* "stop beta" then a long tail: never cut and run as "stop beta". */
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "stop beta ", 10);
	line[CON_CMD_LINE_MAX] = ' ';
	assert_int_equal(type(&ed, line, NULL, 0), CON_CMD_MORE);
	assert_int_equal(ed.len, CON_CMD_LINE_MAX);
	assert_true(ed.overlong);
	/* Backspace cannot bring it back under the limit and make it run. */
	assert_int_equal(type(&ed, "\b\b\b\b", NULL, 0), CON_CMD_MORE);
	assert_int_equal(type(&ed, "\r", NULL, 0), CON_CMD_LINE);
	con_cmd_parse_line(&ed, names, NNAMES, &c);
	assert_int_equal(c.action, CON_CMD_ERROR);
	assert_string_equal(c.error,
			    "console: line too long (at most 64 characters); nothing done");
	con_cmd_reset(&ed);
	assert_false(ed.overlong);
	/* Exactly the limit is a line. */
	memset(line, 'y', CON_CMD_LINE_MAX);
	line[CON_CMD_LINE_MAX] = '\r';
	line[CON_CMD_LINE_MAX + 1] = '\0';
	assert_int_equal(type(&ed, line, NULL, 0), CON_CMD_LINE);
	assert_false(ed.overlong);
	assert_int_equal(strlen(ed.buf), CON_CMD_LINE_MAX);
	con_cmd_parse_line(&ed, names, NNAMES, &c);
	assert_int_equal(c.action, CON_CMD_ERROR);
	assert_non_null(strstr(c.error, "unknown command 'yyyyyyyyyyyyyyyyyyyyyyyy...'"));
}

static void parse_commands(void **state)
{
	struct con_cmd c;

	(void)state;
	c = parse("list");
	assert_int_equal(c.action, CON_CMD_LIST);
	assert_int_equal(c.guest, -1);
	c = parse("  help  ");
	assert_int_equal(c.action, CON_CMD_HELP);
	c = parse("stats");
	assert_int_equal(c.action, CON_CMD_STATS);
	assert_int_equal(c.guest, -1);
	c = parse("stats beta");
	assert_int_equal(c.action, CON_CMD_STATS);
	assert_int_equal(c.guest, 2);
	c = parse("stop\tab");
	assert_int_equal(c.action, CON_CMD_STOP);
	assert_int_equal(c.guest, 1);
	c = parse("start a");
	assert_int_equal(c.action, CON_CMD_START);
	assert_int_equal(c.guest, 0);
	c = parse("restart beta");
	assert_int_equal(c.action, CON_CMD_RESTART);
	assert_int_equal(c.guest, 2);
}

static void parse_empty_is_nothing(void **state)
{
	struct con_cmd c;

	(void)state;
	c = parse("");
	assert_int_equal(c.action, CON_CMD_NONE);
	assert_string_equal(c.error, "");
	c = parse("   \t ");
	assert_int_equal(c.action, CON_CMD_NONE);
}

static void parse_unknown(void **state)
{
	struct con_cmd c;

	(void)state;
	c = parse("bogus");
	assert_int_equal(c.action, CON_CMD_ERROR);
	assert_string_equal(c.error, "console: unknown command 'bogus' (help lists them)");
	/* Case and prefixes of commands are not commands. */
	c = parse("LIST");
	assert_string_equal(c.error, "console: unknown command 'LIST' (help lists them)");
	c = parse("sto beta");
	assert_string_equal(c.error, "console: unknown command 'sto' (help lists them)");
	c = parse("stopx beta");
	assert_int_equal(c.action, CON_CMD_ERROR);
	/* Bytes the editor would not pass are shown as '?'. */
	c = parse("b\x1b[2Jx");
	assert_string_equal(c.error, "console: unknown command 'b?[2Jx' (help lists them)");
}

static void parse_guest_names(void **state)
{
	struct con_cmd c;

	(void)state;
	/* A name that is a prefix of another matches only itself. */
	c = parse("stop a");
	assert_int_equal(c.guest, 0);
	c = parse("stop ab");
	assert_int_equal(c.guest, 1);
	c = parse("stop abc");
	assert_int_equal(c.action, CON_CMD_ERROR);
	assert_string_equal(c.error, "console: stop: no guest 'abc'; the guests are: a, ab, beta");
	c = parse("stats bet");
	assert_string_equal(c.error, "console: stats: no guest 'bet'; the guests are: a, ab, beta");
	c = parse("stop Beta");
	assert_int_equal(c.action, CON_CMD_ERROR);
	assert_int_equal(c.guest, -1);
}

static void parse_wrong_word_count(void **state)
{
	struct con_cmd c;

	(void)state;
	c = parse("stop");
	assert_string_equal(c.error, "console: stop needs a guest name: a, ab, beta");
	c = parse("restart");
	assert_string_equal(c.error, "console: restart needs a guest name: a, ab, beta");
	c = parse("stop a beta");
	assert_string_equal(c.error, "console: stop takes one guest name: a, ab, beta");
	c = parse("stats a b c d e");
	assert_int_equal(c.action, CON_CMD_ERROR);
	c = parse("list beta");
	assert_string_equal(c.error, "console: list takes no argument");
	c = parse("help me");
	assert_string_equal(c.error, "console: help takes no argument");
}

static void parse_no_guests(void **state)
{
	struct con_cmd c;

	(void)state;
	con_cmd_parse("stop x", names, 0, &c);
	assert_string_equal(c.error, "console: stop: no guest 'x'; the guests are: (none)");
}

static void help_lists_every_command(void **state)
{
	static const char *const words[] = {"list", "stats", "stop", "start", "restart", "help"};
	unsigned int n = 0;

	(void)state;
	while (con_cmd_help[n])
		n++;
	for (unsigned int w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		bool found = false;

		for (unsigned int i = 0; i < n; i++)
			found |= !strncmp(con_cmd_help[i], words[w], strlen(words[w])) &&
				 con_cmd_help[i][strlen(words[w])] == ' ';
		assert_true(found);
		/* ...and each one the help names parses. */
		struct con_cmd c = parse(words[w]);

		assert_int_not_equal(c.action, CON_CMD_NONE);
		assert_false(c.action == CON_CMD_ERROR && strstr(c.error, "unknown"));
	}
}

static void guest_line(void **state)
{
	const unsigned int host[] = {2, 3};
	const char *full =
		"console: alpha: stopped: powered off, 2 cpus (host 2,3), 256 MiB, no vf";
	char buf[160];
	struct con_cmd_guest g = {
		.name = "alpha",
		.cpus = 1,
		.host_cpus = host,
		.memory = 256ull << 20,
		.nvf = 1,
		.vf = {0},
		.mac = {{0x02, 0xAB, 0, 0x10, 0xff, 0x01}},
	};

	(void)state;
	con_cmd_guest_line(buf, sizeof(buf), &g);
	assert_string_equal(buf, "console: alpha: running, 1 cpu (host 2), 256 MiB, vf 0 mac "
				 "02:ab:00:10:ff:01");
	/* Several VFs: each with its MAC, in the guest's order. */
	g.nvf = 2;
	g.vf[1] = 5;
	memcpy(g.mac[1], (uint8_t[]){0x02, 0, 0, 0, 0, 0x55}, 6);
	con_cmd_guest_line(buf, sizeof(buf), &g);
	assert_string_equal(buf, "console: alpha: running, 1 cpu (host 2), 256 MiB, vf 0 mac "
				 "02:ab:00:10:ff:01, vf 5 mac 02:00:00:00:00:55");
	g.stopped = true;
	g.reason = "powered off";
	g.cpus = 2;
	g.nvf = 0;
	con_cmd_guest_line(buf, sizeof(buf), &g);
	assert_string_equal(
		buf, "console: alpha: stopped: powered off, 2 cpus (host 2,3), 256 MiB, no vf");
	g.restarting = true;
	g.reason = "reset through port 0xcf9";
	con_cmd_guest_line(buf, sizeof(buf), &g);
	assert_string_equal(buf, "console: alpha: restarting (reset through port 0xcf9), 2 cpus "
				 "(host 2,3), 256 MiB, no vf");
	g.restarting = false;
	g.reason = "powered off";
	/* A short buffer is cut anywhere, still terminated, nothing past it. */
	for (size_t n = 1; n <= strlen(full); n++) {
		memset(buf, 'Q', sizeof(buf));
		con_cmd_guest_line(buf, n, &g);
		assert_int_equal(strlen(buf), n - 1);
		assert_memory_equal(buf, full, n - 1);
		assert_int_equal(buf[n], 'Q');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(editor_line_and_echo),
		cmocka_unit_test(editor_backspace),
		cmocka_unit_test(editor_drops_control_bytes),
		cmocka_unit_test(editor_esc_and_ctrl_c_cancel),
		cmocka_unit_test(editor_overlong_refused_whole),
		cmocka_unit_test(parse_commands),
		cmocka_unit_test(parse_empty_is_nothing),
		cmocka_unit_test(parse_unknown),
		cmocka_unit_test(parse_guest_names),
		cmocka_unit_test(parse_wrong_word_count),
		cmocka_unit_test(parse_no_guests),
		cmocka_unit_test(help_lists_every_command),
		cmocka_unit_test(guest_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
