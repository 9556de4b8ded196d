// SPDX-License-Identifier: MIT
/*
 * Harness for hv/vm/config.c. Feeds: the input as a configuration file to
 * config_parse(), then what it accepted to config_check() against a fixed
 * machine (8 CPUs, 7 VFs, the demo's modules, 1 GiB free). Checks: every
 * parse ends with an answer (0 or -EINVAL) and an accepted configuration
 * keeps the documented limits: at most 8 guests, names 1-15 of a-z 0-9 _ -
 * and distinct, CPUs set and never CPU 0, memory 32M-64G in 2M steps, a
 * kernel named, at most 4 VFs of 0-255 with as many MACs or none, MACs
 * unicast and not zero, every string terminated inside its array, [nic] vfs
 * 0-255; a checked one fits the machine (CPUs that exist, no CPU, VF or MAC
 * shared, within a guest or across guests, memory in total free).
 */
#include <string.h>
#include "lib/err.h"
#include "hv/vm/config.h"
#include "fake_printk.h"
#include "fuzz.h"

static const char *const modules[] = {"vmlinuz", "initrd-alpha", "initrd-beta"};

static bool name_ok(const char *s)
{
	size_t n = strnlen(s, CONFIG_NAME_MAX + 1);

	if (n == 0 || n > CONFIG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

static void check_checked(const struct vf_config *c, const struct config_machine *m)
{
	uint64_t cpus = 0, total = 0;

	for (unsigned int i = 0; i < c->guest_count; i++) {
		const struct guest_cfg *g = &c->guest[i];

		FUZZ_CHECK(!(g->cpus & cpus));
		FUZZ_CHECK(!(g->cpus >> m->cpu_count));
		cpus |= g->cpus;
		total += g->memory;
		for (unsigned int v = 0; v < g->nvf; v++) {
			FUZZ_CHECK(g->vf[v] < (int)m->vfs_available);
			/* no VF twice, in this guest or across guests */
			for (unsigned int k = 0; k <= i; k++)
				for (unsigned int w = 0; w < c->guest[k].nvf; w++)
					FUZZ_CHECK((k == i && w == v) ||
						   c->guest[k].vf[w] != g->vf[v]);
		}
		/* no MAC twice, in this guest or across guests */
		for (unsigned int v = 0; v < g->nmac; v++)
			for (unsigned int k = 0; k <= i; k++)
				for (unsigned int w = 0; w < c->guest[k].nmac; w++)
					FUZZ_CHECK((k == i && w == v) ||
						   memcmp(c->guest[k].mac[w], g->mac[v], 6));
	}
	FUZZ_CHECK(total <= m->free_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vf_config c;
	const struct config_machine m = {8, 7, modules, 3, 1ull << 30};
	int err;

	printk_reset();
	memset(&c, 0xA5, sizeof(c)); /* nothing may be left as it was */
	err = config_parse(&c, "fuzz.conf", (const char *)data, size);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	if (err)
		return 0;
	FUZZ_CHECK(c.guest_count <= CONFIG_MAX_GUESTS);
	FUZZ_CHECK(!c.have_vfs || c.vfs <= CONFIG_MAX_VF);
	for (unsigned int i = 0; i < c.guest_count; i++) {
		const struct guest_cfg *g = &c.guest[i];

		FUZZ_CHECK(name_ok(g->name));
		for (unsigned int k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(c.guest[k].name, g->name));
		FUZZ_CHECK(g->cpus && !(g->cpus & 1));
		FUZZ_CHECK(g->memory >= CONFIG_MEM_MIN && g->memory <= CONFIG_MEM_MAX &&
			   g->memory % CONFIG_MEM_ALIGN == 0);
		FUZZ_CHECK(strnlen(g->kernel, sizeof(g->kernel)) > 0 &&
			   strnlen(g->kernel, sizeof(g->kernel)) < sizeof(g->kernel));
		FUZZ_CHECK(strnlen(g->initrd, sizeof(g->initrd)) < sizeof(g->initrd));
		FUZZ_CHECK(strnlen(g->cmdline, sizeof(g->cmdline)) < sizeof(g->cmdline));
		FUZZ_CHECK(g->nvf <= CONFIG_GUEST_VFS);
		FUZZ_CHECK(g->nmac == 0 || g->nmac == g->nvf);
		for (unsigned int v = 0; v < g->nvf; v++)
			FUZZ_CHECK(g->vf[v] >= 0 && g->vf[v] <= CONFIG_MAX_VF);
		for (unsigned int v = 0; v < g->nmac; v++) {
			const uint8_t *mac = g->mac[v];

			FUZZ_CHECK(!(mac[0] & 1) &&
				   (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]));
		}
	}
	err = config_check(&c, "fuzz.conf", &m);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	if (!err)
		check_checked(&c, &m);
	return 0;
}
