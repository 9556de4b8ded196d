// SPDX-License-Identifier: MIT
/* The operator's command line: line editor and parser (see con_cmd.h). */
#include "hv/vm/con_cmd.h"
#include "lib/kstring.h"
#include "lib/printk.h"

#define KEY_CTRL_C 0x03
#define KEY_BS	   0x08
#define KEY_ESC	   0x1B
#define KEY_DEL	   0x7F
#define WORD_SHOWN 24 /* characters of a bad word quoted back */
#define WORDS_MAX  3  /* a command and its guest, and one more to refuse */

void con_cmd_reset(struct con_cmd_editor *ed)
{
	ed->len = 0;
	ed->buf[0] = '\0';
	ed->overlong = false;
}

enum con_cmd_feed con_cmd_feed(struct con_cmd_editor *ed, uint8_t c, char echo[CON_CMD_ECHO_MAX])
{
	echo[0] = '\0';
	if (c == '\r' || c == '\n') {
		str_copy(echo, "\n", CON_CMD_ECHO_MAX);
		return CON_CMD_LINE;
	}
	if (c == KEY_ESC || c == KEY_CTRL_C) {
		str_copy(echo, "\n", CON_CMD_ECHO_MAX);
		con_cmd_reset(ed);
		return CON_CMD_CANCEL;
	}
	if (c == KEY_BS || c == KEY_DEL) {
		/* Past the end the terminal shows nothing more to rub out. */
		if (ed->len && !ed->overlong) {
			ed->buf[--ed->len] = '\0';
			str_copy(echo, "\b \b", CON_CMD_ECHO_MAX);
		}
		return CON_CMD_MORE;
	}
	if (c < 0x20 || c > 0x7E)
		return CON_CMD_MORE;
	if (ed->len == CON_CMD_LINE_MAX) {
		ed->overlong = true;
		return CON_CMD_MORE;
	}
	ed->buf[ed->len++] = (char)c;
	ed->buf[ed->len] = '\0';
	echo[0] = (char)c;
	echo[1] = '\0';
	return CON_CMD_MORE;
}

/* A word of the line: where it starts and how long it is. */
struct word {
	const char *p;
	size_t len;
};

static bool word_is(const struct word *w, const char *s)
{
	return w->len == strlen(s) && !memcmp(w->p, s, w->len);
}

/* @w quoted for an answer: at most WORD_SHOWN characters, unprintables as '?'. */
static void word_show(char *dst, const struct word *w)
{
	size_t n = w->len < WORD_SHOWN ? w->len : WORD_SHOWN, i;

	for (i = 0; i < n; i++)
		dst[i] = w->p[i] >= 0x20 && w->p[i] <= 0x7E ? w->p[i] : '?';
	if (w->len > WORD_SHOWN) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

/* Split @line at spaces; returns the words found (at most WORDS_MAX kept). */
static unsigned int split(const char *line, struct word *w)
{
	unsigned int n = 0;

	for (const char *p = line; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		const char *s = p;

		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (n < WORDS_MAX)
			w[n] = (struct word){s, (size_t)(p - s)};
		n++;
	}
	return n;
}

/* "alpha, beta" */
static void names_list(char *buf, size_t size, const char *const *names, unsigned int n)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!n) {
		str_copy(buf, "(none)", size);
		return;
	}
	for (unsigned int i = 0; i < n && len < size; i++)
		len += (size_t)sfmt(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
}

static void error(struct con_cmd *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void error(struct con_cmd *out, const char *fmt, ...)
{
	va_list ap;

	out->action = CON_CMD_ERROR;
	va_start(ap, fmt);
	vfmt(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

static const struct {
	const char *word;
	enum con_cmd_action action;
	int guest; /* 0: none, 1: required, 2: optional */
} commands[] = {
	{"list", CON_CMD_LIST, 0},   {"stats", CON_CMD_STATS, 2},     {"stop", CON_CMD_STOP, 1},
	{"start", CON_CMD_START, 1}, {"restart", CON_CMD_RESTART, 1}, {"help", CON_CMD_HELP, 0},
};

const char *const con_cmd_help[] = {
	"list            each guest: state, cpus, memory, vf and mac",
	"stats [NAME]    exit counters of one guest, or of all",
	"stop NAME       stop a guest (its vf quiesced)",
	"start NAME      start a stopped guest again, as at boot",
	"restart NAME    stop a guest and start it again, as at boot",
	"help            this list",
	"Enter runs the line, Esc or Ctrl-C cancels it",
	NULL,
};

void con_cmd_parse(const char *line, const char *const *names, unsigned int n, struct con_cmd *out)
{
	struct word w[WORDS_MAX];
	unsigned int nw = split(line, w), c;
	char shown[WORD_SHOWN + 4], valid[CON_CMD_ERR_MAX / 2];

	out->action = CON_CMD_NONE;
	out->guest = -1;
	out->error[0] = '\0';
	if (!nw)
		return;
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (word_is(&w[0], commands[c].word))
			break;
	if (c == sizeof(commands) / sizeof(commands[0])) {
		word_show(shown, &w[0]);
		error(out, "console: unknown command '%s' (help lists them)", shown);
		return;
	}
	names_list(valid, sizeof(valid), names, n);
	if (nw > 2 || (nw == 2 && !commands[c].guest)) {
		if (commands[c].guest)
			error(out, "console: %s takes one guest name: %s", commands[c].word, valid);
		else
			error(out, "console: %s takes no argument", commands[c].word);
		return;
	}
	if (nw == 1) {
		if (commands[c].guest == 1) {
			error(out, "console: %s needs a guest name: %s", commands[c].word, valid);
			return;
		}
		out->action = commands[c].action;
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (word_is(&w[1], names[i])) {
			out->action = commands[c].action;
			out->guest = (int)i;
			return;
		}
	}
	word_show(shown, &w[1]);
	error(out, "console: %s: no guest '%s'; the guests are: %s", commands[c].word, shown,
	      valid);
}

void con_cmd_parse_line(const struct con_cmd_editor *ed, const char *const *names, unsigned int n,
			struct con_cmd *out)
{
	if (ed->overlong) {
		out->guest = -1;
		error(out, "console: line too long (at most %u characters); nothing done",
		      CON_CMD_LINE_MAX);
		return;
	}
	con_cmd_parse(ed->buf, names, n, out);
}

void con_cmd_guest_line(char *buf, size_t size, const struct con_cmd_guest *g)
{
	size_t len;

	if (g->stopped && g->restarting)
		len = (size_t)sfmt(buf, size, "console: %s: restarting (%s), %u cpu%s (host",
				   g->name, g->reason, g->cpus, g->cpus == 1 ? "" : "s");
	else
		len = (size_t)sfmt(buf, size, "console: %s: %s%s, %u cpu%s (host", g->name,
				   g->stopped ? "stopped: " : "running",
				   g->stopped ? g->reason : "", g->cpus, g->cpus == 1 ? "" : "s");
	for (unsigned int i = 0; i < g->cpus && len < size; i++)
		len += (size_t)sfmt(buf + len, size - len, "%s%u", i ? "," : " ", g->host_cpus[i]);
	if (len < size)
		len += (size_t)sfmt(buf + len, size - len, "), %llu MiB, ",
				    (unsigned long long)(g->memory >> 20));
	if (len >= size)
		return;
	if (!g->nvf)
		sfmt(buf + len, size - len, "no vf");
	for (unsigned int i = 0; i < g->nvf && i < CONFIG_GUEST_VFS && len < size; i++) {
		const uint8_t *m = g->mac[i];

		len += (size_t)sfmt(buf + len, size - len,
				    "%svf %d mac %02x:%02x:%02x:%02x:%02x:%02x", i ? ", " : "",
				    g->vf[i], m[0], m[1], m[2], m[3], m[4], m[5]);
	}
}
