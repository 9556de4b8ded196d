// SPDX-License-Identifier: MIT
/*
 * The boot-time self-tests (selftest=exception,nic,dmafault,irq,svm,watchdog;
 * wx and stackguard in selftest_prot.c): each
 * prints "selftest NAME: PASS|FAIL|SKIP (why)", the line the system tests
 * look for.
 */
#include "drivers/apic/apic.h"
#include "drivers/igb/igb_pf.h"
#include "drivers/igb/selftest.h"
#include "drivers/pci/pci.h"
#include "drivers/timer/tsc.h"
#include "hv/core/cpu.h"
#include "hv/core/cpufeat.h"
#include "hv/core/idt.h"
#include "hv/core/nic.h"
#include "hv/core/paging.h"
#include "hv/core/selftest.h"
#include "hv/core/smp.h"
#include "hv/core/watchdog_nmi.h"
#include "hv/svm/svm.h"
#include "iommu/iommu.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/x86.h"

/* With an IOMMU, the VFs reach only the self-test's buffers, through a
 * domain of their own that is torn down again afterwards. @attach is a
 * mask of the VFs to attach: one left out must have all its DMA blocked. */
static struct iommu_domain *selftest_domain(unsigned int attach)
{
	struct iommu_domain *d;
	uint64_t base, len;

	if (!iommu_enabled())
		return NULL;
	d = iommu_domain_create("nic-selftest");
	igb_selftest_dma_area(&base, &len);
	if (!d || iommu_domain_map(d, base, base, len, IOMMU_PERM_R | IOMMU_PERM_W))
		return NULL;
	for (int n = 0; n < 2; n++) {
		const struct pci_dev *vf = nic_vf(n);

		if ((attach & (1u << n)) ? iommu_attach(d, vf->seg, vf->bus, vf->devfn)
					 : iommu_block(vf->seg, vf->bus, vf->devfn))
			return NULL;
	}
	return d;
}

static void selftest_domain_drop(struct iommu_domain *d)
{
	if (!d)
		return;
	for (int n = 0; n < 2; n++)
		iommu_detach(nic_vf(n)->seg, nic_vf(n)->bus, nic_vf(n)->devfn);
	if (iommu_domain_destroy(d))
		pr_warn("nic: self-test domain still attached; kept\n");
}

static unsigned int vf_faults(int n)
{
	const struct pci_dev *vf = nic_vf(n);

	return iommu_fault_count(vf->seg, (uint16_t)(vf->bus << 8 | vf->devfn));
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
	unsigned int irqs = iommu_fault_irqs();

	fault_window();
	if (!err) {
		pr_info("selftest dmafault: FAIL (the frame arrived anyway)\n");
		return -EIO;
	}
	if (igb_selftest_tx_probe(nic_igb(), vf1, 1)) {
		pr_info("selftest dmafault: FAIL (vf 1 did not reset)\n");
		return -EIO;
	}
	fault_window();
	if (!vf_faults(0) || !vf_faults(1) || iommu_fault_irqs() == irqs) {
		pr_info("selftest dmafault: FAIL (faults: vf 0 %u, vf 1 %u; %s fault interrupt)\n",
			vf_faults(0), vf_faults(1), iommu_fault_irqs() == irqs ? "no" : "a");
		return -EIO;
	}
	pr_info("selftest dmafault: PASS (vf 0 read of 0x%llx faulted, unattached vf 1 blocked;"
		" reported by the fault interrupt; frame not delivered)\n",
		IGB_SELFTEST_BAD_IOVA);
	return 0;
}

/* selftest=nic: VF 0 sends a frame to VF 1 through the NIC's switch,
 * "selftest nic: PASS|FAIL (why)"; with IGB_SELFTEST_BAD_DMA (selftest=
 * dmafault), "selftest dmafault: ..." (the IOMMU must fault). */
static int selftest_nic(unsigned int flags)
{
	const char *name = flags & IGB_SELFTEST_BAD_DMA ? "dmafault" : "nic";
	struct iommu_domain *dom = NULL;
	struct igb_hw hw[2];
	char why[96] = "";
	int err;

	if (nic_vf_count() < 2) {
		pr_info("selftest %s: FAIL (%s)\n", name,
			nic_ready() ? "needs vfs=2 or more" : "no NIC with VFs is up");
		return -ENODEV;
	}
	if (iommu_enabled()) {
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
		const struct pci_bar *b = &nic_vf(n)->bar[0];

		paging_map_mmio(b->base, b->size);
		nic_mmio_hw(&hw[n], b->base);
	}
	err = igb_selftest(nic_igb(), &hw[0], &hw[1], flags, why, sizeof(why));
	if (flags & IGB_SELFTEST_BAD_DMA)
		err = dmafault_judge(err, &hw[1]);
	iommu_fault_poll(); /* whatever the interrupt has not reported yet */
	selftest_domain_drop(dom);
	if (flags & IGB_SELFTEST_BAD_DMA)
		return err;
	if (err)
		pr_info("selftest nic: FAIL (%s)\n", why);
	else
		pr_info("selftest nic: PASS (vf 0 -> vf 1 through the NIC switch%s)\n",
			dom && iommu_dma_on() ? ", DMA through the IOMMU" : "");
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
	uint64_t a;
	uint32_t data;

	iommu_irte_msi(h, &a, &data);
	paging_map_mmio(table & ~0xFFFull, 0x1000);
	paging_map_mmio(bar0, vf->bar[0].size);
	mmio_write32(table + 12, 1); /* masked while it changes */
	mmio_write32(table + 0, (uint32_t)a);
	mmio_write32(table + 4, (uint32_t)(a >> 32));
	mmio_write32(table + 8, data);
	mmio_write32(table + 12, 0);
	pci_write16(vf, vf->msix_cap + 2, 0x8000); /* enable, function not masked */
	mmio_write32(bar0 + IGBVF_EIMS, 1);
	mmio_write32(bar0 + IGBVF_EICS, 1);
	udelay(us);
	mmio_write32(bar0 + IGBVF_EIMC, ~0u);
	mmio_write32(table + 12, 1);
	pci_write16(vf, vf->msix_cap + 2, 0);
	iommu_fault_poll();
}

static bool vf_msix_ok(const struct pci_dev *vf)
{
	return vf->msix_cap && (pci_read32(vf, vf->msix_cap + 4) & 7) <= 5;
}

/* selftest=irq: VF 0's MSI-X vector through an interrupt remapping entry
 * must reach the entry's CPU and vector, and be blocked through an entry
 * for another VF: "selftest irq: PASS|FAIL|SKIP (...)". */
static int selftest_irq(void)
{
	const struct pci_dev *vf0, *vf1;
	uint16_t rid0, rid1;
	unsigned int target, before, faults;
	int h0 = -1, h1 = -1, err = -EIO;
	char why[112] = "";

	if (nic_vf_count() < 2 || cpu_count < 2 || !iommu_enabled()) {
		pr_info("selftest irq: %s\n", !iommu_enabled() ? "FAIL (no interrupt remapping)"
					      : cpu_count < 2  ? "SKIP (needs a second cpu)"
							       : "FAIL (no NIC with 2 VFs is up)");
		return cpu_count < 2 && iommu_enabled() ? 0 : -ENODEV;
	}
	vf0 = nic_vf(0);
	vf1 = nic_vf(1);
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
	h0 = iommu_irte_alloc(vf0->seg, rid0);
	h1 = iommu_irte_alloc(vf1->seg, rid1);
	if (h0 < 0 || h1 < 0 || iommu_irte_set(h0, cpus[target].apic_id, VEC_SELFTEST) ||
	    iommu_irte_set(h1, cpus[target].apic_id, VEC_SELFTEST)) {
		sfmt(why, sizeof(why), "no interrupt remapping entries");
		goto out;
	}
	/* 1: VF 0 through its own entry arrives where the entry says. */
	irq_fire(vf0, h0, 100000);
	if (irq_hits[target] != 1 || irq_hits_total() != 1) {
		sfmt(why, sizeof(why), "vf 0 via entry %u: %u on cpu %u, %u in all",
		     iommu_irte_index(h0), irq_hits[target], target, irq_hits_total());
		goto out;
	}
	/* 2: VF 0 through the entry that accepts only VF 1 is blocked ... */
	before = irq_hits_total();
	faults = iommu_fault_count(vf0->seg, rid0);
	irq_fire(vf0, h1, 100000);
	if (irq_hits_total() != before) {
		sfmt(why, sizeof(why), "vf 0 through vf 1's entry was delivered");
		goto out;
	}
	/* 3: ... while VF 1 through that same entry arrives: the entry works,
	 * so it was the source-ID check that stopped VF 0. */
	irq_fire(vf1, h1, 100000);
	if (irq_hits[target] != 2 || irq_hits_total() != 2) {
		sfmt(why, sizeof(why), "vf 1 via its own entry %u: %u on cpu %u, %u in all",
		     iommu_irte_index(h1), irq_hits[target] - 1, target, irq_hits_total() - 1);
		goto out;
	}
	err = 0;
out:
	iommu_irte_free(h0);
	iommu_irte_free(h1);
	if (err)
		pr_info("selftest irq: FAIL (%s)\n", why);
	else
		pr_info("selftest irq: PASS (vf 0 msi-x 0 -> entry %u -> cpu %u vector 0x%x;"
			" vf 0 through vf 1's entry blocked%s)\n",
			iommu_irte_index(h0), target, VEC_SELFTEST,
			iommu_fault_count(vf0->seg, rid0) > faults ? ", fault logged" : "");
	return err;
}

/* ---- the CPU and the AMD-V backend ---------------------------------------- */

static void selftest_fault(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

/* selftest=exception: a deliberate #UD on the last CPU must be reported and
 * stop that CPU only. */
static void selftest_exception(void)
{
	unsigned int victim = cpu_count - 1;

	if (!victim) {
		pr_info("selftest exception: SKIP (needs a second cpu)\n");
		return;
	}
	smp_run_on(victim, selftest_fault, NULL);
	for (int i = 0; i < 1000 && !cpus[victim].stopped; i++)
		udelay(1000);
	if (cpus[victim].stopped)
		pr_info("selftest exception: PASS (cpu %u stopped, cpu 0 running)\n", victim);
	else
		pr_info("selftest exception: FAIL (cpu %u did not report)\n", victim);
}

/* selftest=svm: a tiny guest through VMRUN with nested paging. */
static void selftest_svm(const struct cpu_features *f, struct palloc *pa)
{
	const char *why;
	const char *be = cpufeat_backend(f, &why);

	if (!be || strcmp(be, "amd-v"))
		pr_info("selftest svm: SKIP (%s)\n", be ? "the backend here is vt-x" : why);
	else
		svm_selftest(pa);
}

extern char __image_start[], __image_end[];

/* selftest=watchdog: the service CPU spins with interrupts off for half as
 * long again as the bound, in a named stage: the NMI watchdog must report
 * that stage (and where it interrupted), once, and the progress after. */
static void selftest_watchdog(void)
{
	struct watchdog_nmi_stats a, b;
	uint64_t spin = watchdog_nmi_bound_ms() * 3ull / 2, end;
	char why[96] = "";

	if (!watchdog_nmi_on()) {
		/* off as asked: nothing to test; off for want of ticks: broken */
		const char *why_off = watchdog_nmi_off_why();

		pr_info("selftest watchdog: %s (the watchdog is off: %s)\n",
			strcmp(why_off, "watchdog=off") ? "FAIL" : "SKIP", why_off);
		return;
	}
	watchdog_nmi_stats(&a);
	watchdog_nmi_watch(true);
	service_progress("selftest watchdog spin", NULL);
	end = rdtsc() + tsc_khz() * spin;
	while (rdtsc() < end)
		cpu_relax();
	service_progress("selftest watchdog after the spin", NULL);
	udelay(200000); /* a few ticks to see the progress */
	watchdog_nmi_watch(false);
	watchdog_nmi_stats(&b);
	if (b.stalls != a.stalls + 1)
		sfmt(why, sizeof(why), "%u stall reports for one stall", b.stalls - a.stalls);
	else if (strcmp(b.stage, "selftest watchdog spin"))
		sfmt(why, sizeof(why), "the report names '%s'", b.stage);
	else if (b.rip < (uintptr_t)__image_start || b.rip >= (uintptr_t)__image_end)
		sfmt(why, sizeof(why), "the report's rip 0x%llx is outside the hypervisor",
		     (unsigned long long)b.rip);
	else if (b.resumes != a.resumes + 1)
		sfmt(why, sizeof(why), "%u reports of the progress after it",
		     b.resumes - a.resumes);
	if (why[0]) {
		pr_info("selftest watchdog: FAIL (%s)\n", why);
		return;
	}
	pr_info("selftest watchdog: PASS (a %llu ms spin with interrupts off reported after %llu ms"
		" in its stage at rip 0x%llx; progress after %llu ms)\n",
		(unsigned long long)spin, (unsigned long long)b.stall_ms, (unsigned long long)b.rip,
		(unsigned long long)b.resume_ms);
}

void selftest_run(const char *list, const struct cpu_features *f, struct palloc *pa)
{
	while (*list) {
		const char *w = list;
		size_t len;

		while (*list && *list != ',')
			list++;
		len = (size_t)(list - w);
		if (len == 9 && !strncmp(w, "exception", len))
			selftest_exception();
		else if (len == 3 && !strncmp(w, "nic", len))
			selftest_nic(0);
		else if (len == 8 && !strncmp(w, "dmafault", len))
			selftest_nic(IGB_SELFTEST_BAD_DMA);
		else if (len == 3 && !strncmp(w, "irq", len))
			selftest_irq();
		else if (len == 3 && !strncmp(w, "svm", len))
			selftest_svm(f, pa);
		else if (len == 2 && !strncmp(w, "wx", len))
			selftest_wx(f);
		else if (len == 10 && !strncmp(w, "stackguard", len))
			selftest_stackguard();
		else if (len == 8 && !strncmp(w, "watchdog", len))
			selftest_watchdog();
		/* an unknown name: options_check() has named it */
		if (*list)
			list++;
	}
}
