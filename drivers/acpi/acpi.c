// SPDX-License-Identifier: MIT
/*
 * ACPI table discovery. Every byte read comes through acpi_map(), which first
 * confirms the whole range may be read; fields are fetched with memcpy since
 * firmware tables are packed and unaligned.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/acpi/acpi.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/unaligned.h"
#include "lib/printk.h"

#define HDR_LEN	     36
#define ROOT_MAX_LEN (64u << 10)
#define TABLE_MAX    (1u << 20)

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

#define MADT_HDR_LEN 44
#define MCFG_HDR_LEN 44
#define MCFG_ENT_LEN 16
#define DMAR_HDR_LEN 48
#define IVRS_HDR_LEN 48 /* header, IVinfo, 8 reserved bytes */
#define DRHD_HDR_LEN 16
#define SCOPE_MIN    6

static const char rsdp_sig[] = "RSD PTR ";

/* @n bytes of firmware text into @out (n + 1 bytes), unprintables as '?',
 * so a hostile signature cannot put control characters on the console. */
static void printable(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[n] = '\0';
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return sum;
}

const struct acpi_table_ref *acpi_table(const struct acpi_info *ai, const char *sig)
{
	for (unsigned int i = 0; i < ai->table_count; i++) {
		const char *t = ai->tables[i].sig;
		unsigned int k;

		/* Stop at the first difference so a short @sig is not overread. */
		for (k = 0; k < 4 && sig[k] && sig[k] == t[k]; k++)
			;
		if (k == 4 && !sig[4])
			return &ai->tables[i];
	}
	return NULL;
}

/* ---- MADT ------------------------------------------------------------------ */

/* Record one CPU entry; *@warned says the over-the-cap message went out. */
static void madt_cpu(struct acpi_info *ai, uint64_t phys, uint32_t apic_id, uint32_t uid,
		     uint32_t flags, bool x2apic, bool *warned)
{
	/* Bit 0 enabled, bit 1 online-capable: either may be brought up. */
	if (!(flags & 3)) {
		ai->cpus_skipped++;
		return;
	}
	/* The broadcast ID would address every CPU at once. */
	if (apic_id == (x2apic ? 0xffffffffu : 0xffu)) {
		pr_warn("acpi: APIC at 0x%llx: cpu with broadcast APIC ID, skipped\n", ull(phys));
		ai->cpus_skipped++;
		return;
	}
	for (unsigned int i = 0; i < ai->cpu_count; i++) {
		if (ai->cpus[i].apic_id == apic_id) {
			pr_warn("acpi: APIC at 0x%llx: duplicate APIC ID %u, skipped\n", ull(phys),
				apic_id);
			ai->cpus_skipped++;
			return;
		}
	}
	if (ai->cpu_count == ACPI_MAX_CPUS) {
		if (!*warned)
			pr_warn("acpi: APIC at 0x%llx: more than %d cpus, the rest skipped\n",
				ull(phys), ACPI_MAX_CPUS);
		*warned = true;
		ai->cpus_skipped++;
		return;
	}
	ai->cpus[ai->cpu_count].apic_id = apic_id;
	ai->cpus[ai->cpu_count].uid = uid;
	ai->cpus[ai->cpu_count].x2apic = x2apic;
	ai->cpu_count++;
}

static void parse_madt(struct acpi_info *ai, const struct acpi_table_ref *t)
{
	const uint8_t *p = acpi_map(t->phys, t->len);
	uint32_t len = t->len, off;
	bool warned = false;

	if (!p)
		return;
	if (len < MADT_HDR_LEN) {
		pr_warn("acpi: APIC at 0x%llx: length %u too short, ignored\n", ull(t->phys), len);
		return;
	}
	ai->have_madt = true;
	ai->lapic_base = rd32(p + 36);
	ai->pcat_compat = rd32(p + 40) & 1;

	for (off = MADT_HDR_LEN; off < len;) {
		const uint8_t *s = p + off;
		uint8_t type, slen, need;

		if (len - off < 2) {
			pr_warn("acpi: APIC at 0x%llx: truncated entry at offset %u, rest "
				"ignored\n",
				ull(t->phys), off);
			break;
		}
		type = p[off];
		slen = p[off + 1];
		/* A zero length would never advance. */
		if (slen < 2 || slen > len - off) {
			pr_warn("acpi: APIC at 0x%llx: entry at offset %u has bad length %u, "
				"rest ignored\n",
				ull(t->phys), off, slen);
			break;
		}
		need = type == 0 ? 8 : type == 1 || type == 5 ? 12 : type == 9 ? 16 : 2;

		if (slen < need) {
			pr_warn("acpi: APIC at 0x%llx: type %u entry at offset %u too short, "
				"skipped\n",
				ull(t->phys), type, off);
		} else if (type == 0) {
			madt_cpu(ai, t->phys, s[3], s[2], rd32(s + 4), false, &warned);
		} else if (type == 1) {
			ai->ioapic_count++;
		} else if (type == 5) {
			ai->lapic_base = rd64(s + 4);
		} else if (type == 9) {
			madt_cpu(ai, t->phys, rd32(s + 4), rd32(s + 12), rd32(s + 8), true,
				 &warned);
		}
		off += slen;
	}
}

/* ---- MCFG ------------------------------------------------------------------ */

static void parse_mcfg(struct acpi_info *ai, const struct acpi_table_ref *t)
{
	const uint8_t *p = acpi_map(t->phys, t->len);
	uint32_t n, rest;

	if (!p)
		return;
	if (t->len < MCFG_HDR_LEN) {
		pr_warn("acpi: MCFG at 0x%llx: length %u too short, ignored\n", ull(t->phys),
			t->len);
		return;
	}
	n = (t->len - MCFG_HDR_LEN) / MCFG_ENT_LEN;
	rest = (t->len - MCFG_HDR_LEN) % MCFG_ENT_LEN;
	if (rest)
		pr_warn("acpi: MCFG at 0x%llx: partial entry of %u bytes at the end, ignored\n",
			ull(t->phys), rest);

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + MCFG_HDR_LEN + i * MCFG_ENT_LEN;
		struct acpi_ecam *ec;

		if (e[10] > e[11]) {
			pr_warn("acpi: MCFG at 0x%llx: entry %u has buses %u-%u, skipped\n",
				ull(t->phys), i, e[10], e[11]);
			continue;
		}
		if (ai->ecam_count == ACPI_MAX_ECAM) {
			pr_warn("acpi: MCFG at 0x%llx: more than %d segments, the rest ignored\n",
				ull(t->phys), ACPI_MAX_ECAM);
			break;
		}
		ec = &ai->ecam[ai->ecam_count++];
		ec->base = rd64(e);
		ec->segment = rd16(e + 8);
		ec->bus_start = e[10];
		ec->bus_end = e[11];
	}
}

/* ---- DMAR ------------------------------------------------------------------ */

static void parse_drhd(struct acpi_info *ai, uint64_t phys, const uint8_t *s, uint16_t slen)
{
	struct acpi_drhd *d = &ai->drhd[ai->drhd_count++];
	uint32_t off;

	d->flags = s[4];
	d->segment = rd16(s + 6);
	d->base = rd64(s + 8);
	d->scope_count = 0;
	for (off = DRHD_HDR_LEN; off < slen;) {
		/* The length byte is at offset 1, so 2 bytes must remain to read it. */
		uint8_t len = slen - off >= 2 ? s[off + 1] : 0;

		if (len < SCOPE_MIN || len > slen - off) {
			pr_warn("acpi: DMAR at 0x%llx: DRHD 0x%llx: bad device scope length %u, "
				"rest ignored\n",
				ull(phys), ull(d->base), len);
			break;
		}
		d->scope_count++;
		off += len;
	}
}

static void parse_dmar(struct acpi_info *ai, const struct acpi_table_ref *t)
{
	const uint8_t *p = acpi_map(t->phys, t->len);
	uint32_t len = t->len, off;
	bool warned = false;

	if (!p)
		return;
	if (len < DMAR_HDR_LEN) {
		pr_warn("acpi: DMAR at 0x%llx: length %u too short, ignored\n", ull(t->phys), len);
		return;
	}
	/* The field is width - 1; anything past 64 bits is nonsense and would
	 * not fit the u8 either. */
	if (p[36] > 63) {
		pr_warn("acpi: DMAR at 0x%llx: host address width %u, ignored\n", ull(t->phys),
			p[36] + 1u);
		return;
	}
	ai->have_dmar = true;
	ai->dmar_phys = t->phys;
	ai->dmar_len = len;
	ai->dmar_haw = (uint8_t)(p[36] + 1);
	ai->dmar_flags = p[37];

	for (off = DMAR_HDR_LEN; off < len;) {
		const uint8_t *s = p + off;
		uint16_t type, slen;

		if (len - off < 4) {
			pr_warn("acpi: DMAR at 0x%llx: truncated structure at offset %u, "
				"rest ignored\n",
				ull(t->phys), off);
			break;
		}
		type = rd16(s);
		slen = rd16(s + 2);
		if (slen < 4 || slen > len - off) {
			pr_warn("acpi: DMAR at 0x%llx: structure at offset %u has bad length %u, "
				"rest ignored\n",
				ull(t->phys), off, slen);
			break;
		}
		if (type == 0 && slen < DRHD_HDR_LEN) {
			pr_warn("acpi: DMAR at 0x%llx: DRHD at offset %u too short, skipped\n",
				ull(t->phys), off);
		} else if (type == 0 && ai->drhd_count == ACPI_MAX_DRHD) {
			if (!warned)
				pr_warn("acpi: DMAR at 0x%llx: more than %d DRHDs, the rest "
					"ignored\n",
					ull(t->phys), ACPI_MAX_DRHD);
			warned = true;
		} else if (type == 0) {
			parse_drhd(ai, t->phys, s, slen);
		} else if (type == 1) {
			ai->rmrr_count++;
		}
		off += slen;
	}
}

/* ---- IVRS ------------------------------------------------------------------ */

/* Only where it is: the IVHD/IVMD blocks are iommu/ivrs.c's to judge. A
 * table without room for IVinfo and its reserved 8 bytes has no block. */
static void parse_ivrs(struct acpi_info *ai, const struct acpi_table_ref *t)
{
	if (t->len < IVRS_HDR_LEN) {
		pr_warn("acpi: IVRS at 0x%llx: length %u too short, ignored\n", ull(t->phys),
			t->len);
		return;
	}
	ai->have_ivrs = true;
	ai->ivrs_phys = t->phys;
	ai->ivrs_len = t->len;
}

/* ---- RSDP and root table --------------------------------------------------- */

/* 0, or why the RSDP at @p (@len readable bytes) is unusable. */
static int rsdp_check(const uint8_t *p, size_t len)
{
	uint32_t rlen;

	if (!p) {
		pr_warn("acpi: RSDP: not readable\n");
		return -EFAULT;
	}
	if (len < RSDP_V1_LEN) {
		pr_warn("acpi: RSDP: only %zu bytes\n", len);
		return -EINVAL;
	}
	if (memcmp(p, rsdp_sig, 8)) {
		pr_warn("acpi: RSDP: bad signature\n");
		return -EBADMSG;
	}
	if (acpi_checksum(p, RSDP_V1_LEN)) {
		pr_warn("acpi: RSDP: bad checksum\n");
		return -EBADMSG;
	}
	if (p[15] < 2)
		return 0;
	if (len < RSDP_V2_LEN) {
		pr_warn("acpi: RSDP: revision %u but only %zu bytes\n", p[15], len);
		return -EINVAL;
	}
	rlen = rd32(p + 20);
	if (rlen < RSDP_V2_LEN || rlen > len) {
		pr_warn("acpi: RSDP: length %u invalid (%zu bytes readable)\n", rlen, len);
		return -EINVAL;
	}
	if (acpi_checksum(p, rlen)) {
		pr_warn("acpi: RSDP: bad extended checksum\n");
		return -EBADMSG;
	}
	return 0;
}

/* Map and check the root table at @phys; its contents, or NULL with *err set. */
static const uint8_t *root_map(uint64_t phys, const char *sig, uint32_t *len, int *err)
{
	const uint8_t *p = acpi_map(phys, HDR_LEN);

	if (!p) {
		pr_warn("acpi: %s at 0x%llx: not readable\n", sig, ull(phys));
		*err = -EFAULT;
		return NULL;
	}
	if (memcmp(p, sig, 4)) {
		char s[5];

		printable(s, p, 4);
		pr_warn("acpi: %s at 0x%llx: bad signature '%s'\n", sig, ull(phys), s);
		*err = -EBADMSG;
		return NULL;
	}
	*len = rd32(p + 4);
	if (*len < HDR_LEN || *len > ROOT_MAX_LEN) {
		pr_warn("acpi: %s at 0x%llx: length %u invalid\n", sig, ull(phys), *len);
		*err = -EINVAL;
		return NULL;
	}
	p = acpi_map(phys, *len);
	if (!p) {
		pr_warn("acpi: %s at 0x%llx: length %u runs past readable memory\n", sig, ull(phys),
			*len);
		*err = -EFAULT;
		return NULL;
	}
	if (acpi_checksum(p, *len)) {
		pr_warn("acpi: %s at 0x%llx: bad checksum\n", sig, ull(phys));
		*err = -EBADMSG;
		return NULL;
	}
	return p;
}

/* Check the table at @phys and record it, or say why it is skipped. */
static void table_add(struct acpi_info *ai, uint64_t phys)
{
	const uint8_t *p = acpi_map(phys, HDR_LEN);
	struct acpi_table_ref *t;
	uint32_t len;
	char sig[5];

	if (!p) {
		pr_warn("acpi: table at 0x%llx: header not readable, skipped\n", ull(phys));
		return;
	}
	printable(sig, p, 4);
	len = rd32(p + 4);
	if (len < HDR_LEN) {
		pr_warn("acpi: %s at 0x%llx: length %u too short, skipped\n", sig, ull(phys), len);
		return;
	}
	if (len > TABLE_MAX) {
		pr_warn("acpi: %s at 0x%llx: length %u too large, skipped\n", sig, ull(phys), len);
		return;
	}
	p = acpi_map(phys, len);
	if (!p) {
		pr_warn("acpi: %s at 0x%llx: length %u runs past readable memory, skipped\n", sig,
			ull(phys), len);
		return;
	}
	if (acpi_checksum(p, len)) {
		pr_warn("acpi: %s at 0x%llx: bad checksum, skipped\n", sig, ull(phys));
		return;
	}
	t = &ai->tables[ai->table_count++];
	memcpy(t->sig, sig, sizeof(t->sig));
	printable(t->oem_id, p + 10, 6);
	t->revision = p[8];
	t->phys = phys;
	t->len = len;
}

/* Record every acceptable table the root table lists. */
static void root_walk(struct acpi_info *ai, const uint8_t *root, uint32_t len)
{
	const char *rs = ai->xsdt ? "XSDT" : "RSDT";
	uint32_t esz = ai->xsdt ? 8 : 4;
	uint32_t n = (len - HDR_LEN) / esz;

	if ((len - HDR_LEN) % esz)
		pr_warn("acpi: %s at 0x%llx: partial entry at the end, ignored\n", rs,
			ull(ai->root_phys));

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = root + HDR_LEN + i * esz;
		uint64_t phys = esz == 8 ? rd64(e) : rd32(e);
		const struct acpi_table_ref *dup = NULL;

		if (!phys) {
			pr_warn("acpi: %s entry %u: null, skipped\n", rs, i);
			continue;
		}
		/* A root table listing itself (or the RSDP) is how a loop would start;
		 * nothing is followed recursively, but such an entry is never a table. */
		if (phys == ai->root_phys) {
			pr_warn("acpi: %s entry %u at 0x%llx: points at the %s itself, skipped\n",
				rs, i, ull(phys), rs);
			continue;
		}
		if (ai->rsdp_phys && phys == ai->rsdp_phys) {
			pr_warn("acpi: %s entry %u at 0x%llx: points at the RSDP, skipped\n", rs, i,
				ull(phys));
			continue;
		}
		for (unsigned int k = 0; k < ai->table_count && !dup; k++)
			if (ai->tables[k].phys == phys)
				dup = &ai->tables[k];
		if (dup) {
			pr_warn("acpi: %s entry %u at 0x%llx: %s listed twice, skipped\n", rs, i,
				ull(phys), dup->sig);
			continue;
		}
		if (ai->table_count == ACPI_MAX_TABLES) {
			pr_warn("acpi: %s at 0x%llx: more than %d tables, %u entries ignored\n", rs,
				ull(ai->root_phys), ACPI_MAX_TABLES, n - i);
			break;
		}
		table_add(ai, phys);
	}
}

int acpi_parse(struct acpi_info *ai, const void *rsdp, size_t len, uint64_t rsdp_phys)
{
	const uint8_t *p = rsdp, *root = NULL;
	uint64_t rsdt, xsdt = 0;
	uint32_t rlen = 0;
	int err;
	const struct acpi_table_ref *t;

	memset(ai, 0, sizeof(*ai));
	err = rsdp_check(p, len);
	if (err)
		return err;
	ai->rsdp_revision = p[15];
	ai->rsdp_phys = rsdp_phys;
	rsdt = rd32(p + 16);
	if (p[15] >= 2)
		xsdt = rd64(p + 24);

	if (xsdt) {
		root = root_map(xsdt, "XSDT", &rlen, &err);
		if (root) {
			ai->xsdt = true;
			ai->root_phys = xsdt;
		} else if (rsdt) {
			/* Same tables, 32-bit pointers: better than none. */
			pr_warn("acpi: XSDT unusable, trying the RSDT\n");
		}
	}
	if (!root && rsdt) {
		root = root_map(rsdt, "RSDT", &rlen, &err);
		if (root)
			ai->root_phys = rsdt;
	}
	if (!root) {
		if (!xsdt && !rsdt) {
			pr_warn("acpi: RSDP: no RSDT or XSDT address\n");
			err = -EINVAL;
		}
		return err;
	}

	root_walk(ai, root, rlen);

	t = acpi_table(ai, "APIC");
	if (t)
		parse_madt(ai, t);
	t = acpi_table(ai, "MCFG");
	if (t)
		parse_mcfg(ai, t);
	t = acpi_table(ai, "DMAR");
	if (t)
		parse_dmar(ai, t);
	t = acpi_table(ai, "IVRS");
	if (t)
		parse_ivrs(ai, t);
	return 0;
}

/* ---- BIOS search ----------------------------------------------------------- */

static bool rsdp_at(uint64_t phys)
{
	const uint8_t *p = acpi_map(phys, RSDP_V1_LEN);
	uint32_t len;

	if (!p || memcmp(p, rsdp_sig, 8) || acpi_checksum(p, RSDP_V1_LEN))
		return false;
	if (p[15] < 2)
		return true;
	/* The extended part is checked when it can be read at all. */
	p = acpi_map(phys, RSDP_V2_LEN);
	if (!p)
		return true;
	len = rd32(p + 20);
	if (len < RSDP_V2_LEN)
		return false;
	p = acpi_map(phys, len);
	return !p || !acpi_checksum(p, len);
}

/* Candidates start below @end; like other OSes, the structure itself may
 * extend past it (acpi_map() decides whether that can be read). */
static uint64_t rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end; a += 16)
		if (rsdp_at(a))
			return a;
	return 0;
}

uint64_t acpi_find_rsdp_bios(void)
{
	const uint8_t *bda = acpi_map(0x40e, 2);
	uint64_t ebda = bda ? (uint64_t)rd16(bda) << 4 : 0;
	uint64_t r;

	/* A segment of 0 (or one pointing into the IVT/BDA) means no EBDA. */
	if (ebda >= 0x500) {
		r = rsdp_scan(ebda, ebda + 1024);
		if (r)
			return r;
	}
	return rsdp_scan(0xe0000, 0x100000);
}
