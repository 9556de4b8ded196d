/* SPDX-License-Identifier: MIT */
/*
 * The operator's command line (Ctrl-] : on the hypervisor's serial line):
 * a line editor that takes typed bytes one at a time and hands back complete
 * lines, and a parser that turns a line into an action and a guest. Pure:
 * guests.c does what the action says and prints the answers.
 *
 * The editor keeps printable ASCII only, in a bounded buffer: a longer line
 * is refused whole when Enter comes (never cut and run as something else),
 * other control bytes are dropped, backspace at column 0 does nothing, Esc
 * or Ctrl-C cancels the line.
 */
#ifndef VF_CON_CMD_H
#define VF_CON_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/vm/config.h"

#define CON_CMD_LINE_MAX 64 /* characters of a command line */
#define CON_CMD_ERR_MAX	 200
#define CON_CMD_ECHO_MAX 4 /* bytes of echo per typed byte, NUL included */

/* All zero: an empty line. */
struct con_cmd_editor {
	char buf[CON_CMD_LINE_MAX + 1]; /* NUL-terminated */
	unsigned int len;
	bool overlong; /* characters were typed past the end: the line is refused */
};

enum con_cmd_feed {
	CON_CMD_MORE,	/* the line goes on */
	CON_CMD_LINE,	/* Enter: the line is in buf (or overlong); then reset */
	CON_CMD_CANCEL, /* Esc or Ctrl-C: the line is dropped */
};

/* Take typed byte @c; @echo gets what the terminal should show for it
 * (possibly nothing), NUL-terminated. */
enum con_cmd_feed con_cmd_feed(struct con_cmd_editor *ed, uint8_t c, char echo[CON_CMD_ECHO_MAX]);
/* Empty the editor for the next line. */
void con_cmd_reset(struct con_cmd_editor *ed);

enum con_cmd_action {
	CON_CMD_NONE, /* an empty line: nothing to do */
	CON_CMD_LIST,
	CON_CMD_STATS, /* guest -1: every guest */
	CON_CMD_STOP,
	CON_CMD_START,
	CON_CMD_RESTART,
	CON_CMD_HELP,
	CON_CMD_ERROR, /* error holds the answer */
};

struct con_cmd {
	enum con_cmd_action action;
	int guest;		     /* index into the names given to con_cmd_parse, or -1 */
	char error[CON_CMD_ERR_MAX]; /* "console: ..." when action is CON_CMD_ERROR */
};

/* Parse @line (words separated by spaces) against the guests' @names (@n of
 * them; a name matches exactly, never by prefix). */
void con_cmd_parse(const char *line, const char *const *names, unsigned int n, struct con_cmd *out);
/* The editor's line as a command: an overlong line is an error. */
void con_cmd_parse_line(const struct con_cmd_editor *ed, const char *const *names, unsigned int n,
			struct con_cmd *out);

/* The commands, one per line, for help; NULL after the last. */
extern const char *const con_cmd_help[];

/* What `list` says of one guest. */
struct con_cmd_guest {
	const char *name;
	bool stopped;
	bool restarting;    /* stopped, and to run again */
	const char *reason; /* when stopped */
	unsigned int cpus;
	const unsigned int *host_cpus; /* the physical CPU of each */
	uint64_t memory;	       /* bytes */
	unsigned int nvf;	       /* its VFs (0: none given) */
	int vf[CONFIG_GUEST_VFS];
	uint8_t mac[CONFIG_GUEST_VFS][6];
};

/* The `list` line for @g into @buf (@size bytes, NUL-terminated, cut if short). */
void con_cmd_guest_line(char *buf, size_t size, const struct con_cmd_guest *g);

#endif
