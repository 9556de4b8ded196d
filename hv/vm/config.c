// SPDX-License-Identifier: MIT
/*
 * The guest configuration file (format in config.h). The text is untrusted
 * input of a given length: it is walked as (pointer, length) slices and never
 * read past @len nor assumed NUL-terminated. Values are copied into the
 * fixed-size fields only after their length has been checked.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/vm/config.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "drivers/pci/pci.h"
#include "lib/printk.h"

#define SHOW_MAX 40 /* bytes of a bad value quoted in a message */

enum key {
	K_PF,
	K_VFS,
	K_CPUS,
	K_MEMORY,
	K_KERNEL,
	K_INITRD,
	K_CMDLINE,
	K_VF,
	K_MAC,
	K_VLAN,
	K_QOS,
	K_SPOOFCHK,
	K_TRUST,
	K_LINK,
	K_ON_RESET,
	K_RESET_LIMIT,
	K_COUNT
};

static const char *const key_name[K_COUNT] = {
	[K_PF] = "pf",
	[K_VFS] = "vfs",
	[K_CPUS] = "cpus",
	[K_MEMORY] = "memory",
	[K_KERNEL] = "kernel",
	[K_INITRD] = "initrd",
	[K_CMDLINE] = "cmdline",
	[K_VF] = "vf",
	[K_MAC] = "mac",
	[K_VLAN] = "vlan",
	[K_QOS] = "qos",
	[K_SPOOFCHK] = "spoofchk",
	[K_TRUST] = "trust",
	[K_LINK] = "link",
	[K_ON_RESET] = "on_reset",
	[K_RESET_LIMIT] = "reset_limit",
};

/* The VF settings: meaningless without a VF. */
static const enum key vf_keys[] = {K_VLAN, K_QOS, K_SPOOFCHK, K_TRUST, K_LINK};

enum section { S_NONE, S_NIC, S_GUEST, S_SKIP /* a rejected header: its keys are ignored */ };

struct slice {
	const char *s;
	size_t len;
};

struct parser {
	struct vf_config *c;
	const char *file;
	unsigned int line, errors;
	enum section sect;
	struct guest_cfg *g;
	unsigned int *seen; /* line of each key in the current section, 0: not yet */
	unsigned int nic_seen[K_COUNT];
	unsigned int guest_seen[CONFIG_MAX_GUESTS][K_COUNT];
	unsigned int guest_headers; /* [guest ...] lines, accepted or not */
	char show[SHOW_MAX + 4];
};

__attribute__((format(printf, 3, 4))) static void err_at(struct parser *p, unsigned int line,
							 const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		pr_err("config %s:%u: %s\n", p->file, line, msg);
	else
		pr_err("config %s: %s\n", p->file, msg);
	p->errors++;
}

static int finish(struct parser *p)
{
	if (!p->errors)
		return 0;
	pr_err("config %s: %u error%s\n", p->file, p->errors, p->errors == 1 ? "" : "s");
	return -EINVAL;
}

/* @t as a NUL-terminated string for a message, cut to SHOW_MAX with "...".
 * (Copied rather than printed with "%.*s": the slice is not terminated.) */
static const char *show(struct parser *p, struct slice t)
{
	if (str_ncopy(p->show, t.s, t.len, SHOW_MAX + 1) > SHOW_MAX)
		memcpy(p->show + SHOW_MAX, "...", 4);
	return p->show;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static struct slice trim(struct slice t)
{
	while (t.len && is_blank(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len && is_blank(t.s[t.len - 1]))
		t.len--;
	return t;
}

static bool slice_is(struct slice t, const char *word)
{
	size_t n = strlen(word);

	return t.len == n && !memcmp(t.s, word, n);
}

/* Decimal, or hex with 0x: 0, -EINVAL if malformed, -ERANGE past 64 bits. */
static int parse_u64(struct slice t, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	if (t.len > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == t.len)
		return -EINVAL;
	for (; i < t.len; i++) {
		char ch = t.s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* ---- values ----------------------------------------------------------------- */

/* A number @lo-@hi for key @k. */
static bool parse_ranged(struct parser *p, enum key k, struct slice v, unsigned int lo,
			 unsigned int hi, unsigned int *out)
{
	uint64_t n;
	int err = parse_u64(v, &n);

	if (err == -EINVAL) {
		err_at(p, p->line, "bad %s '%s' (a number %u-%u)", key_name[k], show(p, v), lo, hi);
		return false;
	}
	if (err || n < lo || n > hi) {
		err_at(p, p->line, "%s '%s' out of range (%u-%u)", key_name[k], show(p, v), lo, hi);
		return false;
	}
	*out = (unsigned int)n;
	return true;
}

static bool parse_index(struct parser *p, enum key k, struct slice v, unsigned int *out)
{
	return parse_ranged(p, k, v, 0, CONFIG_MAX_VF, out);
}

static void parse_yes_no(struct parser *p, enum key k, struct slice v, bool *out)
{
	if (slice_is(v, "yes"))
		*out = true;
	else if (slice_is(v, "no"))
		*out = false;
	else
		err_at(p, p->line, "bad %s '%s' (yes or no)", key_name[k], show(p, v));
}

static void parse_pf(struct parser *p, struct slice v)
{
	char buf[16];

	/* pci_parse_name wants a string: anything longer is malformed anyway */
	if (v.len < sizeof(buf)) {
		str_ncopy(buf, v.s, v.len, sizeof(buf));
		if (pci_parse_name(buf, &p->c->pf_seg, &p->c->pf_bus, &p->c->pf_devfn)) {
			p->c->have_pf = true;
			return;
		}
	}
	err_at(p, p->line, "bad pf '%s' (expected SSSS:BB:DD.F)", show(p, v));
}

static void parse_memory(struct parser *p, struct slice v)
{
	struct slice num = v;
	unsigned int shift = 0;
	uint64_t n;
	int err;

	switch (v.s[v.len - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	}
	if (shift)
		num.len--;
	err = parse_u64(num, &n);
	if (err == -EINVAL) {
		err_at(p, p->line, "bad memory '%s' (bytes, or a number with K, M or G)",
		       show(p, v));
		return;
	}
	if (err || n > UINT64_MAX >> shift) {
		err_at(p, p->line, "memory '%s' overflows 64 bits", show(p, v));
		return;
	}
	n <<= shift;
	if (n < CONFIG_MEM_MIN)
		err_at(p, p->line, "memory '%s' below the minimum of 32M", show(p, v));
	else if (n > CONFIG_MEM_MAX)
		err_at(p, p->line, "memory '%s' above the maximum of 64G", show(p, v));
	else if (n % CONFIG_MEM_ALIGN)
		err_at(p, p->line, "memory '%s' not a multiple of 2M", show(p, v));
	else
		p->g->memory = n;
}

/* "1", "1,3", "1-3,5": one error per value, and then the guest gets no CPUs. */
/* The next item of the comma-separated list @v from *@i, trimmed; false
 * past its end. "a,,b" and "a," have an empty item, "" is one. */
static bool list_next(struct slice v, size_t *i, struct slice *item)
{
	if (*i > v.len)
		return false;
	*item = (struct slice){v.s + *i, 0};
	while (*i + item->len < v.len && v.s[*i + item->len] != ',')
		item->len++;
	*i += item->len + 1;
	*item = trim(*item);
	return true;
}

static void parse_cpus(struct parser *p, struct slice v)
{
	uint64_t set = 0;
	size_t i = 0;
	struct slice item;

	while (list_next(v, &i, &item)) {
		struct slice lo, hi;
		uint64_t a, b;
		size_t dash;

		if (!item.len) {
			err_at(p, p->line, "empty item in cpus '%s'", show(p, v));
			return;
		}
		for (dash = 0; dash < item.len && item.s[dash] != '-'; dash++)
			;
		lo = trim((struct slice){item.s, dash});
		hi = dash < item.len ? trim((struct slice){item.s + dash + 1, item.len - dash - 1})
				     : lo;
		if (parse_u64(lo, &a) || parse_u64(hi, &b)) {
			err_at(p, p->line, "bad CPU '%s' in cpus", show(p, item));
			return;
		}
		if (a > b) {
			err_at(p, p->line, "bad CPU range '%s' (first above last)", show(p, item));
			return;
		}
		if (b >= CONFIG_MAX_CPUS) {
			err_at(p, p->line, "CPU '%s' out of range (1-%u)", show(p, item),
			       CONFIG_MAX_CPUS - 1);
			return;
		}
		if (a == 0) {
			err_at(p, p->line, "CPU 0 is the hypervisor's service CPU");
			return;
		}
		for (uint64_t cpu = a; cpu <= b; cpu++) {
			if (set & 1ull << cpu) {
				err_at(p, p->line, "CPU %u listed twice", (unsigned int)cpu);
				return;
			}
			set |= 1ull << cpu;
		}
	}
	p->g->cpus = set;
}

static void parse_name(struct parser *p, enum key k, struct slice v, char *dst, size_t size)
{
	if (v.len >= size) {
		err_at(p, p->line, "%s longer than %u bytes", key_name[k], (unsigned int)size - 1);
		return;
	}
	str_ncopy(dst, v.s, v.len, size);
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool parse_one_mac(struct parser *p, struct slice v, uint8_t mac[6])
{
	if (v.len != 17)
		goto bad;
	for (unsigned int i = 0; i < 6; i++) {
		int hi = hex_digit(v.s[i * 3]), lo = hex_digit(v.s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && v.s[i * 3 + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1) {
		err_at(p, p->line, "mac '%s' is multicast", show(p, v));
		return false;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		err_at(p, p->line, "mac '%s' is zero", show(p, v));
		return false;
	}
	return true;
bad:
	err_at(p, p->line, "bad mac '%s' (expected xx:xx:xx:xx:xx:xx)", show(p, v));
	return false;
}

/* mac = A or A,B,...: one per VF, each once. */
static void parse_macs(struct parser *p, struct slice v)
{
	uint8_t mac[CONFIG_GUEST_VFS][6];
	unsigned int n = 0;
	struct slice item;
	size_t i = 0;

	while (list_next(v, &i, &item)) {
		if (!item.len) {
			err_at(p, p->line, "empty item in mac '%s'", show(p, v));
			return;
		}
		if (n == CONFIG_GUEST_VFS) {
			err_at(p, p->line, "more than %u MACs in mac '%s'", CONFIG_GUEST_VFS,
			       show(p, v));
			return;
		}
		if (!parse_one_mac(p, item, mac[n]))
			return;
		for (unsigned int j = 0; j < n; j++)
			if (!memcmp(mac[j], mac[n], 6)) {
				err_at(p, p->line, "mac '%s' listed twice", show(p, item));
				return;
			}
		n++;
	}
	memcpy(p->g->mac, mac, sizeof(mac));
	p->g->nmac = n;
}

/* vf = N or N,M,...: each once, at most CONFIG_GUEST_VFS. */
static void parse_vfs(struct parser *p, struct slice v)
{
	int vf[CONFIG_GUEST_VFS];
	unsigned int n = 0, idx;
	struct slice item;
	size_t i = 0;

	while (list_next(v, &i, &item)) {
		if (!item.len) {
			err_at(p, p->line, "empty item in vf '%s'", show(p, v));
			return;
		}
		if (n == CONFIG_GUEST_VFS) {
			err_at(p, p->line, "more than %u VFs in vf '%s' (a guest has at most %u)",
			       CONFIG_GUEST_VFS, show(p, v), CONFIG_GUEST_VFS);
			return;
		}
		if (!parse_index(p, K_VF, item, &idx))
			return;
		for (unsigned int j = 0; j < n; j++)
			if (vf[j] == (int)idx) {
				err_at(p, p->line, "VF %u listed twice in vf '%s'", idx,
				       show(p, v));
				return;
			}
		vf[n++] = (int)idx;
	}
	memcpy(p->g->vf, vf, sizeof(vf));
	p->g->nvf = n;
}

static void parse_link(struct parser *p, struct slice v)
{
	if (slice_is(v, "auto"))
		p->g->vfc.link = IGB_LINK_AUTO;
	else if (slice_is(v, "up"))
		p->g->vfc.link = IGB_LINK_UP;
	else if (slice_is(v, "down"))
		p->g->vfc.link = IGB_LINK_DOWN;
	else
		err_at(p, p->line, "bad link '%s' (auto, up or down)", show(p, v));
}

static void parse_on_reset(struct parser *p, struct slice v)
{
	if (slice_is(v, "restart"))
		p->g->reset_stop = false;
	else if (slice_is(v, "stop"))
		p->g->reset_stop = true;
	else
		err_at(p, p->line, "bad on_reset '%s' (restart or stop)", show(p, v));
}

/* "N/S": at most N restarts within S seconds. */
static void parse_reset_limit(struct parser *p, struct slice v)
{
	size_t slash = 0;
	unsigned int n, s;

	while (slash < v.len && v.s[slash] != '/')
		slash++;
	if (slash == v.len) {
		err_at(p, p->line, "bad reset_limit '%s' (RESTARTS/SECONDS, e.g. 5/60)",
		       show(p, v));
		return;
	}
	if (parse_ranged(p, K_RESET_LIMIT, (struct slice){v.s, slash}, 1, CONFIG_RESETS_MAX, &n) &&
	    parse_ranged(p, K_RESET_LIMIT, (struct slice){v.s + slash + 1, v.len - slash - 1}, 1,
			 CONFIG_RESET_WINDOW_MAX, &s)) {
		p->g->reset_max = n;
		p->g->reset_window_s = s;
	}
}

static void set_value(struct parser *p, enum key k, struct slice v)
{
	struct guest_cfg *g = p->g;
	unsigned int n;

	switch (k) {
	case K_PF:
		parse_pf(p, v);
		break;
	case K_VFS:
		if (parse_index(p, k, v, &n)) {
			p->c->vfs = n;
			p->c->have_vfs = true;
		}
		break;
	case K_CPUS:
		parse_cpus(p, v);
		break;
	case K_MEMORY:
		parse_memory(p, v);
		break;
	case K_KERNEL:
		parse_name(p, k, v, g->kernel, sizeof(g->kernel));
		break;
	case K_INITRD:
		parse_name(p, k, v, g->initrd, sizeof(g->initrd));
		break;
	case K_CMDLINE:
		parse_name(p, k, v, g->cmdline, sizeof(g->cmdline));
		break;
	case K_VF:
		parse_vfs(p, v);
		break;
	case K_MAC:
		parse_macs(p, v);
		break;
	case K_VLAN:
		if (parse_ranged(p, k, v, 1, IGB_VFCONF_VLAN_MAX, &n))
			g->vfc.vlan = (uint16_t)n;
		break;
	case K_QOS:
		if (parse_ranged(p, k, v, 0, IGB_VFCONF_QOS_MAX, &n))
			g->vfc.qos = (uint8_t)n;
		break;
	case K_SPOOFCHK:
		parse_yes_no(p, k, v, &g->vfc.spoofchk);
		break;
	case K_TRUST:
		parse_yes_no(p, k, v, &g->vfc.trust);
		break;
	case K_LINK:
		parse_link(p, v);
		break;
	case K_ON_RESET:
		parse_on_reset(p, v);
		break;
	case K_RESET_LIMIT:
		parse_reset_limit(p, v);
		break;
	case K_COUNT:
		break;
	}
}

/* ---- lines ------------------------------------------------------------------ */

static bool name_ok(struct slice n)
{
	if (!n.len || n.len > CONFIG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n.len; i++) {
		char ch = n.s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '-'))
			return false;
	}
	return true;
}

static void open_guest(struct parser *p, struct slice name)
{
	struct vf_config *c = p->c;
	struct guest_cfg *g;

	p->guest_headers++;
	if (!name.len) {
		err_at(p, p->line, "[guest] without a name");
		return;
	}
	if (!name_ok(name)) {
		err_at(p, p->line, "bad guest name '%s' (1-%u of a-z 0-9 _ -)", show(p, name),
		       CONFIG_NAME_MAX);
		return;
	}
	for (unsigned int i = 0; i < c->guest_count; i++) {
		if (slice_is(name, c->guest[i].name)) {
			err_at(p, p->line, "duplicate guest name '%s' (first at line %u)",
			       c->guest[i].name, c->guest[i].line);
			return;
		}
	}
	if (c->guest_count == CONFIG_MAX_GUESTS) {
		err_at(p, p->line, "more than %u guests", CONFIG_MAX_GUESTS);
		return;
	}
	g = &c->guest[c->guest_count];
	memset(g, 0, sizeof(*g));
	str_ncopy(g->name, name.s, name.len, sizeof(g->name));
	g->reset_max = CONFIG_RESETS_DEFAULT;
	g->reset_window_s = CONFIG_RESET_WINDOW_DEFAULT;
	igb_vf_conf_default(&g->vfc);
	str_copy(g->vfc.guest, g->name, sizeof(g->vfc.guest));
	g->line = p->line;
	p->g = g;
	p->seen = p->guest_seen[c->guest_count];
	p->sect = S_GUEST;
	c->guest_count++;
}

static void section(struct parser *p, struct slice l)
{
	struct slice in, word, rest;
	size_t close = 0, w = 0;

	p->sect = S_SKIP; /* until the header proves good */
	while (close < l.len && l.s[close] != ']')
		close++;
	if (close == l.len) {
		err_at(p, p->line, "section header without ']'");
		return;
	}
	if (close != l.len - 1) {
		err_at(p, p->line, "text after ']'");
		return;
	}
	in = trim((struct slice){l.s + 1, close - 1});
	while (w < in.len && !is_blank(in.s[w]))
		w++;
	word = (struct slice){in.s, w};
	rest = trim((struct slice){in.s + w, in.len - w});
	if (slice_is(word, "guest")) {
		open_guest(p, rest);
	} else if (slice_is(word, "nic")) {
		if (rest.len) {
			err_at(p, p->line, "[nic] takes no name");
		} else if (p->c->nic_line) {
			err_at(p, p->line, "duplicate [nic] section (first at line %u)",
			       p->c->nic_line);
		} else {
			p->c->nic_line = p->line;
			p->seen = p->nic_seen;
			p->sect = S_NIC;
		}
	} else {
		err_at(p, p->line, "unknown section [%s] (expected [nic] or [guest NAME])",
		       show(p, in));
	}
}

static void key_value(struct parser *p, struct slice l)
{
	struct slice key, val;
	size_t eq = 0;
	int k;

	if (p->sect == S_NONE) {
		err_at(p, p->line, "line outside any section (expected [nic] or [guest NAME])");
		return;
	}
	if (p->sect == S_SKIP)
		return;
	while (eq < l.len && l.s[eq] != '=')
		eq++;
	if (eq == l.len) {
		err_at(p, p->line, "missing '=' in '%s'", show(p, l));
		return;
	}
	key = trim((struct slice){l.s, eq});
	val = trim((struct slice){l.s + eq + 1, l.len - eq - 1});
	if (!key.len) {
		err_at(p, p->line, "missing key before '='");
		return;
	}
	/* [nic] has pf and vfs, a guest the rest */
	for (k = p->sect == S_NIC ? K_PF : K_CPUS; k < (p->sect == S_NIC ? K_CPUS : K_COUNT); k++)
		if (slice_is(key, key_name[k]))
			break;
	if (k == (p->sect == S_NIC ? K_CPUS : K_COUNT)) {
		if (p->sect == S_NIC)
			err_at(p, p->line, "unknown key '%s' in [nic]", show(p, key));
		else
			err_at(p, p->line, "unknown key '%s' in [guest %s]", show(p, key),
			       p->g->name);
		return;
	}
	if (p->seen[k]) {
		err_at(p, p->line, "duplicate key '%s' (first at line %u)", key_name[k],
		       p->seen[k]);
		return;
	}
	/* seen even if the value is bad, so it is not also reported missing */
	p->seen[k] = p->line;
	if (!val.len) {
		err_at(p, p->line, "empty value for '%s'", key_name[k]);
		return;
	}
	set_value(p, (enum key)k, val);
}

static void parse_line(struct parser *p, struct slice l)
{
	if (l.len > CONFIG_LINE_MAX) {
		err_at(p, p->line, "line longer than %u bytes", CONFIG_LINE_MAX);
		return;
	}
	for (size_t i = 0; i < l.len; i++) {
		unsigned char ch = (unsigned char)l.s[i];

		if (!ch) {
			err_at(p, p->line, "NUL byte in the text");
			return;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			err_at(p, p->line, "control character 0x%02x", ch);
			return;
		}
	}
	l = trim(l);
	if (!l.len || l.s[0] == '#' || l.s[0] == ';')
		return;
	if (l.s[0] == '[')
		section(p, l);
	else
		key_value(p, l);
}

static const enum key required[] = {K_CPUS, K_MEMORY, K_KERNEL};

int config_parse(struct vf_config *c, const char *file, const char *text, size_t len)
{
	struct parser p;
	size_t pos = 0;

	memset(&p, 0, sizeof(p));
	memset(c, 0, sizeof(*c));
	p.c = c;
	p.file = file;
	while (pos < len) {
		struct slice l = {text + pos, 0};

		while (pos + l.len < len && text[pos + l.len] != '\n')
			l.len++;
		pos += l.len + 1; /* past the '\n', or to len + 1 on the last line */
		if (l.len && l.s[l.len - 1] == '\r')
			l.len--;
		p.line++;
		parse_line(&p, l);
	}
	for (unsigned int i = 0; i < c->guest_count; i++) {
		struct guest_cfg *g = &c->guest[i];

		const unsigned int *seen = p.guest_seen[i];

		for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++)
			if (!seen[required[r]])
				err_at(&p, g->line, "guest %s: missing '%s'", g->name,
				       key_name[required[r]]);
		for (size_t r = 0; r < sizeof(vf_keys) / sizeof(vf_keys[0]); r++)
			if (seen[vf_keys[r]] && !seen[K_VF])
				err_at(&p, seen[vf_keys[r]], "guest %s: %s needs a vf", g->name,
				       key_name[vf_keys[r]]);
		if (seen[K_QOS] && seen[K_VF] && !seen[K_VLAN])
			err_at(&p, seen[K_QOS], "guest %s: qos needs a vlan", g->name);
		if (g->nmac && g->nmac != g->nvf)
			err_at(&p, seen[K_MAC],
			       "guest %s: %u MAC%s for %u VF%s (mac lists one per vf, in its "
			       "order)",
			       g->name, g->nmac, g->nmac == 1 ? "" : "s", g->nvf,
			       g->nvf == 1 ? "" : "s");
		for (unsigned int v = 0; !c->have_vfs && v < g->nvf; v++)
			if ((unsigned int)g->vf[v] + 1 > c->vfs)
				c->vfs = (unsigned int)g->vf[v] + 1;
	}
	if (!p.guest_headers)
		err_at(&p, 0, "no [guest] section");
	return finish(&p);
}

/* ---- cross-checks ----------------------------------------------------------- */

static bool have_module(const struct config_machine *m, const char *name)
{
	for (unsigned int i = 0; i < m->module_count; i++)
		if (m->modules[i] && !strcmp(m->modules[i], name))
			return true;
	return false;
}

static bool guest_has_vf(const struct guest_cfg *g, int vf)
{
	for (unsigned int v = 0; v < g->nvf; v++)
		if (g->vf[v] == vf)
			return true;
	return false;
}

static bool guest_has_mac(const struct guest_cfg *g, const uint8_t mac[6])
{
	for (unsigned int v = 0; v < g->nmac; v++)
		if (!memcmp(g->mac[v], mac, 6))
			return true;
	return false;
}

int config_check(const struct vf_config *c, const char *file, const struct config_machine *m)
{
	unsigned int n = c->guest_count < CONFIG_MAX_GUESTS ? c->guest_count : CONFIG_MAX_GUESTS;
	unsigned int cpus = m->cpu_count < CONFIG_MAX_CPUS ? m->cpu_count : CONFIG_MAX_CPUS;
	uint64_t total = 0;
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.file = file;
	if (!n)
		err_at(&p, 0, "no guests");
	for (unsigned int i = 0; i < n; i++) {
		const struct guest_cfg *g = &c->guest[i];

		for (unsigned int cpu = 0; cpu < CONFIG_MAX_CPUS; cpu++) {
			if (!(g->cpus & 1ull << cpu))
				continue;
			if (cpu >= cpus) {
				err_at(&p, g->line, "guest %s: CPU %u does not exist (%u CPUs)",
				       g->name, cpu, m->cpu_count);
				continue;
			}
			for (unsigned int j = 0; j < i; j++) {
				if (c->guest[j].cpus & 1ull << cpu) {
					err_at(&p, g->line, "guest %s: CPU %u also given to %s",
					       g->name, cpu, c->guest[j].name);
					break;
				}
			}
		}
		for (unsigned int v = 0; v < g->nvf; v++) {
			int vf = g->vf[v];

			if ((unsigned int)vf >= m->vfs_available)
				err_at(&p, g->line, "guest %s: VF %d but the NIC has %u VFs",
				       g->name, vf, m->vfs_available);
			else if (c->have_vfs && (unsigned int)vf >= c->vfs)
				err_at(&p, g->line, "guest %s: VF %d but [nic] vfs = %u", g->name,
				       vf, c->vfs);
			for (unsigned int j = 0; j < i; j++)
				if (guest_has_vf(&c->guest[j], vf))
					err_at(&p, g->line, "guest %s: VF %d also given to %s",
					       g->name, vf, c->guest[j].name);
		}
		for (unsigned int v = 0; v < g->nmac; v++) {
			const uint8_t *mac = g->mac[v];

			for (unsigned int j = 0; j < i; j++)
				if (guest_has_mac(&c->guest[j], mac))
					err_at(&p, g->line,
					       "guest %s: MAC %02x:%02x:%02x:%02x:%02x:%02x also "
					       "given to %s",
					       g->name, mac[0], mac[1], mac[2], mac[3], mac[4],
					       mac[5], c->guest[j].name);
		}
		if (!have_module(m, g->kernel))
			err_at(&p, g->line, "guest %s: kernel '%s' is not a boot module", g->name,
			       g->kernel);
		if (g->initrd[0] && !have_module(m, g->initrd))
			err_at(&p, g->line, "guest %s: initrd '%s' is not a boot module", g->name,
			       g->initrd);
		total += g->memory; /* each at most 64G: no overflow */
	}
	if (c->have_vfs && c->vfs > m->vfs_available)
		err_at(&p, c->nic_line, "vfs = %u but the NIC has %u VFs", c->vfs,
		       m->vfs_available);
	if (total > m->free_bytes)
		err_at(&p, 0, "guests need %llu MiB, %llu MiB free",
		       (unsigned long long)(total >> 20),
		       (unsigned long long)(m->free_bytes >> 20));
	return finish(&p);
}

static void default_guest(struct guest_cfg *g, const char *name, unsigned int cpu, int vf,
			  const char *initrd)
{
	memset(g, 0, sizeof(*g));
	str_copy(g->name, name, sizeof(g->name));
	g->cpus = 1ull << cpu;
	g->memory = 256ull << 20;
	str_copy(g->kernel, "vmlinuz", sizeof(g->kernel));
	str_copy(g->initrd, initrd, sizeof(g->initrd));
	sfmt(g->cmdline, sizeof(g->cmdline), "console=ttyS0,115200 vf.name=%s", name);
	g->vf[0] = vf;
	g->nvf = 1;
	g->reset_max = CONFIG_RESETS_DEFAULT;
	g->reset_window_s = CONFIG_RESET_WINDOW_DEFAULT;
	igb_vf_conf_default(&g->vfc);
	str_copy(g->vfc.guest, name, sizeof(g->vfc.guest));
}

void config_default(struct vf_config *c)
{
	memset(c, 0, sizeof(*c));
	default_guest(&c->guest[0], "alpha", 1, 0, "initrd-alpha");
	default_guest(&c->guest[1], "beta", 2, 1, "initrd-beta");
	c->guest_count = 2;
	c->vfs = 2;
}
