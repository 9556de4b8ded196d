// SPDX-License-Identifier: MIT
/* Hypervisor glue for the NIC: which PF, how many VFs, and the hardware
 * accessors the PCI-independent drivers take. */
#include "drivers/igb/igb_pf.h"
#include "drivers/pci/pci.h"
#include "drivers/sriov/sriov.h"
#include "drivers/timer/tsc.h"
#include "hv/core/cmdline.h"
#include "hv/core/nic.h"
#include "hv/core/options.h"
#include "hv/core/paging.h"
#include "iommu/iommu.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/x86.h"

#define NIC_DEFAULT_VFS 2

static struct sriov nic_sriov;
static struct igb_pf nic_pf;
static bool nic_up;
static struct iommu_domain *hv_domain; /* the PF's: maps nothing the PF needs yet */
/* VFs whose guests stopped, to quiesce on the service CPU: only it touches
 * the PF, so the quiesce cannot race with the mailbox answering that VF. */
static uint32_t quiesce_pending, revive_pending;
/* When the VFs' traffic counters are next read: they are 32 bits wide in
 * the NIC, so they are read well before one can move by 2^31. */
static uint64_t stats_due;
/* igb.stall_ms=N (fault injection): the mailbox left unserved for N ms from
 * the first VF request, as a held-up service CPU would leave it; once. */
static unsigned long long stall_ms;
static uint64_t stall_until;

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
	char v[OPTIONS_VALUE_MAX];
	uint16_t seg;
	uint8_t bus, devfn;
	struct pci_dev *d;
	int given = options_get(cl, "nic", v, sizeof(v));

	if (!given) {
		for (unsigned int i = 0; i < pci_dev_count; i++)
			if (!pci_devs[i].is_vf &&
			    igb_pf_supported(pci_devs[i].vendor, pci_devs[i].device))
				return &pci_devs[i];
		pr_info("nic: no supported igb NIC found; no VFs to give out\n");
		return NULL;
	}
	if (given < 0 || !pci_parse_name(v, &seg, &bus, &devfn))
		return NULL; /* options_check() has named the bad value */
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
	char v[OPTIONS_VALUE_MAX] = "", *p = v;
	unsigned int omit = 0;

	/* In a bad list (options_check() has named it) the known steps count. */
	if (!options_get(cl, "igb.omit", v, sizeof(v)))
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
		if (*p)
			p++;
	}
	if (omit)
		pr_warn("igb: fault injection: leaving out 0x%x\n", omit);
	return omit;
}

int nic_init(const char *cl, unsigned int wanted)
{
	unsigned long long vfs = wanted ? wanted : NIC_DEFAULT_VFS;
	struct pci_dev *pf;
	char v[OPTIONS_VALUE_MAX], name[16];
	int err = options_get(cl, "vfs", v, sizeof(v));

	if (err < 0 || (err > 0 && !cmdline_parse_u64(v, &vfs)))
		return -EINVAL; /* options_check() has named the bad value */
	if (err > 0 && wanted && vfs != wanted)
		pr_info("nic: vfs=%llu on the command line overrides the %u VFs the "
			"configuration asks for\n",
			vfs, wanted);
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
	if (options_get(cl, "igb.stall_ms", v, sizeof(v)) <= 0 || !cmdline_parse_u64(v, &stall_ms))
		stall_ms = 0; /* options_check() has named a bad value */
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
	if (iommu_enabled()) {
		hv_domain = hv_domain ? hv_domain : iommu_domain_create("hypervisor");
		if (!hv_domain || iommu_attach(hv_domain, pf->seg, pf->bus, pf->devfn))
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

int nic_vf_configure(unsigned int n, const struct igb_vf_conf *c)
{
	int err;

	if (!nic_up || n >= nic_pf.num_vfs)
		return -ENODEV;
	err = igb_vf_configure(&nic_pf, n, c);
	if (err)
		pr_err("nic %s: vf %u (guest %s): vlan %u qos %u: %s\n", nic_pf.name, n, c->guest,
		       c->vlan, c->qos,
		       err == -ENOSPC ? "no VLAN filter entry left" : err_name(err));
	else if (c->vlan || !c->spoofchk || c->trust || c->link != IGB_LINK_AUTO)
		pr_info("nic %s: vf %u (guest %s): vlan %u qos %u spoofchk %s trust %s link %s\n",
			nic_pf.name, n, c->guest, c->vlan, c->qos, c->spoofchk ? "yes" : "no",
			c->trust ? "yes" : "no",
			c->link == IGB_LINK_DOWN ? "down"
			: c->link == IGB_LINK_UP ? "up"
						 : "auto");
	return err;
}

void nic_vf_mac(unsigned int n, uint8_t mac[6])
{
	memset(mac, 0, 6);
	if (nic_up && n < nic_pf.num_vfs)
		memcpy(mac, nic_pf.vf[n].mac, 6);
}

struct igb_pf *nic_igb(void)
{
	return nic_up ? &nic_pf : NULL;
}

void nic_mmio_hw(struct igb_hw *hw, uint64_t base)
{
	*hw = (struct igb_hw){mmio_rd, mmio_wr, (void *)(uintptr_t)base};
}

unsigned int nic_vf_count(void)
{
	return nic_up ? nic_pf.num_vfs : 0;
}

void nic_vf_quiesce(unsigned int n)
{
	if (nic_up && n < nic_pf.num_vfs)
		__atomic_fetch_or(&quiesce_pending, 1u << n, __ATOMIC_RELEASE);
}

void nic_vf_revive(unsigned int n)
{
	if (nic_up && n < nic_pf.num_vfs)
		__atomic_fetch_or(&revive_pending, 1u << n, __ATOMIC_RELEASE);
}

bool nic_vf_busy(unsigned int n)
{
	uint32_t bit = n < 32 ? 1u << n : 0;

	return (__atomic_load_n(&quiesce_pending, __ATOMIC_ACQUIRE) |
		__atomic_load_n(&revive_pending, __ATOMIC_ACQUIRE)) &
	       bit;
}

void nic_vf_stats_print(unsigned int n, const char *guest)
{
	const uint64_t *t;

	if (!nic_up || n >= nic_pf.num_vfs)
		return;
	igb_vf_stats_update(&nic_pf, n);
	t = nic_pf.vf[n].stats.total;
	pr_info("guest %s: vf %u: rx %llu packets %llu bytes, tx %llu packets %llu bytes, "
		"multicast %llu\n",
		guest, n, (unsigned long long)t[IGB_RX_PACKETS],
		(unsigned long long)t[IGB_RX_BYTES], (unsigned long long)t[IGB_TX_PACKETS],
		(unsigned long long)t[IGB_TX_BYTES], (unsigned long long)t[IGB_RX_MULTICAST]);
}

/* Once a second: 2^31 bytes take 17 s at 1 Gb/s. */
static void stats_poll(void)
{
	uint64_t now = rdtsc();

	if (now < stats_due)
		return;
	stats_due = now + tsc_khz() * 1000;
	for (unsigned int n = 0; n < nic_pf.num_vfs; n++)
		igb_vf_stats_update(&nic_pf, n);
}

/* igb.stall_ms: is the mailbox to be left alone now? */
static bool mbx_stalled(void)
{
	uint64_t now;

	if (!stall_ms)
		return false; /* every pass but under the fault injection */
	now = rdtsc();
	if (!stall_until) {
		if (!(igb_rd(&nic_pf, IGB_MBVFICR) & ((1u << IGB_MAX_VFS) - 1)))
			return false;
		stall_until = now + stall_ms * tsc_khz();
		pr_warn("igb %s: fault injection: mailbox unserved for %llu ms\n", nic_pf.name,
			stall_ms);
	}
	if (now < stall_until)
		return true;
	stall_ms = 0;
	pr_warn("igb %s: fault injection: mailbox served again\n", nic_pf.name);
	return false;
}

void nic_poll(void)
{
	uint32_t q;

	if (!nic_up)
		return;
	q = __atomic_exchange_n(&quiesce_pending, 0, __ATOMIC_ACQUIRE);
	for (unsigned int n = 0; q; n++, q >>= 1) {
		if (!(q & 1))
			continue;
		igb_vf_quiesce(&nic_pf, n);
		pr_info("nic %s: vf %u (guest %s): quiesced: receive, transmit, filters and "
			"mailbox off\n",
			nic_pf.name, n, nic_pf.vf[n].conf.guest);
		nic_vf_stats_print(n, nic_pf.vf[n].conf.guest);
	}
	/* After the quiesces: a VF stopped and restarted since the last pass
	 * is quiesced, then served again. */
	q = __atomic_exchange_n(&revive_pending, 0, __ATOMIC_ACQUIRE);
	for (unsigned int n = 0; q; n++, q >>= 1) {
		if (!(q & 1))
			continue;
		igb_vf_revive(&nic_pf, n);
		pr_info("nic %s: vf %u (guest %s): reset (FLR) and served again for its restart\n",
			nic_pf.name, n, nic_pf.vf[n].conf.guest);
	}
	if (!mbx_stalled())
		igb_mbx_poll(&nic_pf);
	stats_poll();
}
