/* SPDX-License-Identifier: MIT */
/* The local APIC of the calling CPU: x2APIC (MSRs) where the CPU has it,
 * xAPIC (MMIO at the MADT's address) otherwise. */
#ifndef VF_APIC_H
#define VF_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* Choose the mode once, on the boot CPU, before apic_enable(). */
void apic_select(bool x2apic, uint64_t mmio_base);
/* Software-enable this CPU's APIC (and switch it to x2APIC mode if chosen);
 * @spurious_vector is the caller's (its vector map is not the driver's). */
void apic_enable(uint8_t spurious_vector);
bool apic_x2(void);
uint32_t apic_id(void);
void apic_eoi(void);
/* Fixed-delivery IPI to one APIC ID. */
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_nmi(uint32_t apic_id);
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);
/* Periodic local APIC timer on this CPU: @vector every @us microseconds
 * (measured against the TSC). */
void apic_timer_periodic(uint8_t vector, uint32_t us);
/* Measure the timer's input clock against the TSC (kHz), once at boot;
 * apic_timer_khz() returns it (0 before). */
uint32_t apic_timer_calibrate(void);
uint32_t apic_timer_khz(void);
/* LVT LINT0 of this CPU (where the 8259s' INTR arrives): its value, and a
 * new one. APIC_LVT_NMI: each rising edge is an NMI (edge-triggered). */
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_NMI	(4u << 8)
uint32_t apic_lint0(void);
void apic_lint0_set(uint32_t lvt);
/* Mask and disarm this CPU's timer (one-shot, periodic or TSC-deadline). */
void apic_timer_stop(void);
/* This CPU's local APIC, after a guest had it, as the hypervisor needs it:
 * software-enabled with @spurious_vector, TPR 0, its timer and every LVT
 * entry masked (LINT0 is never the guest's), no vector left in service.
 * Interrupts the guest left pending still arrive once the CPU takes them. */
void apic_reclaim(uint8_t spurious_vector);

#endif
