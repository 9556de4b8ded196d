/* SPDX-License-Identifier: MIT */
/* The NIC the hypervisor owns: PF selection from the command line, SR-IOV,
 * the igb PF driver and its mailbox server, and the boot-time self-test. */
#ifndef VF_NIC_H
#define VF_NIC_H

#include <stdbool.h>

/* nic=SSSS:BB:DD.F (default: the first supported igb), vfs=N (default 2),
 * igb.omit=loopback,macfilter,pfrstd (fault injection). Returns 0 when the
 * VFs are up; otherwise nothing is left enabled. */
int nic_init(const char *cmdline);
bool nic_ready(void);
/* Serve the VF mailboxes; called from the service CPU's loop. */
void nic_poll(void);
/* Run the self-test and print "selftest nic: PASS|FAIL (reason)". */
int nic_selftest(void);

#endif
