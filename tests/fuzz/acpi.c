// SPDX-License-Identifier: MIT
/*
 * Harness for drivers/acpi/acpi.c: RSDP, RSDT/XSDT, MADT, MCFG, the DMAR
 * summary and where the IVRS is (iommu/'s full DMAR and IVRS parsers have
 * harnesses of their own). Feeds: byte 0 is options, the rest is physical
 * memory from address 0 with the RSDP at 0. Option bit 0 recomputes the
 * RSDP's, the root table's and each listed table's checksum first (else
 * nearly every mutation would stop at a checksum); bit 1 hands over a
 * 20-byte (v1) RSDP instead of 36 bytes. acpi_map() gives out a heap copy of
 * exactly the range asked for, so ASan sees a read past what the parser
 * mapped. Checks: the answer is 0, -EINVAL, -EBADMSG or -EFAULT; counts keep
 * their caps; every table recorded, and the DMAR, lies inside memory; CPUs
 * have distinct APIC IDs; MCFG bus ranges have start <= end.
 */
#include <string.h>
#include "lib/err.h"
#include "drivers/acpi/acpi.h"
#include "fake_printk.h"
#include "fuzz.h"

static uint8_t *mem;
static size_t mem_size;
static void *copies[4096];
static unsigned int ncopies;

const void *acpi_map(uint64_t phys, uint64_t len)
{
	void *c;

	if (!len || phys >= mem_size || len > mem_size - phys || ncopies == 4096)
		return NULL;
	c = malloc(len);
	FUZZ_CHECK(c);
	memcpy(c, mem + phys, len);
	copies[ncopies++] = c;
	return c;
}

static uint64_t rd(uint64_t at, unsigned int n)
{
	uint64_t v = 0;

	if (at >= mem_size || n > mem_size - at)
		return 0;
	memcpy(&v, mem + at, n);
	return v;
}

/* Make the sum of @len bytes at @at zero through the byte at @at + @pos. */
static void fix(uint64_t at, uint64_t len, unsigned int pos)
{
	uint8_t sum = 0;

	if (at >= mem_size || len > mem_size - at || pos >= len)
		return;
	mem[at + pos] = 0;
	for (uint64_t i = 0; i < len; i++)
		sum += mem[at + i];
	mem[at + pos] = (uint8_t)-sum;
}

static void fix_table(uint64_t at)
{
	fix(at, rd(at + 4, 4), 9);
}

static void fix_sums(void)
{
	uint64_t roots[2] = {rd(16, 4), rd(24, 8)};

	for (unsigned int r = 0; r < 2; r++) {
		uint64_t at = roots[r], len = rd(at + 4, 4), w = r ? 8 : 4;

		if (!at || len < 36 || len > mem_size)
			continue;
		for (uint64_t off = 36; off + w <= len; off += w)
			fix_table(rd(at + off, (unsigned int)w));
		fix_table(at);
	}
	fix(0, 20, 8);
	fix(0, rd(20, 4) < 36 ? 36 : rd(20, 4), 32);
}

static bool inside(uint64_t phys, uint64_t len)
{
	return phys < mem_size && len <= mem_size - phys;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info ai;
	size_t rsdp_len;
	int err;

	if (size < 1)
		return 0;
	mem_size = size - 1;
	mem = malloc(mem_size ? mem_size : 1);
	FUZZ_CHECK(mem);
	memcpy(mem, data + 1, mem_size);
	if (data[0] & 1)
		fix_sums();
	rsdp_len = (data[0] & 2) ? 20 : 36;
	printk_reset();
	ncopies = 0;
	memset(&ai, 0xA5, sizeof(ai));
	err = acpi_parse(&ai, acpi_map(0, rsdp_len), rsdp_len, 0);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -EBADMSG || err == -EFAULT);
	if (!err) {
		FUZZ_CHECK(ai.table_count <= ACPI_MAX_TABLES);
		for (unsigned int i = 0; i < ai.table_count; i++)
			FUZZ_CHECK(inside(ai.tables[i].phys, ai.tables[i].len));
		FUZZ_CHECK(ai.cpu_count <= ACPI_MAX_CPUS);
		for (unsigned int i = 0; i < ai.cpu_count; i++)
			for (unsigned int k = 0; k < i; k++)
				FUZZ_CHECK(ai.cpus[i].apic_id != ai.cpus[k].apic_id);
		FUZZ_CHECK(ai.ecam_count <= ACPI_MAX_ECAM);
		for (unsigned int i = 0; i < ai.ecam_count; i++)
			FUZZ_CHECK(ai.ecam[i].bus_start <= ai.ecam[i].bus_end);
		FUZZ_CHECK(ai.drhd_count <= ACPI_MAX_DRHD);
		if (ai.have_dmar)
			FUZZ_CHECK(inside(ai.dmar_phys, ai.dmar_len));
		if (ai.have_ivrs)
			FUZZ_CHECK(inside(ai.ivrs_phys, ai.ivrs_len));
	}
	while (ncopies)
		free(copies[--ncopies]);
	free(mem);
	return 0;
}
