// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/vm/config.c. Every text is handed to config_parse in a heap
 * buffer of exactly its length, without a terminating NUL, so ASan reports
 * any read past it. Errors are asserted as the exact console log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hv/vm/config.h"
#include "lib/err.h"
#include "lib/printk.h"
#include "fake_printk.h"

static struct vf_config cfg;

static int parse_n(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);
	int r;

	assert_non_null(buf);
	memcpy(buf, text, len);
	printk_reset();
	r = config_parse(&cfg, "t.cfg", buf, len);
	free(buf);
	return r;
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

#define ONE "config t.cfg: 1 error\n"

static void expect(const char *text, const char *log)
{
	assert_int_equal(parse(text), -EINVAL);
	assert_string_equal(printk_log, log);
}

static void expect_ok(const char *text)
{
	int r = parse(text);

	assert_string_equal(printk_log, "");
	assert_int_equal(r, 0);
}

/* A good guest, lines 1-4; tests add a line 5. */
#define G "[guest a]\ncpus = 1\nmemory = 32M\nkernel = k\n"

/* ---- good files --------------------------------------------------------------- */

static void test_full_file(void **state)
{
	static const char text[] =
		"# vfvisor guests\n"
		"[nic]\n"
		"pf = 0000:03:00.1\n"
		"vfs = 4\n"
		"\n"
		"[guest alpha]\n"
		"cpus = 1-2,5\n"
		"memory = 1G\n"
		"kernel = vmlinuz\n"
		"initrd = initrd-alpha\n"
		"cmdline = console=ttyS0 ip=10.0.0.1::10.0.0.254:255.255.255.0 # kept ; too\n"
		"vf = 3\n"
		"mac = 02:00:00:AB:cd:01\n"
		"\n"
		"[guest b_2-x]\n"
		"cpus = 3\n"
		"memory = 33554432\n"
		"kernel = /boot/bzImage\n";
	const struct guest_cfg *a = &cfg.guest[0], *b = &cfg.guest[1];
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0xab, 0xcd, 0x01};

	(void)state;
	expect_ok(text);
	assert_true(cfg.have_pf);
	assert_int_equal(cfg.pf_seg, 0);
	assert_int_equal(cfg.pf_bus, 3);
	assert_int_equal(cfg.pf_devfn, 0x01);
	assert_true(cfg.have_vfs);
	assert_int_equal(cfg.vfs, 4);
	assert_int_equal(cfg.nic_line, 2);
	assert_int_equal(cfg.guest_count, 2);

	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->line, 6);
	assert_int_equal(a->cpus, 0x26);
	assert_int_equal(a->memory, 1ull << 30);
	assert_string_equal(a->kernel, "vmlinuz");
	assert_string_equal(a->initrd, "initrd-alpha");
	assert_string_equal(a->cmdline,
			    "console=ttyS0 ip=10.0.0.1::10.0.0.254:255.255.255.0 # kept ; too");
	assert_int_equal(a->nvf, 1);
	assert_int_equal(a->vf[0], 3);
	assert_int_equal(a->nmac, 1);
	assert_memory_equal(a->mac[0], mac, 6);

	assert_string_equal(b->name, "b_2-x");
	assert_int_equal(b->line, 15);
	assert_int_equal(b->cpus, 0x8);
	assert_int_equal(b->memory, 32ull << 20);
	assert_string_equal(b->kernel, "/boot/bzImage");
	assert_string_equal(b->initrd, "");
	assert_string_equal(b->cmdline, "");
	assert_int_equal(b->nvf, 0);
	assert_int_equal(b->nmac, 0);
}

static void test_crlf_comments_whitespace(void **state)
{
	static const char text[] = "; leading comment\r\n"
				   "   # indented comment\r\n"
				   "\r\n"
				   " \t \r\n"
				   "\t[ guest \t web ]  \r\n"
				   "  cpus\t=\t 2 , 4 - 6 \r\n"
				   "memory=0x10000000\r\n"
				   "kernel   =   bz image   \r\n"
				   "cmdline = a=b  c\r\n"
				   "\t# comment inside a section\r\n"
				   "vf=0x7"; /* last line without a newline */
	const struct guest_cfg *g = &cfg.guest[0];

	(void)state;
	expect_ok(text);
	assert_false(cfg.have_pf);
	assert_false(cfg.have_vfs);
	assert_int_equal(cfg.vfs, 8); /* highest vf + 1 */
	assert_int_equal(cfg.nic_line, 0);
	assert_int_equal(cfg.guest_count, 1);
	assert_string_equal(g->name, "web");
	assert_int_equal(g->line, 5);
	assert_int_equal(g->cpus, 0x74);
	assert_int_equal(g->memory, 256ull << 20);
	assert_string_equal(g->kernel, "bz image");
	assert_string_equal(g->cmdline, "a=b  c");
	assert_int_equal(g->nvf, 1);
	assert_int_equal(g->vf[0], 7);
	assert_int_equal(g->nmac, 0);
}

static void test_suffixes_and_limits(void **state)
{
	(void)state;
	expect_ok("[guest a]\ncpus=63\nmemory=32768K\nkernel=k\n");
	assert_int_equal(cfg.guest[0].memory, 32ull << 20);
	assert_int_equal(cfg.guest[0].cpus, 1ull << 63);
	expect_ok("[guest a]\ncpus=1-63\nmemory=64g\nkernel=k\n");
	assert_int_equal(cfg.guest[0].memory, 64ull << 30);
	assert_int_equal(cfg.guest[0].cpus, ~1ull);
	expect_ok("[guest a]\ncpus=1\nmemory=2050m\nkernel=k\nvf=255\n");
	assert_int_equal(cfg.guest[0].memory, 2050ull << 20);
	assert_int_equal(cfg.guest[0].vf[0], 255);
	assert_int_equal(cfg.vfs, 256);
	/* a 15-character name, the longest */
	expect_ok("[guest abcdefghij_-012]\ncpus=1\nmemory=32M\nkernel=k\n");
	assert_string_equal(cfg.guest[0].name, "abcdefghij_-012");
	/* vfs = 0 is allowed (no VF enabled), and BB:DD.F without a segment */
	expect_ok("[nic]\nvfs=0\npf=82:1f.7\n" G);
	assert_true(cfg.have_vfs);
	assert_int_equal(cfg.vfs, 0);
	assert_true(cfg.have_pf);
	assert_int_equal(cfg.pf_bus, 0x82);
	assert_int_equal(cfg.pf_devfn, 0xff);
	/* no vf anywhere: nothing to enable */
	expect_ok(G);
	assert_false(cfg.have_vfs);
	assert_int_equal(cfg.vfs, 0);
}

static void test_eight_guests(void **state)
{
	char text[2048];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < CONFIG_MAX_GUESTS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[guest g%d]\ncpus=%d\nmemory=64M\nkernel=k\nvf=%d\n", i,
				      i + 1, 7 - i);
	expect_ok(text);
	assert_int_equal(cfg.guest_count, 8);
	assert_string_equal(cfg.guest[7].name, "g7");
	assert_int_equal(cfg.guest[7].cpus, 1u << 8);
	assert_int_equal(cfg.guest[7].line, 36);
	assert_int_equal(cfg.vfs, 8);
}

/* ---- structure errors --------------------------------------------------------- */

static void test_outside_section(void **state)
{
	(void)state;
	expect("# fine\ncpus = 1\n" G,
	       "config t.cfg:2: line outside any section (expected [nic] or [guest NAME])\n" ONE);
	expect("junk\n" G,
	       "config t.cfg:1: line outside any section (expected [nic] or [guest NAME])\n" ONE);
}

static void test_section_headers(void **state)
{
	(void)state;
	expect("[network]\npf=1\n" G,
	       "config t.cfg:1: unknown section [network] (expected [nic] or [guest NAME])\n" ONE);
	expect("[]\n" G,
	       "config t.cfg:1: unknown section [] (expected [nic] or [guest NAME])\n" ONE);
	expect("[guests a]\n" G,
	       "config t.cfg:1: unknown section [guests a] (expected [nic] or [guest NAME])\n" ONE);
	expect("[nic x]\n" G, "config t.cfg:1: [nic] takes no name\n" ONE);
	expect("[nic]\n[nic]\nvfs=1\n" G,
	       "config t.cfg:2: duplicate [nic] section (first at line 1)\n" ONE);
	expect(G "[guest b\ncpus=2\n", "config t.cfg:5: section header without ']'\n" ONE);
	expect(G "[guest b] x\n", "config t.cfg:5: text after ']'\n" ONE);
	expect(G "[guest b]]\n", "config t.cfg:5: text after ']'\n" ONE);
	/* keys under a rejected header are skipped, not reported again */
	expect("[bad]\nfoo\nbar=1\n" G,
	       "config t.cfg:1: unknown section [bad] (expected [nic] or [guest NAME])\n" ONE);
}

static void test_guest_names(void **state)
{
	(void)state;
	expect(G "[guest]\n", "config t.cfg:5: [guest] without a name\n" ONE);
	expect(G "[guest   ]\n", "config t.cfg:5: [guest] without a name\n" ONE);
	expect(G "[guest Alpha]\n",
	       "config t.cfg:5: bad guest name 'Alpha' (1-15 of a-z 0-9 _ -)\n" ONE);
	expect(G "[guest a.b]\n",
	       "config t.cfg:5: bad guest name 'a.b' (1-15 of a-z 0-9 _ -)\n" ONE);
	expect(G "[guest a b]\n",
	       "config t.cfg:5: bad guest name 'a b' (1-15 of a-z 0-9 _ -)\n" ONE);
	expect(G "[guest abcdefghijklmnop]\n",
	       "config t.cfg:5: bad guest name 'abcdefghijklmnop' (1-15 of a-z 0-9 _ -)\n" ONE);
	expect(G "\n[guest a]\ncpus=2\n",
	       "config t.cfg:6: duplicate guest name 'a' (first at line 1)\n" ONE);
	assert_int_equal(cfg.guest_count, 1);
	assert_int_equal(cfg.guest[0].cpus, 2); /* the duplicate's keys were skipped */
}

static void test_too_many_guests(void **state)
{
	char text[2048];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < CONFIG_MAX_GUESTS + 2; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[guest g%d]\ncpus=%d\nmemory=64M\nkernel=k\nbogus\n", i,
				      i + 1);
	/* the missing '=' of the extra guests' lines is not reported */
	expect(text, "config t.cfg:5: missing '=' in 'bogus'\n"
		     "config t.cfg:10: missing '=' in 'bogus'\n"
		     "config t.cfg:15: missing '=' in 'bogus'\n"
		     "config t.cfg:20: missing '=' in 'bogus'\n"
		     "config t.cfg:25: missing '=' in 'bogus'\n"
		     "config t.cfg:30: missing '=' in 'bogus'\n"
		     "config t.cfg:35: missing '=' in 'bogus'\n"
		     "config t.cfg:40: missing '=' in 'bogus'\n"
		     "config t.cfg:41: more than 8 guests\n"
		     "config t.cfg:46: more than 8 guests\n"
		     "config t.cfg: 10 errors\n");
	assert_int_equal(cfg.guest_count, 8);
}

static void test_keys(void **state)
{
	(void)state;
	expect(G "memory = 64M\n",
	       "config t.cfg:5: duplicate key 'memory' (first at line 3)\n" ONE);
	assert_int_equal(cfg.guest[0].memory, 32ull << 20); /* the first stays */
	expect("[nic]\nvfs=1\nvfs=2\n" G,
	       "config t.cfg:3: duplicate key 'vfs' (first at line 2)\n" ONE);
	expect(G "colour = red\n", "config t.cfg:5: unknown key 'colour' in [guest a]\n" ONE);
	expect(G "Memory = 32M\n", "config t.cfg:5: unknown key 'Memory' in [guest a]\n" ONE);
	expect(G "pf = 01:00.0\n", "config t.cfg:5: unknown key 'pf' in [guest a]\n" ONE);
	expect("[nic]\ncpus=1\n" G, "config t.cfg:2: unknown key 'cpus' in [nic]\n" ONE);
	expect(G "initrd\n", "config t.cfg:5: missing '=' in 'initrd'\n" ONE);
	expect(G "initrd initrd-a\n", "config t.cfg:5: missing '=' in 'initrd initrd-a'\n" ONE);
	expect(G " = x\n", "config t.cfg:5: missing key before '='\n" ONE);
	expect(G "initrd =\n", "config t.cfg:5: empty value for 'initrd'\n" ONE);
	expect(G "cmdline = \t \n", "config t.cfg:5: empty value for 'cmdline'\n" ONE);
	expect("[nic]\npf=\n" G, "config t.cfg:2: empty value for 'pf'\n" ONE);
	/* a long bad value is quoted cut to 40 bytes */
	expect(G "0123456789012345678901234567890123456789abc\n",
	       "config t.cfg:5: missing '=' in "
	       "'0123456789012345678901234567890123456789...'\n" ONE);
}

static void test_missing_required(void **state)
{
	(void)state;
	expect("\n[guest a]\n", "config t.cfg:2: guest a: missing 'cpus'\n"
				"config t.cfg:2: guest a: missing 'memory'\n"
				"config t.cfg:2: guest a: missing 'kernel'\n"
				"config t.cfg: 3 errors\n");
	expect(G "[guest b]\ncpus=2\nmemory=32M\n",
	       "config t.cfg:5: guest b: missing 'kernel'\n" ONE);
	/* a key with a bad value counts as given: one error, not two */
	expect("[guest a]\ncpus=0\nmemory=1\nkernel=\n",
	       "config t.cfg:2: CPU 0 is the hypervisor's service CPU\n"
	       "config t.cfg:3: memory '1' below the minimum of 32M\n"
	       "config t.cfg:4: empty value for 'kernel'\n"
	       "config t.cfg: 3 errors\n");
}

static void test_no_guests(void **state)
{
	(void)state;
	expect("", "config t.cfg: no [guest] section\n" ONE);
	expect("# only a comment\n\n", "config t.cfg: no [guest] section\n" ONE);
	expect("[nic]\nvfs=2\n", "config t.cfg: no [guest] section\n" ONE);
	/* a rejected [guest] section is reported as itself, not as none */
	expect("[guest A]\n", "config t.cfg:1: bad guest name 'A' (1-15 of a-z 0-9 _ -)\n" ONE);
}

/* ---- values --------------------------------------------------------------------- */

static void test_numbers(void **state)
{
	(void)state;
	expect("[nic]\nvfs=two\n" G, "config t.cfg:2: bad vfs 'two' (a number 0-255)\n" ONE);
	expect("[nic]\nvfs=256\n" G, "config t.cfg:2: vfs '256' out of range (0-255)\n" ONE);
	expect("[nic]\nvfs=0x\n" G, "config t.cfg:2: bad vfs '0x' (a number 0-255)\n" ONE);
	expect("[nic]\nvfs=99999999999999999999\n" G,
	       "config t.cfg:2: vfs '99999999999999999999' out of range (0-255)\n" ONE);
	expect(G "vf = -1\n", "config t.cfg:5: bad vf '-1' (a number 0-255)\n" ONE);
	expect(G "vf = +1\n", "config t.cfg:5: bad vf '+1' (a number 0-255)\n" ONE);
	expect(G "vf = one\n", "config t.cfg:5: bad vf 'one' (a number 0-255)\n" ONE);
	expect(G "vf = 1 2\n", "config t.cfg:5: bad vf '1 2' (a number 0-255)\n" ONE);
	expect(G "vf = 0x100\n", "config t.cfg:5: vf '0x100' out of range (0-255)\n" ONE);
}

static void test_memory(void **state)
{
	static const char *const bad[] = {"256X", "M", "256MB", "256 M", "-32M", "1.5G", "0xG"};
	char text[128], log[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[guest a]\ncpus=1\nkernel=k\nmemory=%s\n", bad[i]);
		snprintf(
			log, sizeof(log),
			"config t.cfg:4: bad memory '%s' (bytes, or a number with K, M or G)\n" ONE,
			bad[i]);
		expect(text, log);
	}
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=99999999999G\n",
	       "config t.cfg:8: memory '99999999999G' overflows 64 bits\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=18446744073709551616\n",
	       "config t.cfg:8: memory '18446744073709551616' overflows 64 bits\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=30M\n",
	       "config t.cfg:8: memory '30M' below the minimum of 32M\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=0\n",
	       "config t.cfg:8: memory '0' below the minimum of 32M\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=65G\n",
	       "config t.cfg:8: memory '65G' above the maximum of 64G\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=68721573888\n",
	       "config t.cfg:8: memory '68721573888' above the maximum of 64G\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=33M\n",
	       "config t.cfg:8: memory '33M' not a multiple of 2M\n" ONE);
	expect(G "[guest b]\ncpus=2\nkernel=k\nmemory=33554433\n",
	       "config t.cfg:8: memory '33554433' not a multiple of 2M\n" ONE);
	assert_int_equal(cfg.guest[1].memory, 0);
}

static void test_cpus(void **state)
{
	(void)state;
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1,,2\n",
	       "config t.cfg:4: empty item in cpus '1,,2'\n" ONE);
	assert_int_equal(cfg.guest[0].cpus, 0);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1,\n",
	       "config t.cfg:4: empty item in cpus '1,'\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=,1\n",
	       "config t.cfg:4: empty item in cpus ',1'\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=3-1\n",
	       "config t.cfg:4: bad CPU range '3-1' (first above last)\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=a\n",
	       "config t.cfg:4: bad CPU 'a' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1-\n",
	       "config t.cfg:4: bad CPU '1-' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=-1\n",
	       "config t.cfg:4: bad CPU '-1' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1-2-3\n",
	       "config t.cfg:4: bad CPU '1-2-3' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1 2\n",
	       "config t.cfg:4: bad CPU '1 2' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=0\n",
	       "config t.cfg:4: CPU 0 is the hypervisor's service CPU\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=2,0-1\n",
	       "config t.cfg:4: CPU 0 is the hypervisor's service CPU\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=64\n",
	       "config t.cfg:4: CPU '64' out of range (1-63)\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=60-64\n",
	       "config t.cfg:4: CPU '60-64' out of range (1-63)\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=99999999999999999999\n",
	       "config t.cfg:4: bad CPU '99999999999999999999' in cpus\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=1-3,2\n",
	       "config t.cfg:4: CPU 2 listed twice\n" ONE);
	expect("[guest a]\nmemory=32M\nkernel=k\ncpus=5,5\n",
	       "config t.cfg:4: CPU 5 listed twice\n" ONE);
}

/* The VF settings: defaults, good values, and every bad one named with the
 * key, the value and what is allowed. */
static void test_vf_keys(void **state)
{
	const struct igb_vf_conf *c = &cfg.guest[0].vfc;

	(void)state;
	expect_ok(G "vf = 0\n");
	assert_int_equal(c->vlan, 0);
	assert_int_equal(c->qos, 0);
	assert_true(c->spoofchk);
	assert_false(c->trust);
	assert_int_equal(c->link, IGB_LINK_AUTO);
	assert_string_equal(c->guest, "a");
	expect_ok(G "vf = 0\nlink = down\n");
	assert_int_equal(c->link, IGB_LINK_DOWN);
	expect_ok(G "vf = 0\nlink = up\n");
	assert_int_equal(c->link, IGB_LINK_UP);
	expect_ok(G "vf = 0\nlink = auto\n");
	assert_int_equal(c->link, IGB_LINK_AUTO);
	expect(G "vf=0\nlink=off\n", "config t.cfg:6: bad link 'off' (auto, up or down)\n" ONE);
	expect(G "vf=0\nlink=DOWN\n", "config t.cfg:6: bad link 'DOWN' (auto, up or down)\n" ONE);
	assert_int_equal(c->link, IGB_LINK_AUTO);
	expect_ok(G "vf = 2\nvlan = 100\nqos = 5\nspoofchk = no\ntrust = yes\n");
	assert_int_equal(c->vlan, 100);
	assert_int_equal(c->qos, 5);
	assert_false(c->spoofchk);
	assert_true(c->trust);
	expect_ok(G "vf=0\nvlan=1\nqos=0\nspoofchk=yes\ntrust=no\n");
	assert_int_equal(c->vlan, 1);
	assert_true(c->spoofchk);
	assert_false(c->trust);
	expect_ok(G "vf=0\nvlan=4094\nqos=7\n");
	assert_int_equal(c->vlan, 4094);
	assert_int_equal(c->qos, 7);

	expect(G "vf=0\nvlan=0\n", "config t.cfg:6: vlan '0' out of range (1-4094)\n" ONE);
	expect(G "vf=0\nvlan=4095\n", "config t.cfg:6: vlan '4095' out of range (1-4094)\n" ONE);
	expect(G "vf=0\nvlan=99999999999999999999\n",
	       "config t.cfg:6: vlan '99999999999999999999' out of range (1-4094)\n" ONE);
	expect(G "vf=0\nvlan=ten\n", "config t.cfg:6: bad vlan 'ten' (a number 1-4094)\n" ONE);
	expect(G "vf=0\nvlan=-5\n", "config t.cfg:6: bad vlan '-5' (a number 1-4094)\n" ONE);
	assert_int_equal(c->vlan, 0);
	expect(G "vf=0\nvlan=5\nqos=8\n", "config t.cfg:7: qos '8' out of range (0-7)\n" ONE);
	expect(G "vf=0\nvlan=5\nqos=high\n", "config t.cfg:7: bad qos 'high' (a number 0-7)\n" ONE);
	expect(G "vf=0\nspoofchk=on\n", "config t.cfg:6: bad spoofchk 'on' (yes or no)\n" ONE);
	assert_true(c->spoofchk);
	expect(G "vf=0\nspoofchk=No\n", "config t.cfg:6: bad spoofchk 'No' (yes or no)\n" ONE);
	expect(G "vf=0\ntrust=1\n", "config t.cfg:6: bad trust '1' (yes or no)\n" ONE);
	expect(G "vf=0\ntrust=yes please\n",
	       "config t.cfg:6: bad trust 'yes please' (yes or no)\n" ONE);
	assert_false(c->trust);
	expect(G "vf=0\ntrust=\n", "config t.cfg:6: empty value for 'trust'\n" ONE);
	expect(G "vf=0\nvlan=5\nvlan=6\n",
	       "config t.cfg:7: duplicate key 'vlan' (first at line 6)\n" ONE);
	expect("[nic]\nvlan=5\n" G, "config t.cfg:2: unknown key 'vlan' in [nic]\n" ONE);

	/* A priority is that of the port VLAN's tag; without a VF nothing applies. */
	expect(G "vf=0\nqos=3\n", "config t.cfg:6: guest a: qos needs a vlan\n" ONE);
	expect(G "vlan=5\nqos=1\nspoofchk=no\ntrust=yes\nlink=down\n",
	       "config t.cfg:5: guest a: vlan needs a vf\n"
	       "config t.cfg:6: guest a: qos needs a vf\n"
	       "config t.cfg:7: guest a: spoofchk needs a vf\n"
	       "config t.cfg:8: guest a: trust needs a vf\n"
	       "config t.cfg:9: guest a: link needs a vf\n"
	       "config t.cfg: 5 errors\n");
	/* A bad vf is reported alone, not as missing as well. */
	expect(G "vf=x\ntrust=yes\n", "config t.cfg:5: bad vf 'x' (a number 0-255)\n" ONE);
}

static void test_reset_keys(void **state)
{
	const struct guest_cfg *g = &cfg.guest[0];

	(void)state;
	expect_ok(G);
	assert_false(g->reset_stop);
	assert_int_equal(g->reset_max, 5);
	assert_int_equal(g->reset_window_s, 60);
	expect_ok(G "on_reset = stop\nreset_limit = 1/600\n");
	assert_true(g->reset_stop);
	assert_int_equal(g->reset_max, 1);
	assert_int_equal(g->reset_window_s, 600);
	expect_ok(G "on_reset=restart\nreset_limit=100/3600\n");
	assert_false(g->reset_stop);
	assert_int_equal(g->reset_max, 100);
	assert_int_equal(g->reset_window_s, 3600);

	expect(G "on_reset=reboot\n",
	       "config t.cfg:5: bad on_reset 'reboot' (restart or stop)\n" ONE);
	expect(G "on_reset=Stop\n", "config t.cfg:5: bad on_reset 'Stop' (restart or stop)\n" ONE);
	expect(G "reset_limit=5\n",
	       "config t.cfg:5: bad reset_limit '5' (RESTARTS/SECONDS, e.g. 5/60)\n" ONE);
	expect(G "reset_limit=0/60\n",
	       "config t.cfg:5: reset_limit '0' out of range (1-100)\n" ONE);
	expect(G "reset_limit=5/0\n",
	       "config t.cfg:5: reset_limit '0' out of range (1-3600)\n" ONE);
	expect(G "reset_limit=5/3601\n",
	       "config t.cfg:5: reset_limit '3601' out of range (1-3600)\n" ONE);
	expect(G "reset_limit=/60\n", "config t.cfg:5: bad reset_limit '' (a number 1-100)\n" ONE);
	expect(G "reset_limit=5/\n", "config t.cfg:5: bad reset_limit '' (a number 1-3600)\n" ONE);
	expect(G "reset_limit=5/60/2\n",
	       "config t.cfg:5: bad reset_limit '60/2' (a number 1-3600)\n" ONE);
	/* A bad limit leaves the default. */
	assert_int_equal(g->reset_max, 5);
	assert_int_equal(g->reset_window_s, 60);
	expect(G "on_reset=stop\non_reset=stop\n",
	       "config t.cfg:6: duplicate key 'on_reset' (first at line 5)\n" ONE);
	expect("[nic]\non_reset=stop\n" G, "config t.cfg:2: unknown key 'on_reset' in [nic]\n" ONE);
}

static void test_mac(void **state)
{
	static const char *const bad[] = {
		"02:00:00:00:00",    "02:00:00:00:00:0",   "02:00:00:00:00:001",
		"02-00-00-00-00-01", "02:00:00:00:00:0g",  "0200.0000.0001",
		"2:00:00:00:00:01x", "02:00:00:00:00:01:", "02:00:00:00:00 01",
	};
	char text[128], log[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), G "mac=%s\n", bad[i]);
		snprintf(log, sizeof(log),
			 "config t.cfg:5: bad mac '%s' (expected xx:xx:xx:xx:xx:xx)\n" ONE, bad[i]);
		expect(text, log);
		assert_int_equal(cfg.guest[0].nmac, 0);
	}
	expect(G "mac=01:00:5e:00:00:01\n",
	       "config t.cfg:5: mac '01:00:5e:00:00:01' is multicast\n" ONE);
	expect(G "mac=ff:ff:ff:ff:ff:ff\n",
	       "config t.cfg:5: mac 'ff:ff:ff:ff:ff:ff' is multicast\n" ONE);
	expect(G "mac=00:00:00:00:00:00\n",
	       "config t.cfg:5: mac '00:00:00:00:00:00' is zero\n" ONE);
	assert_int_equal(cfg.guest[0].nmac, 0);
	expect_ok(G "vf=0\nmac=FE:DC:BA:98:76:54\n");
	assert_int_equal(cfg.guest[0].nmac, 1);
	assert_memory_equal(cfg.guest[0].mac[0], "\xfe\xdc\xba\x98\x76\x54", 6);
	/* A MAC is a VF's: none without one. */
	expect(G "mac=02:00:00:00:00:01\n", "config t.cfg:5: guest a: 1 MAC for 0 VFs (mac lists "
					    "one per vf, in its order)\n" ONE);
}

/* Several VFs per guest: vf and mac lists, in the same order. */
static void test_vf_lists(void **state)
{
	(void)state;
	expect_ok(G "vf = 2, 0 ,5\nmac=02:00:00:00:00:02,02:00:00:00:00:00, 02:00:00:00:00:05\n");
	assert_int_equal(cfg.guest[0].nvf, 3);
	assert_int_equal(cfg.guest[0].vf[0], 2);
	assert_int_equal(cfg.guest[0].vf[1], 0);
	assert_int_equal(cfg.guest[0].vf[2], 5);
	assert_int_equal(cfg.guest[0].nmac, 3);
	assert_memory_equal(cfg.guest[0].mac[1], "\x02\0\0\0\0\0", 6);
	assert_memory_equal(cfg.guest[0].mac[2], "\x02\0\0\0\0\x05", 6);
	assert_int_equal(cfg.vfs, 6); /* the highest + 1 */
	expect_ok(G "vf=0,1,2,3\n");
	assert_int_equal(cfg.guest[0].nvf, 4);
	assert_int_equal(cfg.guest[0].nmac, 0);
	/* Bad lists. */
	expect(G "vf=0,1,2,3,4\n", "config t.cfg:5: more than 4 VFs in vf '0,1,2,3,4' (a guest has "
				   "at most 4)\n" ONE);
	expect(G "vf=1,2,1\n", "config t.cfg:5: VF 1 listed twice in vf '1,2,1'\n" ONE);
	expect(G "vf=1,\n", "config t.cfg:5: empty item in vf '1,'\n" ONE);
	expect(G "vf=,1\n", "config t.cfg:5: empty item in vf ',1'\n" ONE);
	expect(G "vf=1,x\n", "config t.cfg:5: bad vf 'x' (a number 0-255)\n" ONE);
	expect(G "vf=1,256\n", "config t.cfg:5: vf '256' out of range (0-255)\n" ONE);
	expect(G "vf=0,1\nmac=02:00:00:00:00:01\n", "config t.cfg:6: guest a: 1 MAC for 2 VFs (mac "
						    "lists one per vf, in its order)\n" ONE);
	expect(G "vf=0\nmac=02:00:00:00:00:01,02:00:00:00:00:02\n",
	       "config t.cfg:6: guest a: 2 MACs for 1 VF (mac lists one per vf, in its "
	       "order)\n" ONE);
	expect(G "vf=0,1\nmac=02:00:00:00:00:01,02:00:00:00:00:01\n",
	       "config t.cfg:6: mac '02:00:00:00:00:01' listed twice\n" ONE);
	expect(G "vf=0,1\nmac=02:00:00:00:00:01,\n",
	       "config t.cfg:6: empty item in mac '02:00:00:00:00:01,'\n" ONE);
	expect(G "vf=0,1\nmac=02:00:00:00:00:01,03:00:00:00:00:01\n",
	       "config t.cfg:6: mac '03:00:00:00:00:01' is multicast\n" ONE);
	expect(G "vf=0,1\nmac=02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:03,"
		 "02:00:00:00:00:04,02:00:00:00:00:05\n",
	       "config t.cfg:6: more than 4 MACs in mac "
	       "'02:00:00:00:00:01,02:00:00:00:00:02,02:0...'\n" ONE);
}

static void test_pf(void **state)
{
	(void)state;
	expect("[nic]\npf=0000:01:00\n" G,
	       "config t.cfg:2: bad pf '0000:01:00' (expected SSSS:BB:DD.F)\n" ONE);
	expect("[nic]\npf=zz\n" G, "config t.cfg:2: bad pf 'zz' (expected SSSS:BB:DD.F)\n" ONE);
	expect("[nic]\npf=0000:01:20.0\n" G,
	       "config t.cfg:2: bad pf '0000:01:20.0' (expected SSSS:BB:DD.F)\n" ONE);
	expect("[nic]\npf=00000:01:00.0\n" G,
	       "config t.cfg:2: bad pf '00000:01:00.0' (expected SSSS:BB:DD.F)\n" ONE);
	expect("[nic]\npf=0000:01:00.0.0000000\n" G,
	       "config t.cfg:2: bad pf '0000:01:00.0.0000000' (expected SSSS:BB:DD.F)\n" ONE);
	assert_false(cfg.have_pf);
	expect_ok("[nic]\npf=abcd:EF:1f.7\n" G);
	assert_int_equal(cfg.pf_seg, 0xabcd);
	assert_int_equal(cfg.pf_bus, 0xef);
	assert_int_equal(cfg.pf_devfn, 0xff);
}

static void test_lengths(void **state)
{
	char text[2200], log[256], big[1100];

	(void)state;
	memset(big, 'x', sizeof(big));
	/* kernel: 63 bytes fit, 64 do not */
	snprintf(text, sizeof(text), "[guest a]\ncpus=1\nmemory=32M\nkernel=%.63s\n", big);
	expect_ok(text);
	assert_int_equal(strlen(cfg.guest[0].kernel), 63);
	snprintf(text, sizeof(text), "[guest a]\ncpus=1\nmemory=32M\nkernel=%.64s\n", big);
	expect(text, "config t.cfg:4: kernel longer than 63 bytes\n" ONE);
	snprintf(text, sizeof(text), G "initrd=%.64s\n", big);
	expect(text, "config t.cfg:5: initrd longer than 63 bytes\n" ONE);
	/* cmdline: 511 fit, 512 do not */
	snprintf(text, sizeof(text), G "cmdline=%.511s\n", big);
	expect_ok(text);
	assert_int_equal(strlen(cfg.guest[0].cmdline), 511);
	snprintf(text, sizeof(text), G "cmdline=%.512s\n", big);
	expect(text, "config t.cfg:5: cmdline longer than 511 bytes\n" ONE);
	assert_string_equal(cfg.guest[0].cmdline, "");
	/* lines: 1024 bytes (CR not counted) fit, 1025 do not */
	snprintf(text, sizeof(text), G "# %.1022s\r\n", big);
	expect_ok(text);
	snprintf(text, sizeof(text), G "# %.1023s\n", big);
	snprintf(log, sizeof(log), "config t.cfg:5: line longer than 1024 bytes\n" ONE);
	expect(text, log);
	/* a long last line without a newline */
	snprintf(text, sizeof(text), G "# %.1023s", big);
	expect(text, log);
}

static void test_nul_and_control(void **state)
{
	static const char nul[] = G "kernel = a\0b\n[guest b]\nnonsense\n";
	static const char ctl[] = G "cmdline = a\x1b[0mb\n";

	(void)state;
	assert_int_equal(parse_n(nul, sizeof(nul) - 1), -EINVAL);
	assert_string_equal(printk_log, "config t.cfg:5: NUL byte in the text\n"
					"config t.cfg:7: missing '=' in 'nonsense'\n"
					"config t.cfg:6: guest b: missing 'cpus'\n"
					"config t.cfg:6: guest b: missing 'memory'\n"
					"config t.cfg:6: guest b: missing 'kernel'\n"
					"config t.cfg: 5 errors\n");
	expect(ctl, "config t.cfg:5: control character 0x1b\n" ONE);
	expect(G "cmdline = a\rb\n", "config t.cfg:5: control character 0x0d\n" ONE);
	expect(G "cmdline = a\x7f\n", "config t.cfg:5: control character 0x7f\n" ONE);
	/* bytes above 0x7f (UTF-8) are kept as they are */
	expect_ok(G "cmdline = caf\xc3\xa9\n");
	assert_string_equal(cfg.guest[0].cmdline, "caf\xc3\xa9");
}

static void test_many_errors(void **state)
{
	static const char text[] = "x = 1\n"
				   "[nic]\n"
				   "vfs = -2\n"
				   "[guest a]\n"
				   "cpus = 1,,2\n"
				   "memory = 3M\n"
				   "kernel = k\n"
				   "kernel = k2\n"
				   "mac = 03:00:00:00:00:01\n"
				   "[guest a]\n"
				   "[guest b]\n"
				   "cpus = 2\n";

	(void)state;
	expect(text, "config t.cfg:1: line outside any section (expected [nic] or [guest NAME])\n"
		     "config t.cfg:3: bad vfs '-2' (a number 0-255)\n"
		     "config t.cfg:5: empty item in cpus '1,,2'\n"
		     "config t.cfg:6: memory '3M' below the minimum of 32M\n"
		     "config t.cfg:8: duplicate key 'kernel' (first at line 7)\n"
		     "config t.cfg:9: mac '03:00:00:00:00:01' is multicast\n"
		     "config t.cfg:10: duplicate guest name 'a' (first at line 4)\n"
		     "config t.cfg:11: guest b: missing 'memory'\n"
		     "config t.cfg:11: guest b: missing 'kernel'\n"
		     "config t.cfg: 9 "
		     "errors\n");
}

/* ---- config_check ------------------------------------------------------------- */

static const char *const mods[] = {"vmlinuz", "initrd-alpha", "initrd-beta"};
static const struct config_machine machine = {
	.cpu_count = 3,
	.vfs_available = 7,
	.modules = mods,
	.module_count = 3,
	.free_bytes = 1ull << 30,
};

static int check(const struct config_machine *m)
{
	printk_reset();
	return config_check(&cfg, "t.cfg", m);
}

static void expect_cross(const char *text, const struct config_machine *m, const char *log)
{
	expect_ok(text);
	assert_int_equal(check(m), -EINVAL);
	assert_string_equal(printk_log, log);
}

static void test_default(void **state)
{
	const struct guest_cfg *a = &cfg.guest[0], *b = &cfg.guest[1];

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	config_default(&cfg);
	assert_false(cfg.have_pf);
	assert_false(cfg.have_vfs);
	assert_int_equal(cfg.vfs, 2);
	assert_int_equal(cfg.nic_line, 0);
	assert_int_equal(cfg.guest_count, 2);
	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->cpus, 1u << 1);
	assert_int_equal(a->memory, 256u << 20);
	assert_string_equal(a->kernel, "vmlinuz");
	assert_string_equal(a->initrd, "initrd-alpha");
	assert_string_equal(a->cmdline, "console=ttyS0,115200 vf.name=alpha");
	assert_int_equal(a->nvf, 1);
	assert_int_equal(a->vf[0], 0);
	assert_int_equal(a->nmac, 0);
	assert_int_equal(a->line, 0);
	assert_int_equal(a->vfc.vlan, 0);
	assert_true(a->vfc.spoofchk);
	assert_false(a->vfc.trust);
	assert_string_equal(a->vfc.guest, "alpha");
	assert_false(a->reset_stop);
	assert_int_equal(a->reset_max, 5);
	assert_int_equal(a->reset_window_s, 60);
	assert_string_equal(b->name, "beta");
	assert_int_equal(b->cpus, 1u << 2);
	assert_int_equal(b->memory, 256u << 20);
	assert_string_equal(b->kernel, "vmlinuz");
	assert_string_equal(b->initrd, "initrd-beta");
	assert_string_equal(b->cmdline, "console=ttyS0,115200 vf.name=beta");
	assert_int_equal(b->nvf, 1);
	assert_int_equal(b->vf[0], 1);
	assert_int_equal(b->nmac, 0);
	assert_true(b->vfc.spoofchk);
	assert_string_equal(b->vfc.guest, "beta");
	assert_int_equal(check(&machine), 0);
	assert_string_equal(printk_log, "");

	/* on a 2-CPU machine with one VF and no initrd for beta, messages carry no line */
	struct config_machine m = machine;

	m.cpu_count = 2;
	m.vfs_available = 1;
	m.module_count = 2;
	m.free_bytes = 511ull << 20;
	assert_int_equal(check(&m), -EINVAL);
	assert_string_equal(printk_log,
			    "config t.cfg: guest beta: CPU 2 does not exist (2 CPUs)\n"
			    "config t.cfg: guest beta: VF 1 but the NIC has 1 VFs\n"
			    "config t.cfg: guest beta: initrd 'initrd-beta' is not a boot module\n"
			    "config t.cfg: guests need 512 MiB, 511 MiB free\n"
			    "config t.cfg: 4 errors\n");
}

#define A "[guest alpha]\ncpus=1\nmemory=256M\nkernel=vmlinuz\ninitrd=initrd-alpha\n"

static void test_check_good(void **state)
{
	(void)state;
	expect_ok("[nic]\nvfs=7\n" A "vf=6\nmac=02:00:00:00:00:01\n"
		  "[guest beta]\ncpus=2\nmemory=768M\nkernel=vmlinuz\nvf=0\n"
		  "mac=02:00:00:00:00:02\n");
	assert_int_equal(check(&machine), 0);
	assert_string_equal(printk_log, "");
}

static void test_check_cpus(void **state)
{
	(void)state;
	expect_cross(A "[guest beta]\ncpus=2-4\nmemory=32M\nkernel=vmlinuz\n", &machine,
		     "config t.cfg:6: guest beta: CPU 3 does not exist (3 CPUs)\n"
		     "config t.cfg:6: guest beta: CPU 4 does not exist (3 CPUs)\n"
		     "config t.cfg: 2 errors\n");
	expect_cross(A "[guest beta]\ncpus=1-2\nmemory=32M\nkernel=vmlinuz\n"
		       "[guest gamma]\ncpus=2\nmemory=32M\nkernel=vmlinuz\n",
		     &machine,
		     "config t.cfg:6: guest beta: CPU 1 also given to alpha\n"
		     "config t.cfg:10: guest gamma: CPU 2 also given to beta\n"
		     "config t.cfg: 2 errors\n");
}

static void test_check_vfs(void **state)
{
	(void)state;
	expect_cross(A "vf=7\n", &machine,
		     "config t.cfg:1: guest alpha: VF 7 but the NIC has 7 VFs\n" ONE);
	expect_cross("[nic]\nvfs=2\n" A "vf=2\n", &machine,
		     "config t.cfg:3: guest alpha: VF 2 but [nic] vfs = 2\n" ONE);
	expect_cross("[nic]\nvfs=8\n" A, &machine,
		     "config t.cfg:1: vfs = 8 but the NIC has 7 VFs\n" ONE);
	expect_cross(A "vf=3\n[guest beta]\ncpus=2\nmemory=32M\nkernel=vmlinuz\nvf=3\n", &machine,
		     "config t.cfg:7: guest beta: VF 3 also given to alpha\n" ONE);
	/* In lists: each of beta's against all of alpha's, each named. */
	expect_cross(A "vf=1,3\n[guest beta]\ncpus=2\nmemory=32M\nkernel=vmlinuz\nvf=2,3,1\n",
		     &machine,
		     "config t.cfg:7: guest beta: VF 3 also given to alpha\n"
		     "config t.cfg:7: guest beta: VF 1 also given to alpha\n"
		     "config t.cfg: 2 errors\n");
	expect_cross(A "vf=1,7\n", &machine,
		     "config t.cfg:1: guest alpha: VF 7 but the NIC has 7 VFs\n" ONE);
	struct config_machine m = machine;

	m.vfs_available = 0;
	expect_cross(A "vf=0\n", &m,
		     "config t.cfg:1: guest alpha: VF 0 but the NIC has 0 VFs\n" ONE);
	/* guests without a VF need none */
	expect_ok(A);
	assert_int_equal(check(&m), 0);
}

static void test_check_macs(void **state)
{
	(void)state;
	expect_cross(
		A "vf=0\nmac=02:00:00:00:00:0a\n[guest beta]\ncpus=2\nmemory=32M\nkernel=vmlinuz\n"
		  "vf=1\nmac=02:00:00:00:00:0A\n",
		&machine,
		"config t.cfg:8: guest beta: MAC 02:00:00:00:00:0a also given to alpha\n" ONE);
	/* In lists: any of one guest's against any of another's. */
	expect_cross(
		A "vf=0,1\nmac=02:00:00:00:00:01,02:00:00:00:00:02\n[guest beta]\ncpus=2\n"
		  "memory=32M\nkernel=vmlinuz\nvf=2,3\nmac=02:00:00:00:00:03,02:00:00:00:00:01\n",
		&machine,
		"config t.cfg:8: guest beta: MAC 02:00:00:00:00:01 also given to alpha\n" ONE);
}

static void test_check_modules(void **state)
{
	(void)state;
	expect_cross("[guest alpha]\ncpus=1\nmemory=32M\nkernel=vmlinuz2\ninitrd=initrd-alph\n",
		     &machine,
		     "config t.cfg:1: guest alpha: kernel 'vmlinuz2' is not a boot module\n"
		     "config t.cfg:1: guest alpha: initrd 'initrd-alph' is not a boot module\n"
		     "config t.cfg: "
		     "2 errors\n");
	struct config_machine m = machine;

	m.modules = NULL;
	m.module_count = 0;
	expect_cross(A, &m,
		     "config t.cfg:1: guest alpha: kernel 'vmlinuz' is not a boot module\n"
		     "config t.cfg:1: guest alpha: initrd 'initrd-alpha' is not a boot module\n"
		     "config t.cfg: "
		     "2 errors\n");
}

static void test_check_memory(void **state)
{
	struct config_machine m = machine;

	(void)state;
	m.cpu_count = 64;
	expect_cross(A "[guest beta]\ncpus=2-63\nmemory=64G\nkernel=vmlinuz\n", &m,
		     "config t.cfg: guests need 65792 MiB, 1024 MiB free\n" ONE);
	m.free_bytes = 65792ull << 20;
	assert_int_equal(check(&m), 0);
	/* cpu_count above 64 is treated as 64 */
	m.cpu_count = 1000;
	assert_int_equal(check(&m), 0);
}

static void test_check_empty(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(check(&machine), -EINVAL);
	assert_string_equal(printk_log, "config t.cfg: no guests\n" ONE);
}

/* ---- fuzz --------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char seed_text[] = "[nic]\npf = 0000:01:00.0\nvfs = 2\n"
				"[guest alpha]\ncpus = 1-2\nmemory = 256M\nkernel = vmlinuz\n"
				"initrd = initrd-alpha\ncmdline = console=ttyS0 x=#;\nvf = 0\n"
				"mac = 02:00:00:00:00:01\n"
				"[guest beta]\r\ncpus = 3\r\nmemory = 0x2000000\r\nkernel = k\r\n"
				"vf = 1\r\n";

static const char *const pieces[] = {
	"[",	"]",	  "=",	    ",",      "-",	 "\n",	    "\r\n",
	"\0",	"#",	  ";",	    " ",      "\t",	 "[guest ", "[nic]",
	"cpus", "memory", "kernel", "initrd", "cmdline", "vf",	    "mac",
	"pf",	"vfs",	  "G",	    "M",      "K",	 "0x",	    "99999999999999999999",
	"63",	"64",	  "0",	    ":",      ".",	 "ff",	    "\x80",
	"\x1b",
};

/* Whatever the input, a success must leave a configuration that holds. */
static void assert_sane(int r)
{
	if (r) {
		assert_int_equal(r, -EINVAL);
		assert_true(printk_count[LOG_ERR] >= 2);
		return;
	}
	assert_int_equal(printk_count[LOG_ERR], 0);
	assert_true(cfg.guest_count >= 1 && cfg.guest_count <= CONFIG_MAX_GUESTS);
	assert_true(cfg.vfs <= CONFIG_MAX_VF + 1);
	for (unsigned int i = 0; i < cfg.guest_count; i++) {
		const struct guest_cfg *g = &cfg.guest[i];
		size_t n = strnlen(g->name, sizeof(g->name));

		assert_true(n >= 1 && n <= CONFIG_NAME_MAX);
		assert_int_equal(strspn(g->name, "abcdefghijklmnopqrstuvwxyz0123456789_-"), n);
		assert_true(g->cpus && !(g->cpus & 1));
		assert_true(g->memory >= CONFIG_MEM_MIN && g->memory <= CONFIG_MEM_MAX);
		assert_int_equal(g->memory % CONFIG_MEM_ALIGN, 0);
		assert_true(strnlen(g->kernel, sizeof(g->kernel)) >= 1);
		assert_true(strnlen(g->kernel, sizeof(g->kernel)) < sizeof(g->kernel));
		assert_true(strnlen(g->initrd, sizeof(g->initrd)) < sizeof(g->initrd));
		assert_true(strnlen(g->cmdline, sizeof(g->cmdline)) < sizeof(g->cmdline));
		assert_true(g->nvf <= CONFIG_GUEST_VFS);
		for (unsigned int v = 0; v < g->nvf; v++)
			assert_true(g->vf[v] >= 0 && g->vf[v] <= CONFIG_MAX_VF);
		assert_true(g->line >= 1);
		assert_true(g->nmac == 0 || g->nmac == g->nvf);
		for (unsigned int v = 0; v < g->nmac; v++)
			assert_true(!(g->mac[v][0] & 1) && memcmp(g->mac[v], "\0\0\0\0\0\0", 6));
	}
}

static void test_fuzz(void **state)
{
	static char buf[4096];
	unsigned int ok = 0;

	(void)state;
	for (int iter = 0; iter < 10000; iter++) {
		size_t n = 0;
		unsigned int kind = iter % 3;

		if (kind == 0) { /* random bytes, biased to printable */
			n = rnd() % 300;
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)(rnd() % 4 ? ' ' + rnd() % 95 : rnd() % 256);
		} else if (kind == 1) { /* the seed with a few byte mutations */
			n = sizeof(seed_text) - 1;
			memcpy(buf, seed_text, n);
			for (unsigned int m = rnd() % 4 + 1; m; m--) {
				size_t at = rnd() % n;

				switch (rnd() % 3) {
				case 0:
					buf[at] = (char)rnd();
					break;
				case 1:
					buf[at] = seed_text[rnd() % n];
					break;
				default:
					n = at; /* truncate */
					if (!n)
						n = 1;
					break;
				}
			}
		} else { /* pieces glued together */
			for (unsigned int p = rnd() % 60; p; p--) {
				const char *s =
					pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t len = s[0] ? strlen(s) : 1;

				if (n + len > sizeof(buf))
					break;
				memcpy(buf + n, s, len);
				n += len;
			}
		}
		int r = parse_n(buf, n);

		assert_sane(r);
		ok += !r;
	}
	/* the mutations must leave some inputs good, or the sanity check saw nothing */
	assert_true(ok > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_crlf_comments_whitespace),
		cmocka_unit_test(test_suffixes_and_limits),
		cmocka_unit_test(test_eight_guests),
		cmocka_unit_test(test_outside_section),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_guest_names),
		cmocka_unit_test(test_too_many_guests),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_no_guests),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_vf_keys),
		cmocka_unit_test(test_reset_keys),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_vf_lists),
		cmocka_unit_test(test_pf),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_nul_and_control),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_check_good),
		cmocka_unit_test(test_check_cpus),
		cmocka_unit_test(test_check_vfs),
		cmocka_unit_test(test_check_macs),
		cmocka_unit_test(test_check_modules),
		cmocka_unit_test(test_check_memory),
		cmocka_unit_test(test_check_empty),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
