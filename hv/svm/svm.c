// SPDX-License-Identifier: MIT
/* AMD-V bring-up and the smoke guest (AMD APM vol. 2, ch. 15). */
#include <stdbool.h>
#include "hv/core/console.h"
#include "hv/core/cpu.h"
#include "lib/err.h"
#include "lib/kstring.h"
#include "hv/core/palloc.h"
#include "hv/core/physmem.h"
#include "hv/core/paging.h"
#include "lib/printk.h"
#include "hv/svm/svm.h"
#include "hv/svm/vmcb.h"
#include "lib/x86.h"

#define SMOKE_GPA	0x1000
#define SMOKE_RAM	(2ull << 20)
#define SMOKE_EXITS_MAX 1000

extern const char svm_smoke_start[], svm_smoke_end[];

/* A flat 32-bit protected-mode guest without paging, at @rip. */
static void smoke_state(void *vmcb, uint64_t iopm, uint64_t msrpm, uint64_t ncr3)
{
	vmcb_wr(vmcb, VMCB_INTERCEPT_MISC1, 4,
		VMCB_MISC1_HLT | VMCB_MISC1_IOIO | VMCB_MISC1_MSR | VMCB_MISC1_SHUTDOWN |
			VMCB_MISC1_CPUID | VMCB_MISC1_NMI);
	vmcb_wr(vmcb, VMCB_INTERCEPT_MISC2, 4, VMCB_MISC2_VMRUN);
	vmcb_wr(vmcb, VMCB_IOPM_BASE, 8, iopm);
	vmcb_wr(vmcb, VMCB_MSRPM_BASE, 8, msrpm);
	vmcb_wr(vmcb, VMCB_ASID, 4, 1);
	vmcb_wr(vmcb, VMCB_TLB_CONTROL, 1, 1); /* flush this ASID on entry */
	vmcb_wr(vmcb, VMCB_NP_ENABLE, 8, 1);
	vmcb_wr(vmcb, VMCB_N_CR3, 8, ncr3);

	vmcb_seg(vmcb, VMCB_CS, 0x08, 0xC9B, 0xFFFFFFFF, 0); /* code, 32-bit, 4K-granular */
	vmcb_seg(vmcb, VMCB_DS, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_ES, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_SS, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_FS, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_GS, 0x10, 0xC93, 0xFFFFFFFF, 0);
	vmcb_seg(vmcb, VMCB_TR, 0, 0x8B, 0x67, 0); /* a busy 32-bit TSS, as checks want */
	vmcb_seg(vmcb, VMCB_LDTR, 0, 0x82, 0, 0);
	vmcb_seg(vmcb, VMCB_GDTR, 0, 0, 0, 0);
	vmcb_seg(vmcb, VMCB_IDTR, 0, 0, 0, 0);
	vmcb_wr(vmcb, VMCB_CPL, 1, 0);
	vmcb_wr(vmcb, VMCB_EFER, 8, EFER_SVME); /* VMRUN refuses a guest EFER without it */
	vmcb_wr(vmcb, VMCB_CR0, 8, 0x11);	/* PE, ET */
	vmcb_wr(vmcb, VMCB_CR3, 8, 0);
	vmcb_wr(vmcb, VMCB_CR4, 8, 0);
	vmcb_wr(vmcb, VMCB_DR6, 8, 0xFFFF0FF0);
	vmcb_wr(vmcb, VMCB_DR7, 8, 0x400);
	vmcb_wr(vmcb, VMCB_RFLAGS, 8, 0x2);
	vmcb_wr(vmcb, VMCB_RIP, 8, SMOKE_GPA);
	vmcb_wr(vmcb, VMCB_RSP, 8, 0x8000);
	vmcb_wr(vmcb, VMCB_G_PAT, 8, 0x0007040600070406ull);
}

int svm_selftest(struct palloc *pa)
{
	uint64_t vmcb_pa, iopm, msrpm, ram, exits = 0, ios = 0, nmis = 0, code = 0;
	size_t blob = (size_t)(svm_smoke_end - svm_smoke_start);
	struct vcpu_regs regs = {0};
	struct pt_table npt;
	char line[80];
	size_t len = 0;
	bool printed = false;
	void *vmcb;
	int err;

	if ((err = svm_cpu_enable(pa)) || (err = physmem_zpages(pa, 1, &vmcb_pa)) ||
	    (err = physmem_zpages(pa, 3, &iopm)) || (err = physmem_zpages(pa, 2, &msrpm)) ||
	    (err = palloc_alloc(pa, SMOKE_RAM, SMOKE_RAM, 0, &ram)) ||
	    (err = paging_init_nested(&npt, pa, false)) ||
	    (err = paging_map_to(&npt, 0, ram, SMOKE_RAM, PTE_W | PTE_U))) {
		pr_info("selftest svm: FAIL (set-up: %s)\n", err_name(err));
		return err;
	}
	/* Every port and MSR intercepted: the guest reaches nothing unasked. */
	memset((void *)(uintptr_t)iopm, 0xFF, 3 * PAGE_SIZE);
	memset((void *)(uintptr_t)msrpm, 0xFF, 2 * PAGE_SIZE);
	memset((void *)(uintptr_t)ram, 0, SMOKE_RAM);
	memcpy((void *)(uintptr_t)(ram + SMOKE_GPA), svm_smoke_start, blob);
	vmcb = (void *)(uintptr_t)vmcb_pa;
	smoke_state(vmcb, iopm, msrpm, npt.root);

	while (exits < SMOKE_EXITS_MAX) {
		vmcb_wr(vmcb, VMCB_CLEAN, 4, 0); /* nothing cached: all of it is new */
		svm_run(vmcb_pa, &regs, svm_host_page(cpu_index()));
		exits++;
		code = vmcb_rd(vmcb, VMCB_EXITCODE, 8);
		/* The service CPU's watchdog tick: taken by the host at STGI, not
		 * by the smoke guest (it has no IDT); the guest goes on. */
		if (code == VMEXIT_NMI) {
			nmis++;
			continue;
		}
		if (code != VMEXIT_IOIO)
			break;
		uint64_t info = vmcb_rd(vmcb, VMCB_EXITINFO1, 8);

		ios++;
		/* No NRIPS under QEMU's TCG: the IOIO exit gives the next RIP itself. */
		vmcb_wr(vmcb, VMCB_RIP, 8, vmcb_rd(vmcb, VMCB_EXITINFO2, 8));
		if ((info >> 16) != 0x3F8 || (info & 1) || (info & 0xC))
			continue; /* reads and other ports: ignored (a read returns junk) */
		char c = (char)vmcb_rd(vmcb, VMCB_RAX, 1);

		if (c == '\n' || len == sizeof(line) - 1) {
			line[len] = '\0';
			console_guest_line("smoke", line);
			printed = !strcmp(line, "hello from the AMD-V smoke guest");
			len = 0;
		} else {
			line[len++] = c;
		}
	}
	/* The read beyond its RAM: a nested page fault at exactly that address. */
	uint64_t gpa = vmcb_rd(vmcb, VMCB_EXITINFO2, 8);

	if (code == VMEXIT_NPF)
		pr_info("guest smoke: stopped: %s of guest-physical 0x%llx outside its memory\n",
			vmcb_rd(vmcb, VMCB_EXITINFO1, 8) & 2 ? "write" : "read",
			(unsigned long long)gpa);
	if (code == VMEXIT_NPF && gpa == 0x200000 && printed) {
		pr_info("selftest svm: PASS (%llu exits: %llu port writes, %llu nmis, then the read"
			" past its 2 MiB stopped by nested paging)\n",
			(unsigned long long)exits, (unsigned long long)ios,
			(unsigned long long)nmis);
		return 0;
	}
	pr_info("selftest svm: FAIL (exit 0x%llx after %llu exits, info1 0x%llx%s)\n",
		(unsigned long long)code, (unsigned long long)exits,
		(unsigned long long)vmcb_rd(vmcb, VMCB_EXITINFO1, 8),
		printed ? "" : ", no complete line printed");
	return -EIO;
}
