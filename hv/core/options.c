// SPDX-License-Identifier: MIT
/* The command-line options' table and what is checked and printed from it;
 * pure (the console is printk), so it is unit-tested on the host. */
#include "boot/boot_info.h"
#include "drivers/pci/pci.h"
#include "hv/core/cmdline.h"
#include "hv/core/options.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"

static bool number_in(const char *v, unsigned long long lo, unsigned long long hi)
{
	unsigned long long n;

	return cmdline_parse_u64(v, &n) && n >= lo && n <= hi;
}

static bool valid_console(const struct option *o, const char *v)
{
	/* an I/O port: 8 UART registers below 0x10000 */
	return options_one_of(o, v) || number_in(v, 1, 0xFFF7);
}

static bool valid_loglevel(const struct option *o, const char *v)
{
	(void)o;
	return number_in(v, LOG_ERR, LOG_DEBUG);
}

static bool valid_pci_name(const struct option *o, const char *v)
{
	uint16_t seg;
	uint8_t bus, devfn;

	(void)o;
	return pci_parse_name(v, &seg, &bus, &devfn);
}

static bool valid_count(const struct option *o, const char *v)
{
	(void)o;
	return number_in(v, 1, ~0ull);
}

static bool valid_name(const struct option *o, const char *v)
{
	(void)o;
	return v[0] != '\0';
}

static const char *const console_words[] = {"com1", "com2", "none", NULL};
static const char *const selftest_words[] = {"exception", "nic",	"dmafault", "irq", "svm",
					     "wx",	  "stackguard", "watchdog", NULL};
static const char *const igb_omit_words[] = {"loopback", "macfilter", "pfrstd", NULL};
static const char *const iommu_omit_words[] = {"dma", "ir", NULL};
static const char *const vmx_break_words[] = {"cr0", NULL};
static const char *const bit_words[] = {"0", "1", NULL};
static const char *const on_off_words[] = {"on", "off", NULL};

static bool valid_piece_mib(const struct option *o, const char *v)
{
	unsigned long long n;

	(void)o;
	return cmdline_parse_u64(v, &n) && n >= 2 && n <= 65536 && !(n & 1);
}

static bool valid_stall_ms(const struct option *o, const char *v)
{
	(void)o;
	return number_in(v, 100, 10000);
}

static bool valid_watchdog_ms(const struct option *o, const char *v)
{
	(void)o;
	return number_in(v, 100, 60000);
}

/* README.md's options table lists exactly these (tests/unit/test_options.c). */
const struct option options[] = {
	{.name = "console",
	 .value = "com1|com2|none|0xPORT",
	 .help = "serial console port (default COM1, 115200 8N1)",
	 .choices = "com1, com2, none or an I/O port",
	 .valid = valid_console,
	 .words = console_words,
	 .bad_level = LOG_WARN},
	{.name = "loglevel",
	 .value = "0..3",
	 .help = "errors, warnings, info (default), debug",
	 .choices = "0 (errors) .. 3 (debug)",
	 .valid = valid_loglevel,
	 .bad_level = LOG_WARN},
	{.name = "nic",
	 .value = "SSSS:BB:DD.F",
	 .help = "the igb PF to take (default: the first 82576 found)",
	 .choices = "SSSS:BB:DD.F",
	 .valid = valid_pci_name,
	 .bad_level = LOG_ERR},
	{.name = "vfs",
	 .value = "N",
	 .help = "VFs to enable, 1..7 (default: as many as the configuration asks for, else 2; the "
		 "last pool stays the PF's)",
	 .choices = "a number of VFs, 1 or more",
	 .valid = valid_count,
	 .bad_level = LOG_ERR},
	{.name = "selftest",
	 .value = "LIST",
	 .help = "boot-time diagnostics, run in the order given",
	 .choices = "a comma-separated list of exception, nic, dmafault, irq, svm, wx, stackguard, "
		    "watchdog",
	 .valid = options_list_of,
	 .words = selftest_words,
	 .bad_level = LOG_WARN},
	{.name = "igb.omit",
	 .value = "LIST",
	 .help = "fault injection: igb PF set-up steps to leave out",
	 .choices = "a comma-separated list of loopback, macfilter, pfrstd",
	 .valid = options_list_of,
	 .words = igb_omit_words,
	 .bad_level = LOG_WARN},
	{.name = "igb.stall_ms",
	 .value = "N",
	 .help = "fault injection: leave the VF mailbox unserved for N ms from the first VF "
		 "request, as a held-up service cpu would",
	 .choices = "a number of milliseconds, 100..10000",
	 .valid = valid_stall_ms,
	 .bad_level = LOG_WARN},
	{.name = "vmx.break",
	 .value = "cr0",
	 .help = "fault injection: enter VT-x guests with CR0.PG set and PE clear",
	 .choices = "cr0",
	 .valid = options_one_of,
	 .words = vmx_break_words,
	 .bad_level = LOG_WARN},
	{.name = "vmx.poison",
	 .value = "0|1",
	 .help = "test aid: fill each VMCS region with 0xff before VMCLEAR",
	 .choices = "0 or 1",
	 .valid = options_one_of,
	 .words = bit_words,
	 .bad_level = LOG_WARN},
	{.name = "vtd.omit",
	 .value = "dma|ir|dma,ir",
	 .help = "fault injection: leave DMA or interrupt remapping off",
	 .choices = "dma, ir or dma,ir",
	 .valid = options_list_of,
	 .words = iommu_omit_words,
	 .bad_level = LOG_WARN},
	{.name = "config",
	 .value = "NAME",
	 .help = "the boot module holding the guest configuration",
	 .choices = "a boot module's name",
	 .valid = valid_name,
	 .bad_level = LOG_WARN},
	{.name = "watchdog",
	 .value = "on|off",
	 .help = "the NMI watchdog on the service cpu (default on where the machine has a PIT "
		 "and 8259s wired to LINT0)",
	 .choices = "on or off",
	 .valid = options_one_of,
	 .words = on_off_words,
	 .bad_level = LOG_WARN},
	{.name = "watchdog.ms",
	 .value = "N",
	 .help = "how long the service loop may make no progress before the watchdog reports it "
		 "(default 1000)",
	 .choices = "a number of milliseconds, 100..60000",
	 .valid = valid_watchdog_ms,
	 .bad_level = LOG_WARN},
	{.name = "ram.piece_mib",
	 .value = "N",
	 .help = "test aid: carve each guest's RAM in pieces of host memory of at most N MiB "
		 "(default: as large as free memory allows)",
	 .choices = "an even number of MiB, 2..65536",
	 .valid = valid_piece_mib,
	 .bad_level = LOG_WARN},
	{.name = "help", .help = "print these options at boot", .choices = "no value"},
};

const unsigned int options_count = sizeof(options) / sizeof(options[0]);

const struct option *options_find(const char *name, size_t len)
{
	for (unsigned int i = 0; i < options_count; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

static bool word_in(const char *const *words, const char *w, size_t len)
{
	for (; words && *words; words++)
		if (strlen(*words) == len && !strncmp(*words, w, len))
			return true;
	return false;
}

bool options_one_of(const struct option *o, const char *v)
{
	return word_in(o->words, v, strlen(v));
}

bool options_list_of(const struct option *o, const char *v)
{
	for (;;) {
		const char *w = v;

		while (*v && *v != ',')
			v++;
		if (!word_in(o->words, w, (size_t)(v - w)))
			return false; /* empty items too: "a,,b", "a," */
		if (!*v++)
			return true;
	}
}

/* Is @v (@len characters) a value @o takes? */
static bool value_ok(const struct option *o, const char *v, size_t len)
{
	char buf[OPTIONS_VALUE_MAX];

	if (len >= sizeof(buf))
		return false;
	str_ncopy(buf, v, len, sizeof(buf));
	return !o->valid || o->valid(o, buf);
}

unsigned int options_check(const char *cl)
{
	const char *w;
	size_t len;
	unsigned int bad = 0;
	bool help = false;

	for (const char *p = cl; (p = cmdline_word(p, &w, &len));) {
		size_t k = 0;
		const struct option *o;

		while (k < len && w[k] != '=')
			k++;
		o = options_find(w, k);
		if (!o) {
			pr_warn("unknown command line option '%.*s' ignored\n", (int)len, w);
			bad++;
		} else if (o->value && (k == len || !value_ok(o, w + k + 1, len - k - 1))) {
			printk(o->bad_level, "%.*s: expected %s\n", (int)len, w, o->choices);
			bad++;
		}
		help |= o && !o->value;
	}
	if (help)
		options_help();
	return bad;
}

void options_help(void)
{
	pr_info("command line options (NAME=VALUE, separated by spaces):\n");
	for (unsigned int i = 0; i < options_count; i++) {
		const struct option *o = &options[i];

		if (o->value)
			pr_info("  %s=%s: %s; expected %s\n", o->name, o->value, o->help,
				o->choices);
		else
			pr_info("  %s: %s\n", o->name, o->help);
	}
}

int options_get(const char *cl, const char *name, char *val, size_t n)
{
	const struct option *o = options_find(name, strlen(name));

	if (!cmdline_has(cl, name))
		return 0;
	if (o && !o->value)
		return 1; /* a flag */
	if (!cmdline_get(cl, name, val, n))
		return -EINVAL;
	return !o || !o->valid || o->valid(o, val) ? 1 : -EINVAL;
}
