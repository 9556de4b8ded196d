/* SPDX-License-Identifier: MIT */
/* The boot-time self-tests the selftest= option names (hv/core/selftest.c,
 * hv/core/selftest_prot.c). */
#ifndef VF_SELFTEST_H
#define VF_SELFTEST_H

struct cpu_features;
struct palloc;

/* selftest=a,b,...: run each named self-test, in the order given (unknown
 * names are skipped: options_check() reports them). */
void selftest_run(const char *list, const struct cpu_features *f, struct palloc *pa);
/* The protection of the hypervisor itself (hv/core/selftest_prot.c). */
void selftest_wx(const struct cpu_features *f);
void selftest_stackguard(void);

#endif
