/* SPDX-License-Identifier: MIT */
/* VT-d remapping unit registers and bits (Intel VT-d specification ch. 11). */
#ifndef VF_VTD_REGS_H
#define VF_VTD_REGS_H

#define VTD_VER	    0x00
#define VTD_CAP	    0x08
#define VTD_ECAP    0x10
#define VTD_GCMD    0x18
#define VTD_GSTS    0x1C
#define VTD_RTADDR  0x20
#define VTD_CCMD    0x28
#define VTD_FSTS    0x34
#define VTD_FECTL   0x38
#define VTD_FEDATA  0x3C
#define VTD_FEADDR  0x40
#define VTD_FEUADDR 0x44
#define VTD_IQH	    0x80
#define VTD_IQT	    0x88
#define VTD_IQA	    0x90
#define VTD_ICS	    0x9C
#define VTD_IRTA    0xB8

/* CAP */
#define VTD_CAP_ND(c)	 ((unsigned int)((c)&7))
#define VTD_CAP_SAGAW(c) ((unsigned int)(((c) >> 8) & 0x1F)) /* bit 1: 39-bit, bit 2: 48-bit */
#define VTD_CAP_MGAW(c)	 ((unsigned int)(((c) >> 16) & 0x3F) + 1)
#define VTD_CAP_FRO(c)	 ((unsigned int)(((c) >> 24) & 0x3FF) * 16)
#define VTD_CAP_SLLPS(c) ((unsigned int)(((c) >> 34) & 0xF)) /* bit 0: 2 MiB, bit 1: 1 GiB */
#define VTD_CAP_NFR(c)	 ((unsigned int)(((c) >> 40) & 0xFF) + 1)
#define VTD_CAP_CM	 (1ull << 7)
#define VTD_CAP_RWBF	 (1ull << 4)

/* ECAP */
#define VTD_ECAP_C   (1ull << 0) /* page walks are coherent */
#define VTD_ECAP_QI  (1ull << 1)
#define VTD_ECAP_IR  (1ull << 3)
#define VTD_ECAP_EIM (1ull << 4)
#define VTD_ECAP_PT  (1ull << 6)

/* GCMD / GSTS */
#define VTD_GCMD_TE    (1u << 31)
#define VTD_GCMD_SRTP  (1u << 30)
#define VTD_GCMD_QIE   (1u << 26)
#define VTD_GCMD_IRE   (1u << 25)
#define VTD_GCMD_SIRTP (1u << 24)
#define VTD_GCMD_CFI   (1u << 23)
/* The persistent enables (TE, AFL, QIE, IRE, CFI); one-shot bits dropped. */
#define VTD_GSTS_KEEP 0x96FFFFFFu

/* FSTS / FECTL */
#define VTD_FSTS_PFO (1u << 0)
#define VTD_FSTS_PPF (1u << 1)
#define VTD_FSTS_IQE (1u << 4)
#define VTD_FSTS_ICE (1u << 5)
#define VTD_FSTS_ITE (1u << 6)
#define VTD_FSTS_W1C 0x7Du /* PFO AFO APF IQE ICE ITE */
#define VTD_FECTL_IM (1u << 31)

/* Fault recording register (128 bits at FRO + 16 n): high qword fields */
#define VTD_FRCD_F	(1ull << 63)
#define VTD_FRCD_T	(1ull << 62) /* 1: read request */
#define VTD_FRCD_FR(h)	((unsigned int)(((h) >> 32) & 0xFF))
#define VTD_FRCD_SID(h) ((uint16_t)((h)&0xFFFF))

/* IQA, IRTA */
#define VTD_IQA_QS_4K  0 /* 256 128-bit descriptors */
#define VTD_IRTA_EIME  (1ull << 11)
#define VTD_IRTA_S_256 7 /* 2^(7+1) entries */

#endif
