/* SPDX-License-Identifier: MIT */
/* Intel 82576/I350 (igb) registers used by the PF driver: PF BAR0 offsets,
 * and the VF BAR0 offsets the NIC self-test uses as a VF driver would. */
#ifndef VF_IGB_REGS_H
#define VF_IGB_REGS_H

#define IGB_VENDOR	 0x8086
#define IGB_DEV_82576	 0x10C9
#define IGB_DEV_82576_VF 0x10CA
#define IGB_MAX_VFS	 8

/* PF */
#define IGB_CTRL	      0x0000
#define IGB_CTRL_RST	      (1u << 26)
#define IGB_CTRL_SLU	      (1u << 6)
#define IGB_STATUS	      0x0008
#define IGB_STATUS_LU	      (1u << 1)
#define IGB_CTRL_EXT	      0x0018
#define IGB_CTRL_EXT_PFRSTD   (1u << 14)
#define IGB_MDIC	      0x0020
#define IGB_MDIC_READY	      (1u << 28)
#define IGB_MDIC_ERROR	      (1u << 30)
#define IGB_ICR		      0x00C0
#define IGB_ICR_VMMB	      (1u << 8)
#define IGB_IMC		      0x00D8
#define IGB_RCTL	      0x0100
#define IGB_RCTL_EN	      (1u << 1)
#define IGB_RCTL_LPE	      (1u << 5) /* else frames over 1522 bytes are dropped */
#define IGB_RCTL_BAM	      (1u << 15)
#define IGB_RCTL_VFE	      (1u << 18)
#define IGB_RCTL_SECRC	      (1u << 26)
#define IGB_TCTL	      0x0400
#define IGB_TCTL_EN	      (1u << 1)
#define IGB_EIMC	      0x1528
#define IGB_GPIE	      0x1514
#define IGB_GPIE_MSIX_MODE    (1u << 4)
#define IGB_DTXSWC	      0x3500
#define IGB_DTXSWC_LOOPBACK   (1u << 31)
#define IGB_DTXSWC_MAC_AS(n)  (1u << (n))	/* MAC anti-spoof for pool n */
#define IGB_DTXSWC_VLAN_AS(n) (1u << (8 + (n))) /* VLAN anti-spoof for pool n */
#define IGB_VMVIR(n)	      (0x3700 + 4 * (n))
#define IGB_VMVIR_DEFAULT     (1u << 30)	 /* always insert the tag in bits 15:0 */
#define IGB_RLPML	      0x5004		 /* the NIC-wide limit with RCTL.LPE */
#define IGB_MTA(i)	      (0x5200 + 4 * (i)) /* 128 entries */
#define IGB_MTA_ENTRIES	      128
#define IGB_RAL(i)	      ((i) < 16 ? 0x5400 + 8 * (i) : 0x54E0 + 8 * ((i)-16))
#define IGB_RAH(i)	      (IGB_RAL(i) + 4)
#define IGB_RAH_AV	      (1u << 31)
#define IGB_RAH_POOL(n)	      (1u << (18 + (n)))
#define IGB_RAR_ENTRIES	      24
#define IGB_MRQC	      0x5818
#define IGB_MRQC_VMDQ	      0x3
#define IGB_VFTA(i)	      (0x5600 + 4 * (i)) /* 128 entries, one bit per VID */
#define IGB_VFTA_ENTRIES      128
#define IGB_VT_CTL	      0x581C
#define IGB_VT_CTL_DEF_PL(n)  ((unsigned int)(n) << 7) /* default pool, bits 9:7 */
#define IGB_VT_CTL_DEFPL_MASK (7u << 7)
#define IGB_VT_CTL_DIS_DEF_PL (1u << 29)
#define IGB_VMOLR(n)	      (0x5AD0 + 4 * (n))
#define IGB_VMOLR_RLPML_MASK  0x3FFF
#define IGB_VMOLR_LPE	      (1u << 16)
#define IGB_VMOLR_AUPE	      (1u << 24)
#define IGB_VMOLR_ROMPE	      (1u << 25)
#define IGB_VMOLR_BAM	      (1u << 27)
#define IGB_VMOLR_MPME	      (1u << 28) /* multicast promiscuous */
#define IGB_VMOLR_STRVLAN     (1u << 30)
#define IGB_RPLOLR	      0x5AF0 /* replicated (multicast) frames' options */
#define IGB_RPLOLR_STRVLAN    (1u << 30)
#define IGB_VLVF(i)	      (0x5D00 + 4 * (i)) /* 32 entries */
#define IGB_VLVF_VIEN	      (1u << 31)
#define IGB_VLVF_POOL(n)      (1u << (12 + (n)))
#define IGB_VLVF_ENTRIES      32
#define IGB_VLVF_VLANID_MASK  0xFFF
#define IGB_VLVF_POOLSEL_MASK (0xFFu << 12)

/* PF side of the VF mailboxes */
#define IGB_VMBMEM(n)	   (0x0800 + 0x40 * (n)) /* 16 dwords each */
#define IGB_P2VMAILBOX(n)  (0x0C00 + 4 * (n))
#define IGB_P2VM_STS	   (1u << 0)
#define IGB_P2VM_ACK	   (1u << 1)
#define IGB_P2VM_VFU	   (1u << 2)
#define IGB_P2VM_PFU	   (1u << 3)
#define IGB_P2VM_RVFU	   (1u << 4)
#define IGB_MBVFICR	   0x0C80
#define IGB_MBVFICR_REQ(n) (1u << (n))
#define IGB_MBVFICR_ACK(n) (1u << (16 + (n)))
#define IGB_MBVFIMR	   0x0C84
#define IGB_VFLRE	   0x0C88
#define IGB_VFRE	   0x0C8C
#define IGB_VFTE	   0x0C90
#define IGB_MBX_WORDS	   16

/* Each VF's statistics as the PF sees them (mirrors of the VF's own;
 * read-only 32-bit counters that wrap, and start again at 0 when the VF
 * resets). */
#define IGB_PVFGPRC(n) (0x10010 + 0x100 * (n)) /* good packets received */
#define IGB_PVFGPTC(n) (0x10014 + 0x100 * (n)) /* good packets transmitted */
#define IGB_PVFGORC(n) (0x10018 + 0x100 * (n)) /* good octets received */
#define IGB_PVFGOTC(n) (0x10034 + 0x100 * (n)) /* good octets transmitted */
#define IGB_PVFMPRC(n) (0x1003C + 0x100 * (n)) /* multicast packets received */

/* Mailbox messages (word 0) */
#define IGB_MSG_RESET	   0x01
#define IGB_MSG_SET_MAC	   0x02
#define IGB_MSG_SET_MC	   0x03
#define IGB_MSG_SET_VLAN   0x04
#define IGB_MSG_SET_LPE	   0x05
#define IGB_MSG_PROMISC	   0x06	  /* SET_PROMISC */
#define IGB_MSG_PF_CONTROL 0x0100 /* a message the PF starts: igbvf reads only its CTS */
#define IGB_MSG_TYPE_MASK  0xFFFF
#define IGB_MSG_INFO_SHIFT 16
#define IGB_MSG_INFO_MASK  (0xFFu << 16)
#define IGB_MSG_ACK	   0x80000000u
#define IGB_MSG_NACK	   0x40000000u
#define IGB_MSG_CTS	   0x20000000u
#define IGB_MAC_FILTER_CLR 0x01
#define IGB_MAC_FILTER_ADD 0x02
#define IGB_VLAN_ADD	   0x01 /* SET_VLAN info: add (else remove) */
#define IGB_PROMISC_UC	   0x01 /* SET_PROMISC info: unicast promiscuous */
#define IGB_PROMISC_MC	   0x02 /* SET_PROMISC info: multicast promiscuous */

/* VF BAR0 (what a VF driver sees) */
#define IGBVF_CTRL	   0x0000
#define IGBVF_STATUS	   0x0008
#define IGBVF_VMBMEM	   0x0800
#define IGBVF_V2PMAILBOX   0x0C40
#define IGBVF_V2P_REQ	   (1u << 0)
#define IGBVF_V2P_ACK	   (1u << 1)
#define IGBVF_V2P_VFU	   (1u << 2)
#define IGBVF_V2P_PFU	   (1u << 3)
#define IGBVF_V2P_PFSTS	   (1u << 4)
#define IGBVF_V2P_PFACK	   (1u << 5)
#define IGBVF_V2P_RSTI	   (1u << 6)
#define IGBVF_V2P_RSTD	   (1u << 7)
#define IGBVF_RDBAL	   0x2800
#define IGBVF_RDBAH	   0x2804
#define IGBVF_RDLEN	   0x2808
#define IGBVF_SRRCTL	   0x280C
#define IGBVF_RDH	   0x2810
#define IGBVF_RDT	   0x2818
#define IGBVF_RXDCTL	   0x2828
#define IGBVF_TDBAL	   0x3800
#define IGBVF_TDBAH	   0x3804
#define IGBVF_TDLEN	   0x3808
#define IGBVF_TDH	   0x3810
#define IGBVF_TDT	   0x3818
#define IGBVF_TXDCTL	   0x3828
#define IGBVF_XDCTL_ENABLE (1u << 25)

#endif
