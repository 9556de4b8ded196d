/* SPDX-License-Identifier: MIT */
/*
 * A fake PCIe configuration space for host unit tests: functions with a 4 KiB
 * image each, per-bit write masks (BAR sizing falls out of them), bridges that
 * route configuration accesses by their current bus numbers as hardware does,
 * and SR-IOV physical functions whose VFs appear and vanish with VF Enable.
 *
 * Topology is structural: a function hangs under a bridge (or the root bus,
 * number 0, segment 0), never under a bus number. An access to bus N is a
 * type 0 access on a bus whose number is N, else it goes to the bridge there
 * whose [secondary, subordinate] holds N (first created wins), and so on down.
 * So renumbering a bridge moves everything below it, and a function behind a
 * bridge that does not route is unreachable. Absent functions read all-ones.
 *
 * The builders (fake_pcie_set*, fake_pcie_bar, the capability builders...)
 * write the image directly and define the function's reset state too (FLR
 * and VF disable return to it); accesses through fake_pcie_ecam/cf8 go
 * through the write masks, are logged, and change only the live image.
 */
#ifndef VF_FAKE_PCIE_H
#define VF_FAKE_PCIE_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/pci/pci.h"

#define FAKE_PCIE_CFG_SIZE 4096
#define FAKE_PCIE_MAX_VFS  64
#define FAKE_PCIE_LOG_MAX  (1u << 16)

struct fake_fn {
	uint8_t cfg[FAKE_PCIE_CFG_SIZE];   /* what reads return */
	uint8_t wmask[FAKE_PCIE_CFG_SIZE]; /* bits a write may change */
	uint8_t w1c[FAKE_PCIE_CFG_SIZE];   /* bits a write of 1 clears */
	uint8_t reset[FAKE_PCIE_CFG_SIZE]; /* the image after FLR / VF disable */
	struct fake_fn *up;		   /* bridge it sits below; NULL: root bus */
	uint8_t devfn;
	bool gone; /* surprise-removed: reads all-ones, routes nothing */

	uint16_t pcie;	/* PCIe capability offset (FLR), 0 if none */
	uint16_t sriov; /* SR-IOV capability offset (PFs), 0 if none */
	struct fake_fn *vf[FAKE_PCIE_MAX_VFS];
	unsigned int nvfs;  /* = TotalVFs */
	struct fake_fn *pf; /* VFs: their PF (then not reachable as a plain child) */
	uint16_t vf_index;

	unsigned int reads, writes; /* accesses that reached this function */
	unsigned int flr_count;	    /* FLRs started by writing DEVCTL bit 15 */
};

/* ---- accesses --------------------------------------------------------------- */

/* pci_access back ends: ECAM-like (4096) and CF8/CFC-like (256 bytes; an
 * access past 0xff reads all-ones and counts in fake_pcie_bad_ops). */
extern const struct pci_access fake_pcie_ecam;
extern const struct pci_access fake_pcie_cf8;

/* The routed, logged accessors behind both (as the pci_access signature). */
uint32_t fake_pcie_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size);
void fake_pcie_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		     uint32_t v);
/* The function an access to @seg:@bus:@devfn reaches now, or NULL. */
struct fake_fn *fake_pcie_route(uint16_t seg, uint8_t bus, uint8_t devfn);

struct fake_pcie_op {
	bool write;
	bool hit; /* reached a function */
	uint16_t seg;
	uint8_t bus, devfn;
	uint16_t off;
	uint8_t size;
	uint32_t v; /* value written, or value read */
};
/* Every access since reset / log_clear, in order; fake_pcie_log_len counts
 * on past FAKE_PCIE_LOG_MAX but only that many are kept. */
extern struct fake_pcie_op fake_pcie_log[FAKE_PCIE_LOG_MAX];
extern unsigned int fake_pcie_log_len;
/* Misaligned, bad-size or out-of-space accesses (the code under test should
 * never make one); not reset by fake_pcie_log_clear. */
extern unsigned int fake_pcie_bad_ops;

void fake_pcie_log_clear(void);
/* Logged accesses matching: @write 0/1 or -1 for both, @bus/@devfn or -1 for
 * any, offset in [@lo, @hi). */
unsigned int fake_pcie_ops(int write, int bus, int devfn, unsigned int lo, unsigned int hi);

/* ---- building --------------------------------------------------------------- */

/* Forget every function and the log (fake_pcie_bad_ops too). */
void fake_pcie_reset(void);

/*
 * A function at @devfn below bridge @up (NULL: root bus). @hdr_type may have
 * bit 7 (multi-function) set; type 1 gets writable bus numbers, windows and
 * bridge control. Command (IO, MEM, MASTER, PERR, SERR, INTX_OFF) is writable,
 * everything else read-only until given a mask. Aborts on a duplicate.
 */
struct fake_fn *fake_pcie_add(struct fake_fn *up, uint8_t devfn, uint16_t vendor, uint16_t device,
			      uint32_t class_rev, uint8_t hdr_type);

/* Raw image access (no routing, no log, no masks). set also sets the reset
 * image; @size is 1, 2 or 4. */
void fake_pcie_set(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t v);
uint32_t fake_pcie_get(const struct fake_fn *f, uint16_t off, unsigned int size);
void fake_pcie_set_wmask(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t mask);
void fake_pcie_set_w1c(struct fake_fn *f, uint16_t off, unsigned int size, uint32_t mask);

/* BAR @i: @size bytes (a power of two; 0: unimplemented, reads 0), @flags of
 * PCI_BAR_IO / PCI_BAR_MEM64 / PCI_BAR_PREFETCH. I/O BARs decode 16 bits (the
 * upper half reads 0). A 64-bit BAR takes slot @i + 1 too (except in the
 * last slot, where it is left malformed on purpose). Base starts at 0. */
void fake_pcie_bar(struct fake_fn *f, int i, uint64_t size, unsigned int flags);
/* Put @base in BAR @i (as firmware would; kept within the BAR's mask). */
void fake_pcie_bar_base(struct fake_fn *f, int i, uint64_t base);

/* Bridges: bus numbers, and windows (inclusive; 1 MiB / 4 KiB granular). */
void fake_pcie_buses(struct fake_fn *b, uint8_t pri, uint8_t sec, uint8_t sub);
void fake_pcie_window_mem(struct fake_fn *b, uint32_t base, uint32_t limit);
void fake_pcie_window_pref(struct fake_fn *b, uint64_t base, uint64_t limit); /* 64-bit */
void fake_pcie_window_io(struct fake_fn *b, uint16_t base, uint16_t limit);
/* The bus number @f sits on now (its bridge's secondary; 0 on the root bus). */
uint8_t fake_pcie_bus_of(const struct fake_fn *f);

/* ---- capabilities ----------------------------------------------------------- */

/* Append a standard capability @id at @off (next 0; sets Status.CAP and the
 * pointer at 0x34 for the first). Returns @off. */
uint8_t fake_pcie_cap(struct fake_fn *f, uint8_t off, uint8_t id);
/* Overwrite the next pointer of the capability at @off (for broken lists;
 * the pointer at 0x34 itself: fake_pcie_set(f, 0x34, 1, v)). */
void fake_pcie_cap_link(struct fake_fn *f, uint8_t off, uint8_t next);
/* Append an extended capability @id (version @ver) at @off. */
uint16_t fake_pcie_ext_cap(struct fake_fn *f, uint16_t off, uint16_t id, uint8_t ver);
/* Overwrite the next pointer of the extended capability at @off. */
void fake_pcie_ext_link(struct fake_fn *f, uint16_t off, uint16_t next);

#define FAKE_PCIE_FLR	  0x1 /* DEVCAP bit 28: FLR; writing DEVCTL bit 15 resets */
#define FAKE_PCIE_ARI_FWD 0x2 /* DEVCAP2 bit 5: ARI forwarding supported */

/* PCIe capability (60 bytes) of port type @type (PCIE_TYPE_*); DEVCTL, LNKCTL,
 * DEVCTL2 writable (DEVCTL2 bit 5 only with FAKE_PCIE_ARI_FWD). */
void fake_pcie_cap_exp(struct fake_fn *f, uint8_t off, uint8_t type, unsigned int flags);
/* Power management: PMCSR power state writable. */
void fake_pcie_cap_pm(struct fake_fn *f, uint8_t off);
/* MSI, 64-bit, 2^@log2_vectors vectors, per-vector masking if @maskable
 * (24 bytes; 14 without). Enable and Multiple Message Enable writable. */
void fake_pcie_cap_msi(struct fake_fn *f, uint8_t off, unsigned int log2_vectors, bool maskable);
/* MSI-X with @nvec vectors; @table / @pba are offset | BIR. Control bits 15:14
 * writable. */
void fake_pcie_cap_msix(struct fake_fn *f, uint8_t off, unsigned int nvec, uint32_t table,
			uint32_t pba);
void fake_pcie_ext_aer(struct fake_fn *f, uint16_t off);
/* ARI, with @next_fn as Next Function Number. */
void fake_pcie_ext_ari(struct fake_fn *f, uint16_t off, uint8_t next_fn);

struct fake_sriov {
	uint16_t total, initial; /* TotalVFs (<= FAKE_PCIE_MAX_VFS), InitialVFs */
	uint16_t offset, stride; /* First VF Offset, VF Stride */
	uint16_t vf_device;
	uint32_t page_sizes; /* Supported Page Sizes; System Page Size starts at 1 */
	struct {
		uint64_t size;
		unsigned int flags;
	} bar[6]; /* per-VF BARs, as fake_pcie_bar */
};

/*
 * SR-IOV capability at @off, and its TotalVFs functions: VF n answers at
 * routing ID (PF bus << 8 | PF devfn) + offset + stride * n (spilling onto the
 * following bus numbers) while Control.VFE is set and n < NumVFs. Control
 * (VFE, migration bits, MSE, ARI hierarchy) is writable; NumVFs only while VFE
 * is clear; clearing VFE resets the VFs. VFs start bare: vendor/device 0xffff,
 * the PF's class and revision, type 0, Command.MASTER writable; build on them
 * with fake_pcie_vf() and the builders above.
 */
void fake_pcie_ext_sriov(struct fake_fn *pf, uint16_t off, const struct fake_sriov *c);
struct fake_fn *fake_pcie_vf(const struct fake_fn *pf, unsigned int n);
/* Routing ID VF @n has with the PF where it is now (may exceed 0xffff). */
uint32_t fake_pcie_vf_rid(const struct fake_fn *pf, unsigned int n);

/* ---- ready-made functions ------------------------------------------------- */

/* q35 host bridge 8086:29c0, class 060000, no capabilities. */
struct fake_fn *fake_pcie_host_bridge(struct fake_fn *up, uint8_t devfn);
/* QEMU PCIe root port 1b36:000c, class 060400: PCIe root port at 0x40 with
 * ARI forwarding supported (DEVCTL2 writable), MSI at 0x80, AER at 0x100;
 * no BARs. */
struct fake_fn *fake_pcie_root_port(struct fake_fn *up, uint8_t devfn);
/* x3130-like switch ports (104c:8232 upstream, 104c:8233 downstream), class
 * 060400: MSI 0x70, subsystem ID 0x80, PCIe 0x90 (downstream with ARI
 * forwarding), AER 0x100; no BARs. */
struct fake_fn *fake_pcie_switch_up(struct fake_fn *up, uint8_t devfn);
struct fake_fn *fake_pcie_switch_down(struct fake_fn *up, uint8_t devfn);
/*
 * 82576-like PF 8086:10c9, class 020000 rev 01, single function. BAR0 128K
 * mem32, BAR1 128K mem32, BAR2 32-byte I/O, BAR3 16K mem64. PM 0x40, MSI 0x50,
 * MSI-X 0x70 (10 vectors in BAR3, PBA at 0x2000), PCIe endpoint 0xa0 with
 * FLR; AER 0x100, ARI 0x150, SR-IOV 0x160: TotalVFs 8, InitialVFs 8, offset
 * 0x80, stride 2, VF device 10ca, page sizes 0x553, VF BAR0 (0x184) and VF
 * BAR3 (0x190) 16K 64-bit prefetchable. Its VFs: class 020000, MSI-X 0x70
 * (3 vectors in VF BAR3, PBA at 0x2000), PCIe endpoint 0xa0 with FLR,
 * AER 0x100, ARI 0x150.
 */
struct fake_fn *fake_pcie_igb(struct fake_fn *up, uint8_t devfn);
#define FAKE_IGB_PM    0x40
#define FAKE_IGB_MSI   0x50
#define FAKE_IGB_MSIX  0x70
#define FAKE_IGB_PCIE  0xa0
#define FAKE_IGB_AER   0x100
#define FAKE_IGB_ARI   0x150
#define FAKE_IGB_SRIOV 0x160

/* ---- ready-made topologies -------------------------------------------------- */

struct fake_q35 {
	struct fake_fn *host, *rp, *igb;
	struct fake_fn *sw_up, *sw_down[2]; /* with FAKE_Q35_SWITCH */
	struct fake_fn *lpc, *sata, *smbus; /* 00:1f.0 (multi-function), .2, .3 */
};

#define FAKE_Q35_FIRMWARE 0x1 /* bus numbers, BAR bases, windows, command set */
#define FAKE_Q35_SWITCH	  0x2 /* igb below the second downstream port of a switch */

/*
 * On the root bus: host bridge 00:00.0, root port 00:02.0, LPC 00:1f.0, SATA
 * 00:1f.2 (BAR4 32-byte I/O, BAR5 4K mem32, MSI 0x80), SMBus 00:1f.3 (BAR4
 * 64-byte I/O). The igb sits below the root port at device 0 or, with
 * FAKE_Q35_SWITCH, root port -> switch upstream (device 0) -> downstream
 * ports (devices 0 and 1) -> igb below the second.
 *
 * With FAKE_Q35_FIRMWARE, as firmware leaves it: root port buses 1-1 (switch:
 * root port 1-4, upstream 2-4, downstream 3-3 and 4-4), igb BAR0 0xfe600000,
 * BAR1 0xfe620000, BAR2 0xc000, BAR3 0xfe640000, VF BAR0 0xfea00000, VF BAR3
 * 0xfea20000, command IO|MEM|MASTER; windows mem 0xfe600000-0xfe7fffff, pref
 * 0xfea00000-0xfebfffff, io 0xc000-0xcfff on every bridge down to the igb;
 * SATA BAR4 0xd040, BAR5 0xfebd4000, SMBus BAR4 0x700. Without it all of
 * that is 0 (bridge windows then read as open at 0).
 */
void fake_pcie_q35(struct fake_q35 *q, unsigned int flags);

#endif
