/* SPDX-License-Identifier: MIT */
/*
 * PCI/PCIe: configuration access, enumeration through bridges, capability
 * walks, BAR sizing. Config space is device-provided input: capability lists
 * that loop or point outside the space are cut with a message, never followed.
 */
#ifndef VF_PCI_H
#define VF_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVS	   256
#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))
#define PCI_SLOT(devfn)	   ((devfn) >> 3)
#define PCI_FUNC(devfn)	   ((devfn)&7)

/* Standard header offsets */
#define PCI_VENDOR_ID	  0x00
#define PCI_DEVICE_ID	  0x02
#define PCI_COMMAND	  0x04
#define PCI_STATUS	  0x06
#define PCI_CLASS_REV	  0x08
#define PCI_HEADER_TYPE	  0x0E
#define PCI_BAR0	  0x10
#define PCI_PRIMARY_BUS	  0x18 /* type 1: primary, secondary, subordinate */
#define PCI_IO_BASE	  0x1C
#define PCI_MEM_BASE	  0x20
#define PCI_PREF_BASE	  0x24
#define PCI_PREF_BASE_HI  0x28
#define PCI_PREF_LIMIT_HI 0x2C
#define PCI_CAP_PTR	  0x34
#define PCI_BRIDGE_CTL	  0x3E

#define PCI_CMD_IO	 0x0001
#define PCI_CMD_MEM	 0x0002
#define PCI_CMD_MASTER	 0x0004
#define PCI_CMD_INTX_OFF 0x0400
#define PCI_STATUS_CAPS	 0x0010

/* Capability IDs */
#define PCI_CAP_PM	  0x01
#define PCI_CAP_MSI	  0x05
#define PCI_CAP_PCIE	  0x10
#define PCI_CAP_MSIX	  0x11
#define PCI_EXT_CAP_ARI	  0x000E
#define PCI_EXT_CAP_SRIOV 0x0010

/* PCIe capability registers (offsets from the capability) */
#define PCIE_CAPS    0x02 /* bits 7:4 device/port type */
#define PCIE_DEVCAP  0x04 /* bit 28: FLR */
#define PCIE_DEVCTL  0x08 /* bit 15: initiate FLR */
#define PCIE_DEVCAP2 0x24 /* bit 5: ARI forwarding supported */
#define PCIE_DEVCTL2 0x28 /* bit 5: ARI forwarding enable */

#define PCIE_TYPE_ENDPOINT   0x0
#define PCIE_TYPE_ROOT_PORT  0x4
#define PCIE_TYPE_UPSTREAM   0x5
#define PCIE_TYPE_DOWNSTREAM 0x6

/* BAR flags */
#define PCI_BAR_IO	 0x01
#define PCI_BAR_MEM64	 0x02
#define PCI_BAR_PREFETCH 0x04

struct pci_bar {
	uint64_t base; /* 0: not assigned */
	uint64_t size; /* 0: not implemented */
	uint8_t flags;
};

struct pci_window {
	uint64_t base, limit; /* inclusive; base > limit: closed */
};

struct pci_dev {
	uint16_t seg;
	uint8_t bus, devfn;
	uint16_t vendor, device;
	uint32_t class_rev;	/* class << 8 | revision */
	uint8_t hdr_type;	/* bits 6:0; 1 = bridge */
	struct pci_dev *parent; /* the bridge above, NULL on a root bus */

	uint8_t pcie_cap, msix_cap, msi_cap, pm_cap; /* 0: absent */
	uint8_t pcie_type;
	uint16_t sriov_cap, ari_cap; /* extended; 0: absent */

	struct pci_bar bar[6]; /* type 0: 6 BARs, type 1: 2 */

	/* bridges (hdr_type 1) */
	uint8_t sec_bus, sub_bus;
	struct pci_window mem, pref, io;
	bool pref64;

	/* SR-IOV virtual functions */
	bool is_vf;
	struct pci_dev *pf;
	uint16_t vf_index;
};

/* Configuration access, chosen at start-up (ECAM, CF8/CFC, or a test fake).
 * @size is 1, 2 or 4 and @off is aligned to it. */
struct pci_access {
	uint32_t (*read)(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size);
	void (*write)(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		      uint32_t v);
	uint16_t cfg_size; /* 4096 for ECAM, 256 for CF8/CFC */
};
void pci_set_access(const struct pci_access *a);
/* Bytes of configuration space per function reachable now (0: no access). */
uint16_t pci_cfg_size(void);

uint32_t pci_conf_read(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size);
void pci_conf_write(uint16_t seg, uint8_t bus, uint8_t devfn, uint16_t off, unsigned int size,
		    uint32_t v);
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);

/*
 * Enumerate segment @seg from @bus_first, through every bridge, recording
 * functions in the device table (which is cleared first). Bridges firmware
 * left unnumbered (secondary 0, or numbers outside their parent's range or
 * already used) get bus numbers assigned, up to @bus_last. Returns the
 * number of functions found, or a negative error (-E2BIG if the table
 * filled: what was found so far stays).
 */
int pci_scan(uint16_t seg, uint8_t bus_first, uint8_t bus_last);

extern struct pci_dev pci_devs[PCI_MAX_DEVS];
extern unsigned int pci_dev_count;

struct pci_dev *pci_find(uint16_t seg, uint8_t bus, uint8_t devfn);
/* The @n-th (from 0) function with @vendor:@device, or NULL. */
struct pci_dev *pci_find_id(uint16_t vendor, uint16_t device, unsigned int n);
/* Add a function that the scan could not see (an SR-IOV VF: its vendor ID
 * reads 0xFFFF); reads its header, capabilities and nothing of its BARs. */
struct pci_dev *pci_add_vf(struct pci_dev *pf, uint8_t bus, uint8_t devfn, uint16_t index);

/* Offset of capability @id in the standard list, 0 if absent or the list is
 * broken (looping, pointing into the header or outside the space). */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id);
/* Offset of extended capability @id (from 0x100), 0 if absent or broken. */
uint16_t pci_find_ext_cap(const struct pci_dev *d, uint16_t id);
/* (Re)fill @d's pm/msi/pcie/msix/sriov/ari offsets and pcie_type with one
 * walk of each list; extended capabilities only for PCIe functions. */
void pci_read_caps(struct pci_dev *d);

/* Size BAR @i of @d (and record it in d->bar[i]) with decoding turned off
 * while sizing; returns the number of BAR slots it used (2 for 64-bit). */
int pci_bar_probe(struct pci_dev *d, int i);

/* "SSSS:BB:DD.F" into @buf (at least 13 bytes). */
const char *pci_name(const struct pci_dev *d, char *buf);
/* Parse "SSSS:BB:DD.F" or "BB:DD.F"; false if malformed. */
bool pci_parse_name(const char *s, uint16_t *seg, uint8_t *bus, uint8_t *devfn);
/* One inventory line per function. */
void pci_report(void);

#endif
