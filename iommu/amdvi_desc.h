/* SPDX-License-Identifier: MIT */
/*
 * Encodings of the structures the AMD-Vi driver shares with the IOMMU (AMD
 * IOMMU spec #48882 rev 3.x): the 256-bit device table entry (2.2.2.1),
 * the 128-bit interrupt remapping entry in GA/x2APIC format (2.2.5.2) and
 * the MSI that points at one, command-buffer entries (2.4), event-log
 * entries (2.5) and the base-register values (3.4). Pure, so unit-tested.
 *
 * The helpers for the entries the driver writes keep to what QEMU 10.0.2's
 * amd-iommu was seen to honour (iommu/notes/qemu-10.0.2-amd-iommu.md):
 * every DTE has V=1 (V=0 passes DMA through there), DomainIDs 1..255
 * (it takes DomainID bit 8 for a reserved bit), and an IRTE index below
 * 512 (it reads MSI data 10:8 as the message type first).
 */
#ifndef VF_AMDVI_DESC_H
#define VF_AMDVI_DESC_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Device table (2.2.2) ---- */

#define AMDVI_DTE_SIZE	     32
#define AMDVI_DEVTAB_ENTRIES 65536 /* one per 16-bit DeviceID: 2 MiB */

struct amdvi_dte {
	uint64_t q[4];
};

/* DTE fields (2.2.2.1). Guest translation (GCR3, GV, GLX, PPR...), HAD
 * and the CXL/ATS attributes of qword 3 are never set. */
struct amdvi_dte_fields {
	bool v;			  /* entry valid */
	bool tv;		  /* translation information valid */
	unsigned int mode;	  /* 0: no translation; 1..6: levels of the table */
	uint64_t root;		  /* Page Table Root Pointer: 4 KiB aligned, < 2^52 */
	bool ir, iw;		  /* DMA read/write permission, ANDed with the tables' */
	uint16_t domid;		  /* DomainID: tags the IOTLB entries */
	bool i;			  /* IOTLB (ATS) enable */
	bool se, sa;		  /* no I/O page fault events (SE; SA: none at all) */
	unsigned int ioctl;	  /* port I/O: 0 abort, 1 forward, 2 translate */
	bool cache, sd, ex;	  /* IOTLB cache hint, snoop disable, allow exclusion */
	unsigned int sysmgt;	  /* system management messages: 0..3 */
	bool iv;		  /* the interrupt fields below are valid */
	unsigned int int_tab_len; /* 2^n IRTEs, n 0..11 */
	bool ig;		  /* ignore unmapped interrupts (no event) */
	uint64_t irt;		  /* Interrupt Table Root Pointer: 128-byte aligned, < 2^52 */
	bool init_pass, eint_pass, nmi_pass; /* INIT, ExtINT, NMI forwarded as they are */
	unsigned int int_ctl;		     /* fixed/arbitrated: 0 abort, 1 forward, 2 remap */
	bool lint0_pass, lint1_pass;
};

#define AMDVI_INTCTL_ABORT    0
#define AMDVI_INTCTL_FORWARD  1
#define AMDVI_INTCTL_REMAP    2
#define AMDVI_INT_TAB_LEN_MAX 11 /* 2048 entries */

/* @f as an entry; -EINVAL for a value outside its field or a reserved one
 * (Mode 7, IoCtl 3, IntCtl 3, IntTabLen > 11, misaligned or too high
 * pointers). Any DomainID: the driver's choice is amdvi_domid_check()'s. */
int amdvi_dte_encode(const struct amdvi_dte_fields *f, struct amdvi_dte *d);
/* The fields of @d; -EINVAL (the fields filled all the same) when it has
 * bits set that amdvi_dte_encode() never writes. */
int amdvi_dte_decode(const struct amdvi_dte *d, struct amdvi_dte_fields *f);

/* DomainIDs the driver hands out: 1..255. 0 is kept for none (a zeroed
 * entry's); QEMU 10.0.2 takes DomainID bit 8 for a reserved DTE bit and
 * rejects the entry whole (DMA and interrupts), so 256 up are left alone.
 * 0 if @domid is one of them, else -EINVAL. */
#define AMDVI_DOMID_MIN 1
#define AMDVI_DOMID_MAX 255
int amdvi_domid_check(unsigned int domid);

/*
 * The entry of a device nobody owns: V=1, TV=1, Mode 3 over @zero_table, a
 * 4 KiB page of zeros (the caller keeps it zero), DomainID @domid, and
 * interrupts aborted (IV=1, IntCtl 0). Not V=0, which QEMU 10.0.2 (like
 * the spec) takes as untranslated pass-through; not Mode 0, which QEMU 10.1
 * turns into pass-through. The walk finds nothing in the empty table, on
 * every version and on hardware. With @rw the DTE grants IR|IW, so the
 * fault is found (and logged on hardware) at the empty table with the
 * device's address; without, the DTE's own permissions deny every access
 * before the table counts (QEMU checks them first). -EINVAL: bad pointer
 * or DomainID.
 */
int amdvi_dte_blocked(uint64_t zero_table, uint16_t domid, bool rw, struct amdvi_dte *d);
/* A device translated by the table at @root with @mode (3 or 4: see
 * amdvi_pt_root/mode) in domain @domid: V, TV, IR, IW; interrupts aborted
 * until amdvi_dte_intremap(). -EINVAL: bad pointer, mode or DomainID. */
int amdvi_dte_translated(uint64_t root, unsigned int mode, uint16_t domid, struct amdvi_dte *d);
/* Remap @d's interrupts through the 2^@int_tab_len 128-bit IRTEs at @irt:
 * IV=1, IntCtl 2; NMI, INIT, ExtINT and LINTs stay blocked. -EINVAL (@d
 * unchanged): bad pointer or length. */
int amdvi_dte_intremap(struct amdvi_dte *d, uint64_t irt, unsigned int int_tab_len);

/* ---- Interrupt remapping (2.2.5) ---- */

struct amdvi_irte {
	uint64_t lo, hi;
};

#define AMDVI_IRTE_SIZE 16

/* 128-bit IRTE fields (2.2.5.2, GuestMode 0). */
struct amdvi_irte_fields {
	bool remap_en;	       /* valid */
	bool sup_iopf;	       /* no IO_PAGE_FAULT event when not valid */
	unsigned int int_type; /* 0 fixed, 1 arbitrated (lowest priority) */
	bool rq_eoi;	       /* the device wants an EOI message */
	bool dm;	       /* logical destination */
	uint32_t dest;	       /* APIC ID: 8 bits, or 32 with x2APIC (XTEn) */
	uint8_t vector;
};

#define AMDVI_INTTYPE_FIXED	 0
#define AMDVI_INTTYPE_ARBITRATED 1

/* @f as an entry for a unit with (@x2apic) or without XTEn; -EINVAL for a
 * type other than fixed/arbitrated or a destination wider than 8 bits
 * without @x2apic. */
int amdvi_irte_encode(const struct amdvi_irte_fields *f, bool x2apic, struct amdvi_irte *e);
/* The fields of @e; -EINVAL (filled all the same) when GuestMode or a
 * reserved bit is set. */
int amdvi_irte_decode(const struct amdvi_irte *e, struct amdvi_irte_fields *f);
/* Fixed delivery of @vector to physical APIC ID @dest, edge. */
int amdvi_irte_remap(uint32_t dest, uint8_t vector, bool x2apic, struct amdvi_irte *e);

/* What a device writes to raise the interrupt of IRTE @index: address
 * 0xFEE00000, data = @index (data 10:0 index the table). -EINVAL beyond
 * the table's 2^@int_tab_len entries, or at 512 and up: data 10:8 is read
 * as the message type first (2 and up: SMI, NMI, INIT...), and a table
 * that large needs EFR2's NumIntRemapSup, which is not used. */
#define AMDVI_MSI_ADDR	    0xFEE00000u
#define AMDVI_MSI_INDEX_MAX 511
int amdvi_msi_data(unsigned int index, unsigned int int_tab_len, uint32_t *data);

/* ---- Commands (2.4) ---- */

struct amdvi_cmd {
	uint64_t lo, hi; /* dwords 1:0, 3:2 */
};

#define AMDVI_CMD_SIZE 16

#define AMDVI_CMD_COMPLETION_WAIT     0x1
#define AMDVI_CMD_INV_DEVTAB_ENTRY    0x2
#define AMDVI_CMD_INV_IOMMU_PAGES     0x3
#define AMDVI_CMD_INV_IOTLB_PAGES     0x4
#define AMDVI_CMD_INV_INTERRUPT_TABLE 0x5
#define AMDVI_CMD_INV_IOMMU_ALL	      0x8

/* Store @data at @store (8-byte aligned, < 2^52) once every command before
 * it has completed; no interrupt (poll the store: QEMU 10.0.2 can clear
 * no status bit and may run the head pointer past the ring). -EINVAL. */
int amdvi_cmd_completion_wait(uint64_t store, uint64_t data, struct amdvi_cmd *c);
struct amdvi_cmd amdvi_cmd_inv_devtab_entry(uint16_t devid);
/* Domain @domid's IOTLB entries for [iova, iova+size): @size a power of
 * two from 4 KiB, @iova aligned to it; @pde also drops cached PDEs (after
 * tables were freed or relinked). -EINVAL. */
int amdvi_cmd_inv_pages(uint16_t domid, uint64_t iova, uint64_t size, bool pde,
			struct amdvi_cmd *c);
/* All of domain @domid's pages and PDEs (S=1, address 7FFF_FFFF_FFFF_F000). */
struct amdvi_cmd amdvi_cmd_inv_pages_all(uint16_t domid);
struct amdvi_cmd amdvi_cmd_inv_interrupt_table(uint16_t devid);
/* Every cache of the unit (needs EFR.IASup). */
struct amdvi_cmd amdvi_cmd_inv_all(void);

/* ---- Event log (2.5) ---- */

#define AMDVI_EVENT_SIZE 16

#define AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY 0x1
#define AMDVI_EVT_IO_PAGE_FAULT		  0x2
#define AMDVI_EVT_DEV_TAB_HW_ERROR	  0x3
#define AMDVI_EVT_PAGE_TAB_HW_ERROR	  0x4
#define AMDVI_EVT_ILLEGAL_COMMAND_ERROR	  0x5
#define AMDVI_EVT_COMMAND_HW_ERROR	  0x6
#define AMDVI_EVT_IOTLB_INV_TIMEOUT	  0x7
#define AMDVI_EVT_INVALID_DEVICE_REQUEST  0x8

/* Event flags (the 12-bit field at entry bits 59:48; by event, 2.5) */
#define AMDVI_EVF_GN (1u << 0) /* guest (PASID) request */
#define AMDVI_EVF_NX (1u << 1) /* instruction fetch */
#define AMDVI_EVF_US (1u << 2) /* user mode */
#define AMDVI_EVF_I  (1u << 3) /* an interrupt request */
#define AMDVI_EVF_PR (1u << 4) /* the entry was present */
#define AMDVI_EVF_RW (1u << 5) /* a write */
#define AMDVI_EVF_PE (1u << 6) /* permission denied */
#define AMDVI_EVF_RZ (1u << 7) /* a reserved bit was set */
#define AMDVI_EVF_TR (1u << 8) /* a translation request */

struct amdvi_event {
	unsigned int code; /* EventCode, bits 63:60 */
	bool known;	   /* one of AMDVI_EVT_*: the fields below are decoded */
	bool has_devid, has_domain, has_addr;
	uint16_t devid;
	uint32_t domain;       /* DomainID, or the 20-bit PASID when @guest */
	bool guest;	       /* GN */
	bool write;	       /* RW */
	uint64_t addr;	       /* the request's IOVA, or the entry's/command's SPA */
	unsigned int flags;    /* AMDVI_EVF_* and the Type field, raw */
	unsigned int err_type; /* hardware errors, invalid requests: the Type field */
	const char *name;      /* the event's name in the spec */
	const char *reason;    /* why, in words */
};

/* Decode the 16-byte entry @ev (qwords in memory order). Never fails: an
 * unknown code gives known = false and only @code, @flags and the text. */
void amdvi_event_decode(const uint64_t ev[2], struct amdvi_event *out);

/* ---- Base registers (3.4) ---- */

/* Device Table Base for a table of @bytes (4 KiB .. 2 MiB, whole 4 KiB
 * pages) at @base (4 KiB aligned, < 2^52). -EINVAL. */
int amdvi_devtab_base(uint64_t base, uint64_t bytes, uint64_t *reg);
/* Command Buffer / Event Log Base for a ring of 2^@len_log2 16-byte
 * entries (8..15) at @base (4 KiB aligned, < 2^52). -EINVAL. */
int amdvi_ring_base(uint64_t base, unsigned int len_log2, uint64_t *reg);

#endif
