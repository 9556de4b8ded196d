/* SPDX-License-Identifier: MIT */
/*
 * The AMD IVRS table (I/O Virtualization Reporting Structure, AMD IOMMU
 * specification section 5.2) in full: IOMMU units with the device IDs each
 * one translates, their IOAPIC/HPET special devices, the memory definitions
 * (IVMDs), and which unit translates a given PCI function. A malformed table
 * is refused whole, as with DMAR: no IOMMU rather than a half-described one.
 */
#ifndef VF_IVRS_H
#define VF_IVRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IVRS_MAX_UNITS	  8
#define IVRS_MAX_RANGES	  64 /* per unit */
#define IVRS_MAX_SPECIALS 16 /* per unit */
#define IVRS_MAX_IVMDS	  16

/* IVHD block types: one per IOMMU, in up to three formats. */
#define IVRS_IVHD_LEGACY 0x10 /* 24-byte header, feature reporting field */
#define IVRS_IVHD_EFR	 0x11 /* 40-byte header with the EFR image */
#define IVRS_IVHD_ACPI	 0x40 /* as 11h, may also name ACPI devices */

/* IVMD block types */
#define IVRS_IVMD_ALL	0x20 /* every device */
#define IVRS_IVMD_ONE	0x21 /* one device */
#define IVRS_IVMD_RANGE 0x22 /* a range of device IDs */

/* IVMD flags */
#define IVRS_IVMD_UNITY	    (1u << 0) /* map it 1:1 */
#define IVRS_IVMD_READ	    (1u << 1)
#define IVRS_IVMD_WRITE	    (1u << 2)
#define IVRS_IVMD_EXCLUSION (1u << 3) /* not translated at all */

/* IVinfo fields */
#define IVRS_IVINFO_EFR_SUP	  (1u << 0) /* the EFR images in 11h/40h blocks are valid */
#define IVRS_IVINFO_DMA_REMAP	  (1u << 1) /* firmware opts in to pre-boot DMA protection */
#define IVRS_IVINFO_PASIZE(info)  (((info) >> 8) & 0x7f)
#define IVRS_IVINFO_VASIZE(info)  (((info) >> 15) & 0x7f)
#define IVRS_IVINFO_GVASIZE(info) (((info) >> 5) & 0x7)

/* Special device varieties */
#define IVRS_SPECIAL_IOAPIC 1
#define IVRS_SPECIAL_HPET   2

/* A device ID is the PCI requester ID: bus << 8 | device << 3 | function. */
#define IVRS_BDF(bus, dev, fn) ((uint16_t)((bus) << 8 | (dev) << 3 | (fn)))

/* Device IDs @first..@last (inclusive) of a unit's segment. */
struct ivrs_range {
	uint16_t first, last;
	bool aliased;	/* the IOMMU sees their DMA as from @alias */
	uint16_t alias; /* requester ID when @aliased, else 0 */
	uint8_t dte;	/* DTE setting: INITPass, EIntPass, NMIPass, SysMgt, Lint0/1Pass */
	uint32_t ext;	/* extended DTE setting (entry types 46h/47h), else 0 */
	bool acpi;	/* from an ACPI HID entry (F0h): one device named by _HID */
};

/* An IOAPIC or HPET and the requester ID its interrupts carry. */
struct ivrs_special {
	uint8_t variety; /* IVRS_SPECIAL_* */
	uint8_t handle;	 /* IOAPIC ID (as in the MADT) or HPET number */
	uint16_t bdf;
	uint8_t dte;
};

struct ivrs_unit {
	uint8_t type;  /* IVRS_IVHD_* it was read from */
	uint8_t flags; /* IVHD flags (HtTunEn, PassPW, ResPassPW, Isoc, IotlbSup, Coherent, ...) */
	uint16_t bdf;  /* the IOMMU's own PCI function */
	uint16_t cap_off; /* its IOMMU capability in configuration space */
	uint64_t base;	  /* MMIO register base */
	uint16_t segment;
	uint16_t info;	  /* IOMMU info: MSI number, unit ID */
	uint32_t feature; /* 10h: IOMMU feature reporting; 11h/40h: IOMMU attributes */
	bool has_efr;	  /* 11h/40h: @efr, @efr2 hold the EFR register images */
	uint64_t efr, efr2;
	struct ivrs_range range[IVRS_MAX_RANGES];
	unsigned int range_count;
	struct ivrs_special special[IVRS_MAX_SPECIALS];
	unsigned int special_count;
};

struct ivrs_ivmd {
	uint8_t type;  /* IVRS_IVMD_* */
	uint8_t flags; /* IVRS_IVMD_UNITY ... */
	uint16_t segment;
	uint16_t first, last; /* device IDs it applies to (20h: 0..0xffff) */
	uint64_t start, length;
};

struct ivrs {
	uint32_t ivinfo;
	uint8_t ivhd_type; /* the IVHD type the units were read from, 0 if none */
	struct ivrs_unit unit[IVRS_MAX_UNITS];
	unsigned int unit_count;
	struct ivrs_ivmd ivmd[IVRS_MAX_IVMDS];
	unsigned int ivmd_count;
};

/*
 * Parse the whole IVRS table (@len bytes at @table, header included).
 * Firmware may describe one IOMMU in several IVHD formats; units are read
 * from the newest type present (40h, else 11h, else 10h) and the others are
 * checked but not kept. -EBADMSG for a wrong signature or checksum. -EINVAL,
 * with a message naming the offset and problem, for: a length field that is
 * not @len, a table shorter than its header, a block or entry running past
 * what holds it, a block shorter than its header, an IVHD whose register base
 * is 0, not 16 KiB aligned or another unit's, an entry type unknown for its
 * size class or of unknown length (80h and up, other than F0h), an END not
 * right after a START or a START not followed by END, a range or IVMD whose
 * end is below its start, a special device of unknown variety or named twice,
 * two units of a segment claiming one device ID, an empty or wrapping IVMD,
 * an older-type IVHD with no unit of the chosen type at its base.
 * -E2BIG past the caps. Unknown block types are skipped by their length.
 * Nothing is printed on success; on failure *@iv is all zero.
 */
int ivrs_parse(struct ivrs *iv, const void *table, size_t len);

/*
 * The unit that translates @seg:@bdf: the one whose ranges, alias targets or
 * special devices include it; NULL if none. Units of a segment never share
 * a device ID (ivrs_parse refuses that), so there is at most one.
 */
const struct ivrs_unit *ivrs_unit_for(const struct ivrs *iv, uint16_t seg, uint16_t bdf);

/*
 * The range of @u holding @bdf (the last listed, as a later entry overrides
 * an earlier one's settings), with its alias and DTE settings; NULL if none
 * does (also when @bdf is only an alias target or special device).
 */
const struct ivrs_range *ivrs_range_for(const struct ivrs_unit *u, uint16_t bdf);

/*
 * One line for the boot log (printk adds "vfvisor: "), like
 * "ivrs: 1 unit(s), 0 ivmd(s), ivhd type 0x11, physical address size 40,
 * efr supported". Returns what sfmt returns.
 */
int ivrs_format_summary(const struct ivrs *iv, char *buf, size_t size);

/* One line for unit @i, like "ivrs: unit 0 at 0xfed80000 segment 0, iommu
 * 00:01.0, 5 range(s), 1 special(s), efr 0x29d7". */
int ivrs_format_unit(const struct ivrs *iv, unsigned int i, char *buf, size_t size);

#endif
