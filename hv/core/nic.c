// SPDX-License-Identifier: MIT
/* Hypervisor glue for the NIC: which PF, how many VFs, and the hardware
 * accessors the PCI-independent drivers take. */
#include "drivers/apic/apic.h"
#include "hv/core/cmdline.h"
#include "hv/core/cpu.h"
#include "hv/core/idt.h"
#include "lib/err.h"
#include "drivers/igb/igb_pf.h"
#include "lib/kstring.h"
#include "hv/core/nic.h"
#include "hv/core/paging.h"
#include "drivers/pci/pci.h"
#include "lib/printk.h"
#include "drivers/igb/selftest.h"
#include "drivers/sriov/sriov.h"
#include "drivers/timer/tsc.h"
#include "iommu/vtd.h"
#include "lib/x86.h"

#define NIC_DEFAULT_VFS 2

static struct sriov nic_sriov;
static struct igb_pf nic_pf;
static bool nic_up;
static struct vtd_domain *hv_domain; /* the PF's: maps nothing the PF needs yet */

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
	/* The PF belongs to the hypervisor: its own domain, in which it has no
	 * DMA (this driver gives it no queues), so a stray PF DMA faults. */
	if (vtd_enabled()) {
		hv_domain = hv_domain ? hv_domain : vtd_domain_create("hypervisor");
		if (!hv_domain || vtd_attach(hv_domain, pf->seg, pf->bus, pf->devfn))
			pr_warn("nic %s: PF not attached to the hypervisor's domain\n", name);
	}
	nic_up = true;
	return 0;
}

bool nic_ready(void)
{
	return nic_up;
}

int nic_vf_dev(unsigned int n, uint16_t *seg, uint8_t *bus, uint8_t *devfn)
{
	if (!nic_up || n >= nic_pf.num_vfs || !nic_sriov.vf[n])
		return -ENODEV;
	*seg = nic_sriov.vf[n]->seg;
	*bus = nic_sriov.vf[n]->bus;
	*devfn = nic_sriov.vf[n]->devfn;
	return 0;
}

const struct pci_dev *nic_vf(unsigned int n)
{
	return nic_up && n < nic_pf.num_vfs ? nic_sriov.vf[n] : NULL;
}

void nic_vf_bars(struct pci_bar *bar)
{
	memcpy(bar, nic_sriov.vf_bar, 6 * sizeof(bar[0]));
}

int nic_vf_set_mac(unsigned int n, const uint8_t mac[6])
{
	if (!nic_up || n >= nic_pf.num_vfs)
		return -ENODEV;
	/* The mailbox server hands this to the VF's driver on its reset. */
	memcpy(nic_pf.vf[n].mac, mac, 6);
	igb_vf_set_rar(&nic_pf, n, mac);
	return 0;
}

void nic_vf_mac(unsigned int n, uint8_t mac[6])
{
	memset(mac, 0, 6);
	if (nic_up && n < nic_pf.num_vfs)
		memcpy(mac, nic_pf.vf[n].mac, 6);
}

unsigned int nic_vf_count(void)
{
	return nic_up ? nic_pf.num_vfs : 0;
}

void nic_poll(void)
{
	if (nic_up)
		igb_mbx_poll(&nic_pf);
}

/* With an IOMMU, the VFs reach only the self-test's buffers, through a
 * domain of their own that is torn down again afterwards. @attach is a
 * mask of the VFs to attach: one left out must have all its DMA blocked. */
static struct vtd_domain *selftest_domain(unsigned int attach)
{
	struct vtd_domain *d;
	uint64_t base, len;

	if (!vtd_enabled())
		return NULL;
	d = vtd_domain_create("nic-selftest");
	igb_selftest_dma_area(&base, &len);
	if (!d || vtd_domain_map(d, base, base, len, VTD_PERM_R | VTD_PERM_W))
		return NULL;
	for (int n = 0; n < 2; n++) {
		const struct pci_dev *vf = nic_sriov.vf[n];

		if ((attach & (1u << n)) && vtd_attach(d, vf->seg, vf->bus, vf->devfn))
			return NULL;
	}
	return d;
}

static void selftest_domain_drop(struct vtd_domain *d)
{
	if (!d)
		return;
	for (int n = 0; n < 2; n++)
		vtd_detach(nic_sriov.vf[n]->seg, nic_sriov.vf[n]->bus, nic_sriov.vf[n]->devfn);
	if (vtd_domain_destroy(d))
		pr_warn("nic: self-test domain still attached; kept\n");
}

static unsigned int vf_faults(int n)
{
	const struct pci_dev *vf = nic_sriov.vf[n];

	return vtd_fault_count(vf->seg, (uint16_t)(vf->bus << 8 | vf->devfn));
}

/* Let the service CPU take the fault event interrupt, as it would. */
static void fault_window(void)
{
	irq_enable();
	udelay(50000);
	irq_disable();
}

/* selftest=dmafault: VF 0 (attached) reads an address its domain does not
 * map; then VF 1, attached to nothing, transmits and even its descriptor
 * fetch must be blocked. QEMU's unit records one fault at a time, so the
 * first is reported (by the fault interrupt) before the second is made. */
static int dmafault_judge(int err, const struct igb_hw *vf1)
{
	unsigned int irqs = vtd_fault_irqs();

	fault_window();
	if (!err) {
		pr_info("selftest dmafault: FAIL (the frame arrived anyway)\n");
		return -EIO;
	}
	if (igb_selftest_tx_probe(&nic_pf, vf1, 1)) {
		pr_info("selftest dmafault: FAIL (vf 1 did not reset)\n");
		return -EIO;
	}
	fault_window();
	if (!vf_faults(0) || !vf_faults(1) || vtd_fault_irqs() == irqs) {
		pr_info("selftest dmafault: FAIL (faults: vf 0 %u, vf 1 %u; %s fault interrupt)\n",
			vf_faults(0), vf_faults(1), vtd_fault_irqs() == irqs ? "no" : "a");
		return -EIO;
	}
	pr_info("selftest dmafault: PASS (vf 0 read of 0x%llx faulted, unattached vf 1 blocked;"
		" reported by the fault interrupt; frame not delivered)\n",
		IGB_SELFTEST_BAD_IOVA);
	return 0;
}

int nic_selftest(unsigned int flags)
{
	const char *name = flags & IGB_SELFTEST_BAD_DMA ? "dmafault" : "nic";
	struct vtd_domain *dom = NULL;
	struct igb_hw hw[2];
	char why[96] = "";
	int err;

	if (!nic_up || nic_pf.num_vfs < 2) {
		pr_info("selftest %s: FAIL (%s)\n", name,
			nic_up ? "needs vfs=2 or more" : "no NIC with VFs is up");
		return -ENODEV;
	}
	if (vtd_enabled()) {
		dom = selftest_domain(flags & IGB_SELFTEST_BAD_DMA ? 1u : 3u);
		if (!dom) {
			pr_info("selftest %s: FAIL (no IOMMU domain for the VFs)\n", name);
			return -ENOMEM;
		}
	} else if (flags & IGB_SELFTEST_BAD_DMA) {
		/* without an IOMMU the bad address would be read for real */
		pr_info("selftest %s: SKIP (no IOMMU)\n", name);
		return 0;
	}
	for (int n = 0; n < 2; n++) {
		const struct pci_bar *b = &nic_sriov.vf[n]->bar[0];

		paging_map_mmio(b->base, b->size);
		hw[n] = (struct igb_hw){mmio_rd, mmio_wr, (void *)(uintptr_t)b->base};
	}
	err = igb_selftest(&nic_pf, &hw[0], &hw[1], flags, why, sizeof(why));
	if (flags & IGB_SELFTEST_BAD_DMA)
		err = dmafault_judge(err, &hw[1]);
	vtd_fault_poll(); /* whatever the interrupt has not reported yet */
	selftest_domain_drop(dom);
	if (flags & IGB_SELFTEST_BAD_DMA)
		return err;
	if (err)
		pr_info("selftest nic: FAIL (%s)\n", why);
	else
		pr_info("selftest nic: PASS (vf 0 -> vf 1 through the NIC switch%s)\n",
			dom && vtd_dma_on() ? ", DMA through the IOMMU" : "");
	return err;
}

/* ---- interrupt remapping self-test ----------------------------------------- */

#define IGBVF_EICS 0x1520 /* VF BAR0: cause set (software trigger) */
#define IGBVF_EIMS 0x1524
#define IGBVF_EIMC 0x1528

static volatile unsigned int irq_hits[MAX_CPUS];

static void selftest_irq_handler(struct trap_frame *f)
{
	(void)f;
	irq_hits[cpu_index()]++;
	apic_eoi();
}

static unsigned int irq_hits_total(void)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < cpu_count; c++)
		n += irq_hits[c];
	return n;
}

/* Point @vf's MSI-X entry 0 at IRTE @h, fire its vector 0 from the VF
 * itself (EICS), give it @us to arrive, then mask it again. */
static void irq_fire(const struct pci_dev *vf, int h, unsigned int us)
{
	uint32_t tbl = pci_read32(vf, vf->msix_cap + 4);
	uint64_t table = vf->bar[tbl & 7].base + (tbl & ~7u), bar0 = vf->bar[0].base;
	uint64_t a = vtd_irte_msi_addr(h);

	paging_map_mmio(table & ~0xFFFull, 0x1000);
	paging_map_mmio(bar0, vf->bar[0].size);
	mmio_write32(table + 12, 1); /* masked while it changes */
	mmio_write32(table + 0, (uint32_t)a);
	mmio_write32(table + 4, (uint32_t)(a >> 32));
	mmio_write32(table + 8, vtd_irte_msi_data(h));
	mmio_write32(table + 12, 0);
	pci_write16(vf, vf->msix_cap + 2, 0x8000); /* enable, function not masked */
	mmio_write32(bar0 + IGBVF_EIMS, 1);
	mmio_write32(bar0 + IGBVF_EICS, 1);
	udelay(us);
	mmio_write32(bar0 + IGBVF_EIMC, ~0u);
	mmio_write32(table + 12, 1);
	pci_write16(vf, vf->msix_cap + 2, 0);
	vtd_fault_poll();
}

static bool vf_msix_ok(const struct pci_dev *vf)
{
	return vf->msix_cap && (pci_read32(vf, vf->msix_cap + 4) & 7) <= 5;
}

int nic_selftest_irq(void)
{
	const struct pci_dev *vf0, *vf1;
	uint16_t rid0, rid1;
	unsigned int target, before, faults;
	int h0 = -1, h1 = -1, err = -EIO;
	char why[112] = "";

	if (!nic_up || nic_pf.num_vfs < 2 || cpu_count < 2 || !vtd_enabled()) {
		pr_info("selftest irq: %s\n", !vtd_enabled()  ? "FAIL (no interrupt remapping)"
					      : cpu_count < 2 ? "SKIP (needs a second cpu)"
							      : "FAIL (no NIC with 2 VFs is up)");
		return cpu_count < 2 && vtd_enabled() ? 0 : -ENODEV;
	}
	vf0 = nic_sriov.vf[0];
	vf1 = nic_sriov.vf[1];
	rid0 = (uint16_t)(vf0->bus << 8 | vf0->devfn);
	rid1 = (uint16_t)(vf1->bus << 8 | vf1->devfn);
	if (!vf_msix_ok(vf0) || !vf_msix_ok(vf1)) {
		pr_info("selftest irq: FAIL (a VF has no usable MSI-X capability)\n");
		return -ENODEV;
	}
	/* The last CPU, not the service CPU: delivery must follow the IRTE. */
	target = cpu_count - 1;
	while (target && cpus[target].stopped)
		target--;
	idt_set_handler(VEC_SELFTEST, selftest_irq_handler);
	h0 = vtd_irte_alloc(vf0->seg, rid0);
	h1 = vtd_irte_alloc(vf1->seg, rid1);
	if (h0 < 0 || h1 < 0 || vtd_irte_set(h0, cpus[target].apic_id, VEC_SELFTEST) ||
	    vtd_irte_set(h1, cpus[target].apic_id, VEC_SELFTEST)) {
		sfmt(why, sizeof(why), "no interrupt remapping entries");
		goto out;
	}
	/* 1: VF 0 through its own entry arrives where the entry says. */
	irq_fire(vf0, h0, 100000);
	if (irq_hits[target] != 1 || irq_hits_total() != 1) {
		sfmt(why, sizeof(why), "vf 0 via entry %d: %u on cpu %u, %u in all", h0 & 0xFF,
		     irq_hits[target], target, irq_hits_total());
		goto out;
	}
	/* 2: VF 0 through the entry that accepts only VF 1 is blocked ... */
	before = irq_hits_total();
	faults = vtd_fault_count(vf0->seg, rid0);
	irq_fire(vf0, h1, 100000);
	if (irq_hits_total() != before) {
		sfmt(why, sizeof(why), "vf 0 through vf 1's entry was delivered");
		goto out;
	}
	/* 3: ... while VF 1 through that same entry arrives: the entry works,
	 * so it was the source-ID check that stopped VF 0. */
	irq_fire(vf1, h1, 100000);
	if (irq_hits[target] != 2 || irq_hits_total() != 2) {
		sfmt(why, sizeof(why), "vf 1 via its own entry %d: %u on cpu %u, %u in all",
		     h1 & 0xFF, irq_hits[target] - 1, target, irq_hits_total() - 1);
		goto out;
	}
	err = 0;
out:
	vtd_irte_free(h0);
	vtd_irte_free(h1);
	if (err)
		pr_info("selftest irq: FAIL (%s)\n", why);
	else
		pr_info("selftest irq: PASS (vf 0 msi-x 0 -> entry %d -> cpu %u vector 0x%x;"
			" vf 0 through vf 1's entry blocked%s)\n",
			h0 & 0xFF, target, VEC_SELFTEST,
			vtd_fault_count(vf0->seg, rid0) > faults ? ", fault logged" : "");
	return err;
}
