/* SPDX-License-Identifier: MIT */
/*
 * Which IPIs a guest may send. The guest's x2APIC is its own except for the
 * ICR (MSR 0x830): a write there is trapped and decided here, so that a
 * guest can interrupt, NMI or start only its own CPUs.
 *
 * The x2APIC ICR (Intel SDM vol. 3A 11.12.9, AMD APM vol. 2 ch. 16):
 *   7:0 vector; 10:8 delivery mode (0 fixed, 1 lowest priority, 2 SMI,
 *   4 NMI, 5 INIT, 6 start-up; 3 and 7 reserved); 11 destination mode
 *   (0 physical, 1 logical); 12 busy (reserved in x2APIC mode, ignored);
 *   14 level (1 assert); 15 trigger (1 level); 19:18 shorthand (0 none,
 *   1 self, 2 all including self, 3 all excluding self); 63:32 destination
 *   (physical: an x2APIC ID, 0xFFFFFFFF broadcast; logical: cluster in
 *   31:16, a bit per CPU in 15:0, the CPU with x2APIC ID x being cluster
 *   x >> 4, bit x & 15; 0xFFFFFFFF broadcast). Bits 13, 17:16 and 31:20
 *   are reserved: the CPU raises #GP on a WRMSR that sets them.
 *
 * The rules:
 *  - Fixed, lowest-priority (sent as fixed to every CPU addressed) and NMI
 *    IPIs are sent for real, only to the guest's own CPUs.
 *  - INIT and start-up are never sent: they are handed to the VM core to
 *    emulate for the guest's own CPUs. INIT level de-assert is a no-op on
 *    every CPU since the Pentium 4 (Linux still sends it): IGNORE.
 *  - SMI, reserved delivery modes, level-triggered fixed/NMI/start-up IPIs,
 *    fixed vectors below 16 and the combinations the SDM lists as invalid
 *    (self and all-including-self shorthands with anything but fixed;
 *    INIT level de-assert in logical mode) are dropped.
 *  - A destination naming any CPU that is not the guest's is dropped as a
 *    whole, never partly sent. Broadcasts (shorthands 2 and 3, destination
 *    0xFFFFFFFF) are narrowed to the guest's own CPUs.
 *  - A logical destination is never written to the real ICR: LDR cluster
 *    IDs are 16 bits, so x2APIC IDs 2^20 apart alias; it is sent as one
 *    physical IPI per addressed CPU instead.
 */
#ifndef VF_ICR_FILTER_H
#define VF_ICR_FILTER_H

#include <stdint.h>

#define ICR_FILTER_MAX_CPUS 64 /* one bit each in target_mask */

enum icr_verdict {
	/* Write @icr to the real ICR, once. It is the guest's IPI with the
	 * busy bit cleared and lowest priority turned into fixed; it reaches
	 * exactly the CPUs in @target_mask (physical destination or self). */
	ICR_SEND,
	/* For each bit i in @target_mask, write
	 * @icr | (uint64_t)own_apic_ids[i] << 32 to the real ICR. @icr is a
	 * template: fixed or NMI, physical, edge, no shorthand, destination 0. */
	ICR_SEND_EACH,
	/* The guest sends INIT to the CPUs in @target_mask (may include self):
	 * the VM core emulates it (the AP waits for a start-up IPI). */
	ICR_EMULATE_INIT,
	/* The guest sends a start-up IPI to the CPUs in @target_mask; the
	 * start page (vector, bits 7:0 of @icr) is where they begin. */
	ICR_EMULATE_SIPI,
	/* Valid, but no CPU is affected (INIT de-assert, an empty logical mask,
	 * all-excluding-self from a one-CPU guest): nothing to do, nothing to
	 * count. @why says which. */
	ICR_IGNORE,
	/* Refused: nothing is sent. @why says why (for the log); count it. */
	ICR_DROP,
};

struct icr_decision {
	enum icr_verdict verdict;
	/* SEND: the value to write. SEND_EACH: the per-target template (bits
	 * 63:32 zero). EMULATE_INIT/SIPI: the guest's value, busy bit cleared.
	 * IGNORE, DROP: 0. */
	uint64_t icr;
	/* Bit i set: own_apic_ids[i] is addressed. 0 for IGNORE and DROP. */
	uint64_t target_mask;
	/* IGNORE and DROP: a short reason for the log; NULL otherwise. */
	const char *why;
};

/*
 * Decide what the guest's write of @icr to its x2APIC ICR does. The guest's
 * CPUs have the x2APIC IDs @own_apic_ids[0..@n_own-1] (1 <= @n_own <=
 * ICR_FILTER_MAX_CPUS); the writer is own_apic_ids[@self_index].
 *
 * Returns 0 with *@d filled; -EINVAL if @icr sets a reserved bit (the real
 * x2APIC raises #GP: the caller injects #GP; *@d is DROP); -ERANGE if
 * @n_own or @self_index are out of range (*@d is DROP). *@d is always
 * filled in, so a caller that only looks at the verdict is safe.
 */
int icr_filter(uint64_t icr, const uint32_t *own_apic_ids, unsigned int n_own,
	       unsigned int self_index, struct icr_decision *d);

#endif
