// SPDX-License-Identifier: MIT
/* The serial port's PCI function: identity, the fixed I/O BAR and the MSI
 * capability (see vuart_pci.h for what the guest sees and why). */
#include "lib/kstring.h"
#include "hv/platform/vuart_pci.h"

#define REG_SUBSYS  0x2C
#define REG_INTR    0x3C
#define BAR_IO	    0x1u
#define BAR_SIZE_RB (~(VUART_PCI_IO_SIZE - 1) | BAR_IO) /* sizing read-back */
#define CMD_KEPT    (PCI_CMD_IO | PCI_CMD_MASTER)

#define MSI_CTRL_32BIT 0x0000 /* 1 vector, no 64-bit address, no masking */
#define MSI_ADDR       (VUART_PCI_CAP_MSI + 4)
#define MSI_DATA       (VUART_PCI_CAP_MSI + 8)

void vuart_pci_init(struct vuart_pci *p)
{
	memset(p, 0, sizeof(*p));
}

uint32_t vuart_pci_read32(const struct vuart_pci *p, unsigned int reg)
{
	switch (reg) {
	case PCI_VENDOR_ID:
		return (uint32_t)VUART_PCI_DEVICE << 16 | VUART_PCI_VENDOR;
	case PCI_COMMAND:
		return (uint32_t)PCI_STATUS_CAPS << 16 | p->cmd | PCI_CMD_INTX_OFF;
	case PCI_CLASS_REV:
		return (uint32_t)VUART_PCI_CLASS << 8;
	case PCI_BAR0:
		return p->bar_sizing ? BAR_SIZE_RB : VUART_PCI_IO | BAR_IO;
	case REG_SUBSYS:
		return (uint32_t)VUART_PCI_SUBDEVICE << 16 | VUART_PCI_SUBVENDOR;
	case PCI_CAP_PTR:
		return VUART_PCI_CAP_MSI;
	case VUART_PCI_CAP_MSI:
		return (uint32_t)(MSI_CTRL_32BIT | (p->msi_enable ? VUART_PCI_MSI_ENABLE : 0))
			       << 16 |
		       PCI_CAP_MSI; /* next pointer 0: the last capability */
	case MSI_ADDR:
		return p->msi_addr;
	case MSI_DATA:
		return p->msi_data;
	default:
		return 0; /* header type 0, no ROM, interrupt pin 0 */
	}
}

bool vuart_pci_write32(struct vuart_pci *p, unsigned int reg, uint32_t val, uint32_t be)
{
	uint32_t cur = vuart_pci_read32(p, reg);
	uint32_t addr = p->msi_addr, data = p->msi_data;
	bool enable = p->msi_enable;

	val = (cur & ~be) | (val & be);
	switch (reg) {
	case PCI_COMMAND:
		p->cmd = (uint16_t)(val & CMD_KEPT);
		return false;
	case PCI_BAR0:
		/* Only the address bits count: all ones is the sizing probe. */
		p->bar_sizing = (val | (VUART_PCI_IO_SIZE - 1)) == 0xFFFFFFFFu;
		return false;
	case VUART_PCI_CAP_MSI:
		p->msi_enable = (val >> 16) & VUART_PCI_MSI_ENABLE;
		break;
	case MSI_ADDR:
		p->msi_addr = val & ~3u;
		break;
	case MSI_DATA:
		p->msi_data = (uint16_t)val;
		break;
	default:
		return false;
	}
	return p->msi_enable != enable || p->msi_addr != addr || p->msi_data != data;
}

bool vuart_pci_msi(const struct vuart_pci *p, uint32_t *addr, uint32_t *data)
{
	*addr = p->msi_addr;
	*data = p->msi_data;
	return p->msi_enable;
}
