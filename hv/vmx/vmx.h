/* SPDX-License-Identifier: MIT */
/* Intel VT-x: the vcpu_ops backend (vmx_vcpu.c). */
#ifndef VF_VMX_H
#define VF_VMX_H

#include <stdbool.h>

/* Read the capability MSRs and choose the VMCS controls; 0 if guests can
 * run (else a message says which control is missing). @ept_1g: the host
 * may use 1 GiB EPT pages. */
int vmx_probe(bool ept_1g);
/* vmx.break=cr0 (fault injection for the tests): every guest is entered
 * with an invalid CR0, so that the entry-failure report can be seen. */
void vmx_set_break(const char *what);
/* vmx.poison: fill each VMCS region with 0xff before VMCLEAR (Bochs keeps
 * fields in it plainly, so a field never written enters as all ones). */
void vmx_set_poison(void);

#endif
