// SPDX-License-Identifier: MIT
/* The command-line options' table: what is warned, what is not, the
 * bad-value messages, `help`, and README.md's options table against it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/core/options.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"

/* Every option with a value it takes (the flag `help` left out: it prints). */
static const char every_option[] =
	"console=com2 loglevel=3 nic=0000:01:00.0 vfs=7 "
	"selftest=exception,nic,dmafault,irq,svm,watchdog "
	"igb.omit=loopback,pfrstd igb.stall_ms=3000 vmx.break=cr0 vmx.poison=1 "
	"vtd.omit=dma,ir config=guests.conf watchdog=off "
	"watchdog.ms=60000 ram.piece_mib=128";

static void test_known_not_warned(void **state)
{
	(void)state;
	printk_reset();
	assert_int_equal(options_check(every_option), 0);
	assert_string_equal(printk_log, "");
	/* every option in the table is in the line above */
	for (unsigned int i = 0; i < options_count; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s%s", options[i].name, options[i].value ? "=" : "");
		assert_true(!options[i].value || strstr(every_option, key));
	}
	/* the two once reported as unknown and then honoured */
	assert_int_equal(options_check("config=x.conf vmx.break=cr0"), 0);
	assert_false(printk_saw("unknown"));
}

static void test_unknown_warned(void **state)
{
	(void)state;
	printk_reset();
	assert_int_equal(options_check("loglevel=2 bogus=1 consoles=com1 vmx vmx.breaks=cr0"), 4);
	assert_true(printk_saw("unknown command line option 'bogus=1' ignored"));
	assert_true(printk_saw("unknown command line option 'consoles=com1' ignored"));
	assert_true(printk_saw("unknown command line option 'vmx' ignored"));
	assert_true(printk_saw("unknown command line option 'vmx.breaks=cr0' ignored"));
	assert_int_equal(printk_count[LOG_WARN], 4);
	assert_false(printk_saw("loglevel"));
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *cl, *msg;
		int level;
	} cases[] = {
		{"vmx.poison=yes", "vmx.poison=yes: expected 0 or 1", LOG_WARN},
		{"vmx.break=cr4", "vmx.break=cr4: expected cr0", LOG_WARN},
		{"console=com3", "console=com3: expected com1, com2, none or an I/O port",
		 LOG_WARN},
		{"console=0xFFF8", "console=0xFFF8: expected com1, com2, none", LOG_WARN},
		{"loglevel=4", "loglevel=4: expected 0 (errors) .. 3 (debug)", LOG_WARN},
		{"loglevel", "loglevel: expected 0 (errors) .. 3 (debug)", LOG_WARN},
		{"vfs=0", "vfs=0: expected a number of VFs, 1 or more", LOG_ERR},
		{"vfs=two", "vfs=two: expected a number of VFs, 1 or more", LOG_ERR},
		{"nic=01:00", "nic=01:00: expected SSSS:BB:DD.F", LOG_ERR},
		{"selftest=nic,bogus",
		 "selftest=nic,bogus: expected a comma-separated list of exception, nic, dmafault, "
		 "irq, svm",
		 LOG_WARN},
		{"selftest=nic,", "selftest=nic,: expected a comma-separated list", LOG_WARN},
		{"igb.omit=loopback,all",
		 "igb.omit=loopback,all: expected a comma-separated list "
		 "of loopback, macfilter, pfrstd",
		 LOG_WARN},
		{"vtd.omit=dmar", "vtd.omit=dmar: expected dma, ir or dma,ir", LOG_WARN},
		{"config=", "config=: expected a boot module's name", LOG_WARN},
		{"watchdog=no", "watchdog=no: expected on or off", LOG_WARN},
		{"watchdog", "watchdog: expected on or off", LOG_WARN},
		{"watchdog.ms=99", "watchdog.ms=99: expected a number of milliseconds, 100..60000",
		 LOG_WARN},
		{"watchdog.ms=60001", "watchdog.ms=60001: expected a number of milliseconds",
		 LOG_WARN},
		{"watchdog.ms=1s", "watchdog.ms=1s: expected a number of milliseconds", LOG_WARN},
		{"igb.stall_ms=99",
		 "igb.stall_ms=99: expected a number of milliseconds, 100..10000", LOG_WARN},
		{"igb.stall_ms=10001", "igb.stall_ms=10001: expected a number of milliseconds",
		 LOG_WARN},
		{"igb.stall_ms=", "igb.stall_ms=: expected a number of milliseconds", LOG_WARN},
		{"ram.piece_mib=3", "ram.piece_mib=3: expected an even number of MiB, 2..65536",
		 LOG_WARN},
		{"ram.piece_mib=0", "ram.piece_mib=0: expected an even number", LOG_WARN},
		{"ram.piece_mib=65538", "ram.piece_mib=65538: expected an even number", LOG_WARN},
		{"ram.piece_mib=128M", "ram.piece_mib=128M: expected an even number", LOG_WARN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		printk_reset();
		assert_int_equal(options_check(cases[i].cl), 1);
		if (!printk_saw(cases[i].msg))
			fail_msg("%s: got '%s'", cases[i].cl, printk_log);
		assert_int_equal(printk_count[cases[i].level], 1);
	}
	/* A value too long for any option is bad, not cut short. */
	char cl[OPTIONS_VALUE_MAX + 16] = "config=";

	memset(cl + 7, 'a', OPTIONS_VALUE_MAX);
	printk_reset();
	assert_int_equal(options_check(cl), 1);
	assert_true(printk_saw(": expected a boot module's name"));
}

/* `help` prints every option: its name, value form, help and choices. */
static void test_help(void **state)
{
	(void)state;
	printk_reset();
	assert_int_equal(options_check("loglevel=2 help"), 0);
	for (unsigned int i = 0; i < options_count; i++) {
		const struct option *o = &options[i];
		char line[256];

		if (o->value)
			snprintf(line, sizeof(line), "  %s=%s: %s; expected %s\n", o->name,
				 o->value, o->help, o->choices);
		else
			snprintf(line, sizeof(line), "  %s: %s\n", o->name, o->help);
		if (!printk_saw(line))
			fail_msg("help has no line '%s'", line);
	}
	assert_int_equal(printk_count[LOG_INFO], options_count + 1);
	printk_reset();
	options_check("loglevel=2");
	assert_string_equal(printk_log, "");
}

static void test_get(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(options_get("vmx.poison=1", "vmx.poison", v, sizeof(v)), 1);
	assert_string_equal(v, "1");
	assert_int_equal(options_get("loglevel=2", "vmx.poison", v, sizeof(v)), 0);
	assert_int_equal(options_get("vmx.poison=yes", "vmx.poison", v, sizeof(v)), -EINVAL);
	assert_string_equal(v, "yes"); /* a bad value is still handed over */
	assert_int_equal(options_get("vmx.poison", "vmx.poison", v, sizeof(v)), -EINVAL);
	assert_int_equal(options_get("config=0123456789abcdef", "config", v, sizeof(v)), -EINVAL);
	/* the last one given counts */
	assert_int_equal(options_get("loglevel=9 loglevel=1", "loglevel", v, sizeof(v)), 1);
	assert_string_equal(v, "1");
	assert_int_equal(options_get("help", "help", v, sizeof(v)), 1);
	assert_int_equal(options_get("console=0x3f8", "console", v, sizeof(v)), 1);
}

/* The table holds together: names unique, each word of an option among
 * its choices, every value-taking option with a form, help and choices. */
static void test_table(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < options_count; i++) {
		const struct option *o = &options[i];

		assert_non_null(o->help);
		assert_non_null(o->choices);
		assert_null(strchr(o->help, '\n'));
		assert_ptr_equal(options_find(o->name, strlen(o->name)), o);
		for (const char *const *w = o->words; w && *w; w++) {
			assert_non_null(strstr(o->choices, *w));
			assert_true(o->valid(o, *w));
		}
	}
	assert_null(options_find("vmx", 3));
	assert_null(options_find("vmx.break=", 10));
}

/*
 * README.md's "## Command line" section lists, one row each, exactly the
 * table's options, as `NAME=VALUE` with VALUE the table's form (`NAME` for a
 * flag, '|' written '\|'). Run from the repository root (make check-unit).
 */
static void test_readme_agrees(void **state)
{
	FILE *f = fopen("README.md", "r");
	char line[4096];
	bool in_section = false, seen[64] = {false};
	unsigned int rows = 0;

	(void)state;
	assert_true(options_count <= 64);
	if (!f)
		fail_msg("README.md not found: run from the repository root");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "## ", 3)) {
			in_section = !strcmp(line, "## Command line\n");
			continue;
		}
		if (!in_section || strncmp(line, "| `", 3))
			continue;
		char *cell = line + 3, *end = strchr(cell, '`'), want[128];
		size_t klen = 0;
		const struct option *o;

		assert_non_null(end);
		*end = '\0';
		while (cell[klen] && cell[klen] != '=')
			klen++;
		o = options_find(cell, klen);
		if (!o)
			fail_msg("README.md lists `%s`, which is not in the options table", cell);
		/* the value's form as README writes it: '|' escaped in a table */
		size_t n =
			(size_t)snprintf(want, sizeof(want), "%s%s", o->name, o->value ? "=" : "");

		for (const char *v = o->value; v && *v && n + 2 < sizeof(want); v++) {
			if (*v == '|')
				want[n++] = '\\';
			want[n++] = *v;
		}
		want[n] = '\0';
		if (strcmp(cell, want))
			fail_msg("README.md has `%s` where the table says `%s`", cell, want);
		seen[o - options] = true;
		rows++;
	}
	fclose(f);
	for (unsigned int i = 0; i < options_count; i++)
		if (!seen[i])
			fail_msg("option %s is in the table but not in README.md's Command line "
				 "section",
				 options[i].name);
	assert_int_equal(rows, options_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_not_warned),
		cmocka_unit_test(test_unknown_warned),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_readme_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
