/* SPDX-License-Identifier: MIT */
/*
 * The guest's view of an assigned VF's MSI-X table and PBA (igb VF: BAR3),
 * which stays trapped. The guest writes the messages it wants; each entry
 * that becomes usable (entry unmasked, function not masked, MSI-X enabled)
 * is turned into an interrupt remapping entry that delivers the guest's
 * vector to the guest's own CPU, and the real table only ever holds the
 * message that selects the entry's own IRTE (its encoding is the IOMMU's:
 * msi_msg()). Pure: all hardware access goes through struct vmsix_ops, so
 * this builds into the unit tests.
 *
 * Decisions:
 *  - Accesses must be 4 or 8 bytes, naturally aligned, inside the table or
 *    the PBA; anything else is refused: reads return all ones, writes are
 *    dropped, bad_access counts it (Linux uses aligned 32-bit accesses).
 *  - A message is accepted when: address bits 31:20 = 0xFEE, compatibility
 *    format (bit 4 clear), extended destination ID bits 11:5 clear (not
 *    advertised to the guest; Linux without IR uses 8-bit IDs), high address
 *    dword 0, physical destination mode (bit 2 clear), vector 16-255,
 *    delivery mode fixed or lowest priority (data 10:8 = 0 or 1; lowest
 *    priority goes as fixed to the one target), and guest_dest() names one
 *    of the guest's own CPUs. The redirection hint, trigger and level bits
 *    and data bits 31:16 are ignored: the IRTE is always fixed, physical,
 *    edge.
 *  - Logical destination mode is refused: turning it into one CPU needs the
 *    guest's LDRs, which this module does not see, and Linux in x2APIC mode
 *    without interrupt remapping always uses physical destinations.
 *  - A refused message (e.g. a destination that is another guest's CPU) is
 *    delivered nowhere: the real entry stays masked and the entry's IRTE is
 *    cleared; refused counts it and vmsix_why() says why. The guest gets its
 *    interrupt on its own CPU or not at all.
 *  - Masking alone keeps the IRTE, so a mask/unmask pair costs no IRTE
 *    write; the IRTE is rewritten only when the guest's request changes.
 *  - Re-targeting a live entry: mask the real entry, set the IRTE, unmask.
 *    No IRTE is written while its real entry is unmasked.
 *  - If irte_set() fails, the real entry stays masked until the guest writes
 *    the entry or the control bits again (irte_fail counts it).
 *  - Guest PBA reads show the real pending bit of entry i only while MSI-X
 *    is enabled and the guest has entry i masked (entry or function mask):
 *    a pending bit of an entry the guest left unmasked is an artefact of a
 *    refusal. Bits past the table are 0. PBA writes are dropped.
 *  - Guest view: address bits 1:0 and vector control bits 31:1 read as 0.
 *
 * Not locked: the caller serialises every call for one function (table
 * traps and vmsix_ctrl() from config space come from any guest CPU).
 */
#ifndef VF_VMSIX_H
#define VF_VMSIX_H

#include <stdbool.h>
#include <stdint.h>

#define VMSIX_MAX_ENTRIES 64 /* the PBA is then one qword */
#define VMSIX_ENTRY_SIZE  16

struct vmsix_ops {
	/* Translate the guest's MSI destination (address bits 19:12) into the
	 * physical APIC ID of the guest's own CPU it names; false if it names
	 * no CPU of this guest. */
	bool (*guest_dest)(void *ctx, uint32_t guest_apic_id, uint32_t *phys_apic_id);
	/* Program the IRTE of table entry @entry (index irte_base + @entry):
	 * deliver @vector to @phys_apic_id (fixed, physical, edge); 0 or a
	 * negative error. Only called while the real entry is masked. */
	int (*irte_set)(void *ctx, unsigned int entry, uint32_t phys_apic_id, uint8_t vector);
	/* Make that IRTE not present. Only called while the real entry is masked. */
	void (*irte_clear)(void *ctx, unsigned int entry);
	/* The message (address, data) that makes the device's interrupt go
	 * through the IRTE of table entry @entry, as the IOMMU encodes it. */
	void (*msi_msg)(void *ctx, unsigned int entry, uint64_t *addr, uint32_t *data);
	/* Write the real VF's MSI-X table entry @entry: @addr/@data is always
	 * msi_msg()'s message for @entry, and the mask bit. Write vector control first when @masked, last otherwise, so
	 * that address/data never change under an unmasked entry. */
	void (*hw_entry)(void *ctx, unsigned int entry, uint64_t addr, uint32_t data, bool masked);
	/* The real PBA's dword @dword, for guest PBA reads. */
	uint32_t (*hw_pba)(void *ctx, unsigned int dword);
};

/* Why an entry is not live (vmsix_why()). */
enum vmsix_why {
	VMSIX_LIVE,	  /* delivered through its IRTE */
	VMSIX_MASKED,	  /* the guest has it masked, function masked or MSI-X off */
	VMSIX_BAD_ADDR,	  /* not 0xFEExxxxx compatibility format, or high dword set */
	VMSIX_LOGICAL,	  /* logical destination mode */
	VMSIX_BAD_VECTOR, /* vector below 16 */
	VMSIX_BAD_MODE,	  /* delivery mode other than fixed/lowest priority */
	VMSIX_NOT_OWN,	  /* destination is not one of the guest's CPUs */
	VMSIX_IRTE_FAIL,  /* irte_set() failed */
};

enum { VMSIX_IRTE_CLEAR, VMSIX_IRTE_SET, VMSIX_IRTE_UNKNOWN };

struct vmsix_entry {
	uint32_t addr_lo, addr_hi, data; /* as the guest wrote them */
	bool masked;			 /* the guest's vector control bit 0 */
	bool hw_masked;			 /* the real entry's mask bit */
	uint8_t irte;			 /* VMSIX_IRTE_*: what the IRTE holds */
	uint8_t irte_vector;		 /* when SET */
	uint32_t irte_dest;		 /* when SET: physical APIC ID */
	enum vmsix_why why;
};

struct vmsix {
	const struct vmsix_ops *ops;
	void *ctx;
	unsigned int n;	    /* table entries */
	uint32_t table_off; /* offsets of the table and PBA in the trapped BAR */
	uint32_t pba_off;
	uint16_t irte_base;	 /* entry i uses IRTE irte_base + i */
	bool enable, fmask;	 /* the guest's MSI-X control bits */
	unsigned int bad_access; /* refused reads and writes */
	unsigned int refused;	 /* usable entries refused (once per new reason) */
	unsigned int irte_fail;	 /* irte_set() failures */
	bool shut;		 /* vmsix_shutdown: the guest's writes go nowhere */
	struct vmsix_entry e[VMSIX_MAX_ENTRIES];
};

/*
 * Set up @v for a table of @n entries at @table_off and a PBA at @pba_off
 * (both 8-byte aligned, in the same BAR, not overlapping), the entries using
 * IRTEs @irte_base .. @irte_base + @n - 1, which must not be present. The
 * guest view is the reset state (MSI-X off, every entry masked) and every
 * real entry is written masked with its msi_msg() message. -EINVAL on bad
 * geometry or a missing op, -ERANGE if the IRTE indices pass 0xFFFF.
 */
int vmsix_init(struct vmsix *v, unsigned int n, uint32_t table_off, uint32_t pba_off,
	       unsigned int irte_base, const struct vmsix_ops *ops, void *ctx);
/* Back to the reset state after a function level reset of the real VF (or
 * before giving it up): every real entry rewritten masked, every IRTE that
 * may be present cleared, the guest view reset. */
void vmsix_reset(struct vmsix *v);
/* The guest stops: as vmsix_reset, and from then on its table writes and
 * MSI-X control changes are dropped, so that one another of its vCPUs had
 * in flight cannot set an IRTE or unmask an entry again; reads still
 * answer. The caller serialises this with the writes. */
void vmsix_shutdown(struct vmsix *v);

/* Guest access at @offset in the trapped BAR, @size 4 or 8. */
uint64_t vmsix_read(struct vmsix *v, uint64_t offset, unsigned int size);
void vmsix_write(struct vmsix *v, uint64_t offset, unsigned int size, uint64_t val);
/* The guest's MSI-X Enable and Function Mask bits (from vPCI) changed. The
 * real function can stay enabled and unmasked: both are expressed here as
 * the real entries' mask bits. */
void vmsix_ctrl(struct vmsix *v, bool enable, bool fmask);

/* Why entry @entry is not live (VMSIX_LIVE if it is), for the log. */
enum vmsix_why vmsix_why(const struct vmsix *v, unsigned int entry);
const char *vmsix_why_str(enum vmsix_why why);

/*
 * The rules above for one guest MSI message, whatever device it comes from
 * (the serial port's MSI uses them too): VMSIX_LIVE with the physical APIC ID
 * in @dest and the vector in @vector, or why the message is refused.
 */
enum vmsix_why vmsix_msg_translate(uint32_t addr_lo, uint32_t addr_hi, uint32_t data,
				   bool (*guest_dest)(void *ctx, uint32_t guest_apic_id,
						      uint32_t *phys_apic_id),
				   void *ctx, uint32_t *dest, uint8_t *vector);

#endif
