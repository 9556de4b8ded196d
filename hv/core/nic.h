/* SPDX-License-Identifier: MIT */
/* The NIC the hypervisor owns: PF selection from the command line, SR-IOV,
 * the igb PF driver and its mailbox server. */
#ifndef VF_NIC_H
#define VF_NIC_H

#include <stdbool.h>
#include <stdint.h>

/* nic=SSSS:BB:DD.F (default: the first supported igb), vfs=N, else the
 * @wanted the configuration asks for, else 2; igb.omit=loopback,macfilter,
 * pfrstd (fault injection). Returns 0 when the VFs are up; otherwise
 * nothing is left enabled. */
int nic_init(const char *cmdline, unsigned int wanted);
bool nic_ready(void);
/* VFs enabled and served (0 when the NIC is not up). */
unsigned int nic_vf_count(void);
struct pci_dev;
struct pci_bar;
/* VF @n's PCI function, NULL if none. */
const struct pci_dev *nic_vf(unsigned int n);
/* The VF BARs as the PF's SR-IOV capability describes them (sizes, types). */
void nic_vf_bars(struct pci_bar *bar);
/* Give VF @n the MAC address @mac (its receive filter and what its driver
 * is told); -ENODEV if there is no such VF. */
int nic_vf_set_mac(unsigned int n, const uint8_t mac[6]);
struct igb_vf_conf;
/* Give VF @n the administrator's settings @c (port VLAN, spoof checking,
 * trust, link); the reason is printed on failure. 0, -ENODEV, -EINVAL or -ENOSPC. */
int nic_vf_configure(unsigned int n, const struct igb_vf_conf *c);
/* VF @n's MAC address (zeros if there is no such VF). */
void nic_vf_mac(unsigned int n, uint8_t mac[6]);
/* Where VF @n is (segment, bus, devfn); -ENODEV if there is no such VF. */
int nic_vf_dev(unsigned int n, uint16_t *seg, uint8_t *bus, uint8_t *devfn);
/* VF @n's guest stopped: from any CPU, have the service CPU quiesce it in
 * the PF (igb_vf_quiesce: no receive, transmit, filters or mailbox) on its
 * next pass, before it serves any mailbox again. No such VF: nothing. */
void nic_vf_quiesce(unsigned int n);
/* VF @n's guest restarts: from any CPU, have the service CPU serve it again
 * (igb_vf_revive) on its next pass, after any quiesce asked for before. */
void nic_vf_revive(unsigned int n);
/* Whether a quiesce or a revive of VF @n waits for the service CPU. */
bool nic_vf_busy(unsigned int n);
/* Serve the VF mailboxes; called from the service CPU's loop. */
void nic_poll(void);
/* Print VF @n's traffic since SR-IOV was enabled, from the NIC's per-VF
 * counters, as guest @guest's line `guest NAME: vf N: rx P packets B bytes,
 * tx P packets B bytes, multicast P`. No such VF: nothing. Service CPU only. */
void nic_vf_stats_print(unsigned int n, const char *guest);
struct igb_pf;
struct igb_hw;
/* For the self-tests (hv/core/selftest.c): the PF driver's state (NULL
 * while the NIC is not up), and register access to a VF's BAR at @base. */
struct igb_pf *nic_igb(void);
void nic_mmio_hw(struct igb_hw *hw, uint64_t base);

#endif
