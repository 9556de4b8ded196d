/* SPDX-License-Identifier: MIT */
/*
 * The DMAR table in full: remapping units with their device scopes, RMRRs,
 * and which unit translates a given PCI function. A malformed table is
 * refused whole: the hypervisor then runs without an IOMMU (and without
 * passthrough) rather than with a half-programmed one.
 */
#ifndef VF_DMAR_H
#define VF_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAR_MAX_UNITS	8
#define DMAR_MAX_SCOPES 64 /* per unit or RMRR */
#define DMAR_MAX_RMRRS	16
#define DMAR_MAX_PATH	8

/* Device scope types */
#define DMAR_SCOPE_ENDPOINT 1
#define DMAR_SCOPE_BRIDGE   2 /* the bridge and everything below it */
#define DMAR_SCOPE_IOAPIC   3
#define DMAR_SCOPE_HPET	    4
#define DMAR_SCOPE_ACPI	    5

struct dmar_scope {
	uint8_t type;
	uint8_t enum_id; /* IOAPIC / HPET id */
	uint8_t start_bus;
	uint8_t path_len; /* >= 1 */
	struct {
		uint8_t dev, fn;
	} path[DMAR_MAX_PATH];
};

struct dmar_unit {
	uint64_t base;
	uint16_t segment;
	bool include_all; /* INCLUDE_PCI_ALL: every function of the segment not claimed by another unit */
	struct dmar_scope scope[DMAR_MAX_SCOPES];
	unsigned int scope_count;
};

struct dmar_rmrr {
	uint64_t base, limit; /* limit inclusive */
	uint16_t segment;
	struct dmar_scope scope[DMAR_MAX_SCOPES];
	unsigned int scope_count;
};

struct dmar_info {
	uint8_t haw; /* host address width in bits */
	bool intr_remap;
	bool x2apic_opt_out;
	struct dmar_unit unit[DMAR_MAX_UNITS];
	unsigned int unit_count;
	struct dmar_rmrr rmrr[DMAR_MAX_RMRRS];
	unsigned int rmrr_count;
};

/*
 * Parse the whole DMAR table (@len bytes at @table, header included; the
 * checksum was checked by drivers/acpi). -EINVAL, with a message naming the
 * offset and problem, for: a length shorter than the header or a structure,
 * a structure or scope running past its parent, a scope path of length 0,
 * two units at one register base, two INCLUDE_PCI_ALL units for one segment,
 * an RMRR whose limit is below its base or not page-aligned. -E2BIG past the
 * table caps. Unknown structure types are skipped by their length.
 * Also -EINVAL: a host address width past 64 bits, a DRHD register base of 0
 * or not page-aligned, a path element with device > 31 or function > 7,
 * bytes after the last structure too few to hold one. Nothing is printed on
 * success. A scope path longer than DMAR_MAX_PATH is -E2BIG.
 */
int dmar_parse(struct dmar_info *d, const void *table, size_t len);

/* Environment: the secondary and subordinate bus of the bridge at
 * @seg:@bus:@devfn as enumerated; false if there is no such bridge. */
typedef bool (*dmar_bridge_fn)(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t *sec,
			       uint8_t *sub);

/*
 * The unit that translates @seg:@bus:@devfn: a unit whose endpoint scope
 * resolves to exactly this function, or whose bridge scope's bus range holds
 * its bus (paths are followed through bridges with @bridge), else the
 * segment's INCLUDE_PCI_ALL unit; -ENOENT if none. Scopes that do not
 * resolve (a path element that is not a bridge) match nothing.
 * When several match, an endpoint scope beats a bridge scope and a deeper
 * (narrower bus range) bridge beats a shallower one; on a tie the unit listed
 * first wins. A bridge whose secondary bus is not above its own bus, or whose
 * subordinate is below its secondary, counts as no bridge. @bridge may be
 * NULL: then only single-element endpoint scopes can match.
 */
int dmar_unit_for(const struct dmar_info *d, uint16_t seg, uint8_t bus, uint8_t devfn,
		  dmar_bridge_fn bridge);

/*
 * The requester IDs PCI scope @sc names in @seg: an endpoint's own, or for a
 * bridge every function on the buses below it (@bridge as for
 * dmar_unit_for). False for IOAPIC, HPET and ACPI scopes and for a scope
 * that leads nowhere.
 */
bool dmar_scope_rids(const struct dmar_scope *sc, uint16_t seg, dmar_bridge_fn bridge,
		     uint16_t *first, uint16_t *last);

#endif
