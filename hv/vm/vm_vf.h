/* SPDX-License-Identifier: MIT */
/* Giving a VF to a guest: its config space, BAR0 and MSI-X. */
#ifndef VF_VM_VF_H
#define VF_VM_VF_H

#include <stdint.h>

struct vm;
struct vm_vf;

/* Give VF @n to @vm as its next one (vm->vf[vm->nvf], at 00:(nvf + 1).0):
 * its virtual config space on the guest's bus, BARs the guest may place in
 * [win_base, win_base + win_size) where no other of its VFs has one, MSI-X
 * through the guest's own IRTEs. The DMA domain is set up before
 * (guests.c). */
int vm_vf_attach(struct vm *vm, unsigned int n, uint64_t win_base, uint64_t win_size);
/* For a restart, on any CPU, the guest stopped: each real VF reset (FLR)
 * and its models as after vm_vf_attach. */
int vm_vf_reset(struct vm *vm);
/* The real function's MSI-X enabled, unmasked (after attach and FLR). */
void vf_msix_enable(struct vm_vf *vf);

#endif
