/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi MMIO registers: offsets from the unit's base (IVHD Base Address)
 * and the bits the driver uses (AMD IOMMU spec #48882 rev 3.x, 3.4 "IOMMU
 * MMIO Registers"). All 64-bit; base/size registers are written with one
 * 8-byte store (QEMU 10.0.2 latches them only on an 8-byte or upper-dword
 * write, see iommu/notes). The base registers' encoders are in amdvi_desc.h.
 */
#ifndef VF_AMDVI_REGS_H
#define VF_AMDVI_REGS_H

#define AMDVI_MMIO_SIZE 0x4000 /* the registers below; more with perf counters */

/* Device Table Base: base 51:12, Size 8:0 = 4 KiB pages - 1 */
#define AMDVI_DEVTAB_BASE      0x0000
#define AMDVI_DEVTAB_SIZE_MASK 0x1FFull
/* Command Buffer Base: base 51:12, ComLen 59:56 = log2(entries) */
#define AMDVI_CMDBUF_BASE 0x0008
/* Event Log Base: base 51:12, EventLen 59:56 = log2(entries) */
#define AMDVI_EVTLOG_BASE    0x0010
#define AMDVI_RING_LEN_SHIFT 56
#define AMDVI_RING_LEN_MIN   8	/* 256 entries (4 KiB) */
#define AMDVI_RING_LEN_MAX   15 /* 32768 entries (512 KiB) */

/* Control */
#define AMDVI_CONTROL		  0x0018
#define AMDVI_CTRL_IOMMU_EN	  (1ull << 0)
#define AMDVI_CTRL_HT_TUN_EN	  (1ull << 1)
#define AMDVI_CTRL_EVTLOG_EN	  (1ull << 2)
#define AMDVI_CTRL_EVT_INT_EN	  (1ull << 3)
#define AMDVI_CTRL_COMWAIT_INT_EN (1ull << 4)
#define AMDVI_CTRL_INV_TIMEOUT	  (7ull << 5) /* 0: none ... 7: 100 s */
#define AMDVI_CTRL_PASS_PW	  (1ull << 8)
#define AMDVI_CTRL_RES_PASS_PW	  (1ull << 9)
#define AMDVI_CTRL_COHERENT	  (1ull << 10)
#define AMDVI_CTRL_ISOC		  (1ull << 11)
#define AMDVI_CTRL_CMDBUF_EN	  (1ull << 12)
#define AMDVI_CTRL_PPRLOG_EN	  (1ull << 13)
#define AMDVI_CTRL_PPR_INT_EN	  (1ull << 14)
#define AMDVI_CTRL_PPR_EN	  (1ull << 15)
#define AMDVI_CTRL_GT_EN	  (1ull << 16)
#define AMDVI_CTRL_GA_EN	  (1ull << 17) /* 128-bit IRTEs (with XT: x2APIC IDs) */
#define AMDVI_CTRL_XT_EN	  (1ull << 50) /* 32-bit destinations in IRTEs */
#define AMDVI_CTRL_INTCAPXT_EN	  (1ull << 51) /* the IOMMU's own interrupts by x2APIC ID */

/* Exclusion range (not used: no device bypasses translation) */
#define AMDVI_EXCL_BASE	 0x0020
#define AMDVI_EXCL_LIMIT 0x0028

/* Extended Feature Register */
#define AMDVI_EFR	     0x0030
#define AMDVI_EFR_PREF_SUP   (1ull << 0)
#define AMDVI_EFR_PPR_SUP    (1ull << 1)
#define AMDVI_EFR_XT_SUP     (1ull << 2)
#define AMDVI_EFR_NX_SUP     (1ull << 3)
#define AMDVI_EFR_GT_SUP     (1ull << 4)
#define AMDVI_EFR_IA_SUP     (1ull << 6) /* INVALIDATE_IOMMU_ALL */
#define AMDVI_EFR_GA_SUP     (1ull << 7)
#define AMDVI_EFR_HE_SUP     (1ull << 8)
#define AMDVI_EFR_PC_SUP     (1ull << 9)
#define AMDVI_EFR_HATS_SHIFT 10 /* 11:10: deepest host Mode = 4 + HATS */
#define AMDVI_EFR_HATS_MASK  (3ull << AMDVI_EFR_HATS_SHIFT)
#define AMDVI_EFR_GATS_SHIFT 12
#define AMDVI_EFR_GATS_MASK  (3ull << AMDVI_EFR_GATS_SHIFT)

/* Command buffer and event log pointers: byte offsets, 18:4 */
#define AMDVI_CMDBUF_HEAD 0x2000
#define AMDVI_CMDBUF_TAIL 0x2008
#define AMDVI_EVTLOG_HEAD 0x2010
#define AMDVI_EVTLOG_TAIL 0x2018
#define AMDVI_PTR_MASK	  0x7FFF0ull

/* Status: the W1C bits are written 1 to clear (QEMU 10.0.2 ignores
 * every write, so they stay set there) */
#define AMDVI_STATUS	       0x2020
#define AMDVI_STS_EVT_OVERFLOW (1ull << 0) /* W1C */
#define AMDVI_STS_EVT_LOG_INT  (1ull << 1) /* W1C */
#define AMDVI_STS_COMWAIT_INT  (1ull << 2) /* W1C */
#define AMDVI_STS_EVT_LOG_RUN  (1ull << 3)
#define AMDVI_STS_CMDBUF_RUN   (1ull << 4)
#define AMDVI_STS_PPR_OVERFLOW (1ull << 5) /* W1C */
#define AMDVI_STS_PPR_INT      (1ull << 6) /* W1C */
#define AMDVI_STS_PPR_LOG_RUN  (1ull << 7)

#endif
