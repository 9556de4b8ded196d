/* SPDX-License-Identifier: MIT */
/* AMD-V (SVM): the vcpu_ops backend (svm_vcpu.c) and the smoke test that
 * runs a tiny guest through VMRUN with nested paging (svm.c). */
#ifndef VF_SVM_H
#define VF_SVM_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vm/regs.h"

struct palloc;

/* Enter the guest of @vmcb_pa until its next #VMEXIT; @host_pa is the
 * calling CPU's VMSAVE page (svm_host_page). The general registers but RAX
 * and RSP (the VMCB's) are swapped with @regs. */
void svm_run(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_pa);
uint64_t svm_host_page(unsigned int cpu);
/* Whether the CPU reports the next RIP on exits (NRIPS). */
void svm_set_nrips(bool nrips);
/* Whether nested paging may use 1 GiB pages: as the host's paging may
 * (CPUID 8000_0001h EDX bit 26). */
void svm_set_npt_1g(bool gb);

/* EFER.SVME and the host save areas on the calling CPU. */
int svm_cpu_enable(struct palloc *pa);
/* selftest=svm: run the smoke guest on the calling CPU; prints
 * "[smoke] ..." for its COM1 output and "selftest svm: PASS|FAIL (...)". */
int svm_selftest(struct palloc *pa);

#endif
