// SPDX-License-Identifier: MIT
/* Hypervisor glue for the NIC: which PF, how many VFs, and the hardware
 * accessors the PCI-independent drivers take. */
#include "cmdline.h"
#include "err.h"
#include "igb_pf.h"
#include "kstring.h"
#include "nic.h"
#include "paging.h"
#include "pci.h"
#include "printk.h"
#include "selftest.h"
#include "sriov.h"
#include "tsc.h"
#include "x86.h"

#define NIC_DEFAULT_VFS 2

static struct sriov nic_sriov;
static struct igb_pf nic_pf;
static bool nic_up;

void sriov_wait_ms(unsigned int ms)
{
	udelay((uint64_t)ms * 1000);
}

void igb_udelay(unsigned int us)
{
	udelay(us);
}

static uint32_t mmio_rd(void *ctx, uint32_t off)
{
	return mmio_read32((uint64_t)(uintptr_t)ctx + off);
}

static void mmio_wr(void *ctx, uint32_t off, uint32_t v)
{
	mmio_write32((uint64_t)(uintptr_t)ctx + off, v);
}

static struct pci_dev *nic_pick(const char *cl)
{
	char v[24];
	uint16_t seg;
	uint8_t bus, devfn;
	struct pci_dev *d;

	if (!cmdline_get(cl, "nic", v, sizeof(v))) {
		for (unsigned int i = 0; i < pci_dev_count; i++)
			if (!pci_devs[i].is_vf &&
			    igb_pf_supported(pci_devs[i].vendor, pci_devs[i].device))
				return &pci_devs[i];
		pr_info("nic: no supported igb NIC found; no VFs to give out\n");
		return NULL;
	}
	if (!pci_parse_name(v, &seg, &bus, &devfn)) {
		pr_err("nic=%s: expected SSSS:BB:DD.F\n", v);
		return NULL;
	}
	d = pci_find(seg, bus, devfn);
	if (!d) {
		pr_err("nic %s: no such PCI function\n", v);
		return NULL;
	}
	if (!igb_pf_supported(d->vendor, d->device)) {
		pr_err("nic %s: %04x:%04x is not an igb (82576) PF\n", v, d->vendor, d->device);
		return NULL;
	}
	return d;
}

static unsigned int omit_parse(const char *cl)
{
	char v[48], *p = v;
	unsigned int omit = 0;

	if (!cmdline_get(cl, "igb.omit", v, sizeof(v)))
		return 0;
	while (*p) {
		char *w = p;
		size_t len;

		while (*p && *p != ',')
			p++;
		len = (size_t)(p - w);
		if (len == 8 && !strncmp(w, "loopback", len))
			omit |= IGB_OMIT_LOOPBACK;
		else if (len == 9 && !strncmp(w, "macfilter", len))
			omit |= IGB_OMIT_MACFILTER;
		else if (len == 6 && !strncmp(w, "pfrstd", len))
			omit |= IGB_OMIT_PFRSTD;
		else
			pr_warn("igb.omit: unknown step '%.*s'\n", (int)len, w);
		if (*p)
			p++;
	}
	if (omit)
		pr_warn("igb: fault injection: leaving out 0x%x\n", omit);
	return omit;
}

int nic_init(const char *cl)
{
	unsigned long long vfs = NIC_DEFAULT_VFS;
	struct pci_dev *pf;
	char v[16], name[16];
	int err;

	if (cmdline_get(cl, "vfs", v, sizeof(v)) && (!cmdline_parse_u64(v, &vfs) || !vfs)) {
		pr_err("vfs=%s: expected a number of VFs, 1 or more\n", v);
		return -EINVAL;
	}
	pf = nic_pick(cl);
	if (!pf)
		return -ENODEV;
	pci_name(pf, name);
	if (!pf->bar[0].base || pf->bar[0].size < 0x20000 || (pf->bar[0].flags & PCI_BAR_IO)) {
		pr_err("nic %s: BAR0 is not an assigned 128 KiB register window\n", name);
		return -ENODEV;
	}
	if (vfs > IGB_MAX_VFS - 1) { /* the last pool stays the PF's */
		pr_err("nic %s: vfs=%llu: the igb driver gives out at most %u VFs\n", name, vfs,
		       IGB_MAX_VFS - 1);
		return -ERANGE;
	}
	if (!pf->sriov_cap && pci_cfg_size() <= 256) {
		pr_err("nic %s: SR-IOV lives in extended configuration space, which CF8/CFC "
		       "cannot reach (no MCFG)\n",
		       name);
		return -ENODEV;
	}
	err = sriov_enable(&nic_sriov, pf, (unsigned int)vfs);
	if (err)
		return err;

	pci_write16(pf, PCI_COMMAND, pci_read16(pf, PCI_COMMAND) | PCI_CMD_MEM | PCI_CMD_MASTER);
	paging_map_mmio(pf->bar[0].base, pf->bar[0].size);
	memset(&nic_pf, 0, sizeof(nic_pf));
	str_copy(nic_pf.name, name, sizeof(nic_pf.name));
	nic_pf.hw = (struct igb_hw){mmio_rd, mmio_wr, (void *)(uintptr_t)pf->bar[0].base};
	nic_pf.omit = omit_parse(cl);
	err = igb_pf_init(&nic_pf, (unsigned int)vfs);
	if (err) {
		sriov_disable(&nic_sriov);
		return err;
	}
	for (unsigned int n = 0; n < vfs; n++) {
		const struct pci_dev *vf = nic_sriov.vf[n];
		const uint8_t *m = nic_pf.vf[n].mac;
		char vname[16];

		pr_info("sriov: VF %u %s %04x:%04x bar0 0x%llx mac %02x:%02x:%02x:%02x:%02x:%02x\n",
			n, pci_name(vf, vname), vf->vendor, vf->device,
			(unsigned long long)vf->bar[0].base, m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	nic_up = true;
	return 0;
}

bool nic_ready(void)
{
	return nic_up;
}

void nic_poll(void)
{
	if (nic_up)
		igb_mbx_poll(&nic_pf);
}

int nic_selftest(void)
{
	struct igb_hw hw[2];
	char why[96] = "";
	int err;

	if (!nic_up || nic_pf.num_vfs < 2) {
		pr_info("selftest nic: FAIL (%s)\n",
			nic_up ? "needs vfs=2 or more" : "no NIC with VFs is up");
		return -ENODEV;
	}
	for (int n = 0; n < 2; n++) {
		const struct pci_bar *b = &nic_sriov.vf[n]->bar[0];

		paging_map_mmio(b->base, b->size);
		hw[n] = (struct igb_hw){mmio_rd, mmio_wr, (void *)(uintptr_t)b->base};
	}
	err = igb_selftest(&nic_pf, &hw[0], &hw[1], why, sizeof(why));
	if (err)
		pr_info("selftest nic: FAIL (%s)\n", why);
	else
		pr_info("selftest nic: PASS (vf 0 -> vf 1 through the NIC switch)\n");
	return err;
}
