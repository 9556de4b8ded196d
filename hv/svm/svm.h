/* SPDX-License-Identifier: MIT */
/* AMD-V (SVM). For now: enabling it on a CPU, and the smoke test that runs
 * a tiny guest through VMRUN with nested paging; the full vcpu_ops backend
 * for Linux guests builds on this. */
#ifndef VF_SVM_H
#define VF_SVM_H

#include <stdint.h>

struct palloc;

/* EFER.SVME and the host save area on the calling CPU. */
int svm_cpu_enable(struct palloc *pa);
/* selftest=svm: run the smoke guest on the calling CPU; prints
 * "[smoke] ..." for its COM1 output and "selftest svm: PASS|FAIL (...)". */
int svm_selftest(struct palloc *pa);

#endif
