// SPDX-License-Identifier: MIT
/*
 * Harness for iommu/ivrs.c. Feeds: the input as a whole IVRS table to
 * ivrs_parse(), with the checksum byte fixed up first unless the input is
 * shorter than a header (the checksum would otherwise stop nearly every
 * mutation at the door), then lookups of device IDs (all of bus 0, then
 * every 255th) in segments 0 and 1
 * and the summary lines into small buffers. Checks: -EBADMSG, -EINVAL and
 * -E2BIG leave the result all zero; an accepted table keeps the caps, ranges
 * and IVMDs with first <= last, non-empty IVMDs that do not wrap, unit bases
 * non-zero, 16 KiB aligned and distinct; ivrs_unit_for names a unit of the
 * table and of that segment; ivrs_range_for a range that holds the device;
 * the formatted lines are terminated inside their buffer.
 */
#include <string.h>
#include "lib/err.h"
#include "iommu/ivrs.h"
#include "fake_printk.h"
#include "fuzz.h"

static const struct ivrs zero;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ivrs iv;
	uint8_t *t = malloc(size ? size : 1);
	char line[48];
	int err;

	FUZZ_CHECK(t);
	memcpy(t, data, size);
	if (size >= 36) {
		uint8_t sum = 0;

		t[9] = 0;
		for (size_t i = 0; i < size; i++)
			sum += t[i];
		t[9] = (uint8_t)-sum;
	}
	printk_reset();
	memset(&iv, 0x5A, sizeof(iv));
	err = ivrs_parse(&iv, t, size);
	free(t);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -E2BIG || err == -EBADMSG);
	if (err) {
		FUZZ_CHECK(!memcmp(&iv, &zero, sizeof(iv)));
		return 0;
	}
	FUZZ_CHECK(iv.unit_count <= IVRS_MAX_UNITS && iv.ivmd_count <= IVRS_MAX_IVMDS);
	for (unsigned int i = 0; i < iv.unit_count; i++) {
		const struct ivrs_unit *u = &iv.unit[i];

		FUZZ_CHECK(u->base && !(u->base & 0x3FFF));
		for (unsigned int k = 0; k < i; k++)
			FUZZ_CHECK(iv.unit[k].base != u->base);
		FUZZ_CHECK(u->range_count <= IVRS_MAX_RANGES &&
			   u->special_count <= IVRS_MAX_SPECIALS);
		for (unsigned int k = 0; k < u->range_count; k++)
			FUZZ_CHECK(u->range[k].first <= u->range[k].last);
		FUZZ_CHECK(ivrs_format_unit(&iv, i, line, sizeof(line)) >= 0);
		FUZZ_CHECK(memchr(line, 0, sizeof(line)));
	}
	for (unsigned int i = 0; i < iv.ivmd_count; i++) {
		const struct ivrs_ivmd *m = &iv.ivmd[i];

		FUZZ_CHECK(m->first <= m->last && m->length && m->start + m->length > m->start);
	}
	FUZZ_CHECK(ivrs_format_summary(&iv, line, sizeof(line)) >= 0);
	FUZZ_CHECK(memchr(line, 0, sizeof(line)));
	for (unsigned int seg = 0; seg < 2; seg++)
		for (unsigned int bdf = 0; bdf < 0x10000; bdf += 1 + (bdf >= 0x100) * 0xFE) {
			const struct ivrs_unit *u =
				ivrs_unit_for(&iv, (uint16_t)seg, (uint16_t)bdf);
			const struct ivrs_range *r;

			if (!u)
				continue;
			FUZZ_CHECK(u >= iv.unit && u < iv.unit + iv.unit_count);
			FUZZ_CHECK(u->segment == seg);
			r = ivrs_range_for(u, (uint16_t)bdf);
			FUZZ_CHECK(!r || (r >= u->range && r < u->range + u->range_count &&
					  r->first <= bdf && bdf <= r->last));
		}
	return 0;
}
