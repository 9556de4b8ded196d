// SPDX-License-Identifier: MIT
/*
 * Harness for iommu/dmar.c. Feeds: the input as a whole DMAR table to
 * dmar_parse() (its checksum is drivers/acpi's business), then lookups of
 * every device on buses 0-3 with dmar_unit_for() through a fake topology in
 * which device 0x1c.F of bus B is a bridge to bus B+1 (up to bus 3).
 * Checks: the answer is 0, -EINVAL or -E2BIG; an accepted table keeps the
 * caps, 1-8 path elements of device <= 31 and function <= 7 per scope, RMRRs
 * with base <= limit, distinct unit bases, HAW <= 64; a lookup names a unit
 * that exists or is -ENOENT.
 */
#include <string.h>
#include "lib/err.h"
#include "iommu/dmar.h"
#include "fake_printk.h"
#include "fuzz.h"

static bool bridge(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec, uint8_t *sub)
{
	if (seg != 0 || bus >= 3 || (devfn >> 3) != 0x1c)
		return false;
	*sec = bus + 1;
	*sub = 3;
	return true;
}

static void check_scopes(const struct dmar_scope *s, unsigned int n)
{
	FUZZ_CHECK(n <= DMAR_MAX_SCOPES);
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(s[i].path_len >= 1 && s[i].path_len <= DMAR_MAX_PATH);
		for (unsigned int k = 0; k < s[i].path_len; k++)
			FUZZ_CHECK(s[i].path[k].dev <= 31 && s[i].path[k].fn <= 7);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dmar_info d;
	int err;

	printk_reset();
	err = dmar_parse(&d, data, size);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -E2BIG);
	if (err)
		return 0;
	FUZZ_CHECK(d.haw <= 64);
	FUZZ_CHECK(d.unit_count <= DMAR_MAX_UNITS && d.rmrr_count <= DMAR_MAX_RMRRS);
	for (unsigned int i = 0; i < d.unit_count; i++) {
		FUZZ_CHECK(d.unit[i].base && !(d.unit[i].base & 0xFFF));
		for (unsigned int k = 0; k < i; k++)
			FUZZ_CHECK(d.unit[k].base != d.unit[i].base);
		check_scopes(d.unit[i].scope, d.unit[i].scope_count);
	}
	for (unsigned int i = 0; i < d.rmrr_count; i++) {
		FUZZ_CHECK(d.rmrr[i].base <= d.rmrr[i].limit);
		check_scopes(d.rmrr[i].scope, d.rmrr[i].scope_count);
	}
	for (unsigned int bus = 0; bus < 4; bus++)
		for (unsigned int devfn = 0; devfn < 256; devfn++) {
			int u = dmar_unit_for(&d, 0, bus, devfn, (devfn & 1) ? NULL : bridge);

			FUZZ_CHECK(u == -ENOENT || (u >= 0 && (unsigned int)u < d.unit_count));
		}
	return 0;
}
