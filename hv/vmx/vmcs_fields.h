/* SPDX-License-Identifier: MIT */
/*
 * VMCS field encodings (Intel SDM vol. 3D, appendix B), the VM-execution,
 * VM-exit and VM-entry control bits (vol. 3C, 25.6-25.8) and the VMX
 * capability MSRs (vol. 3D, appendix A): only what a 64-bit Linux guest
 * under vfvisor needs. Names are VMCS_* for fields, VMX_PIN_*, VMX_PROC_*,
 * VMX_PROC2_*, VMX_EXIT_*, VMX_ENTRY_* for control bits and MSR_IA32_VMX_*
 * for the MSRs (x86.h's shorter MSR_VMX_* names are the same numbers).
 */
#ifndef VF_VMCS_FIELDS_H
#define VF_VMCS_FIELDS_H

/* Bits 14:13 of an encoding give the field's width. */
#define VMCS_WIDTH(enc)	    (((enc) >> 13) & 3u)
#define VMCS_WIDTH_16	    0u
#define VMCS_WIDTH_64	    1u
#define VMCS_WIDTH_32	    2u
#define VMCS_WIDTH_NATURAL  3u
#define VMCS_ACCESS_HIGH(e) ((e)&1u) /* the upper half of a 64-bit field */

/* 16-bit control fields */
#define VMCS_VPID 0x0000u

/* 16-bit guest-state fields */
#define VMCS_GUEST_ES_SEL   0x0800u
#define VMCS_GUEST_CS_SEL   0x0802u
#define VMCS_GUEST_SS_SEL   0x0804u
#define VMCS_GUEST_DS_SEL   0x0806u
#define VMCS_GUEST_FS_SEL   0x0808u
#define VMCS_GUEST_GS_SEL   0x080Au
#define VMCS_GUEST_LDTR_SEL 0x080Cu
#define VMCS_GUEST_TR_SEL   0x080Eu

/* 16-bit host-state fields */
#define VMCS_HOST_ES_SEL 0x0C00u
#define VMCS_HOST_CS_SEL 0x0C02u
#define VMCS_HOST_SS_SEL 0x0C04u
#define VMCS_HOST_DS_SEL 0x0C06u
#define VMCS_HOST_FS_SEL 0x0C08u
#define VMCS_HOST_GS_SEL 0x0C0Au
#define VMCS_HOST_TR_SEL 0x0C0Cu

/* 64-bit control fields */
#define VMCS_IO_BITMAP_A	 0x2000u
#define VMCS_IO_BITMAP_B	 0x2002u
#define VMCS_MSR_BITMAP		 0x2004u
#define VMCS_EXIT_MSR_STORE_ADDR 0x2006u
#define VMCS_EXIT_MSR_LOAD_ADDR	 0x2008u
#define VMCS_ENTRY_MSR_LOAD_ADDR 0x200Au
#define VMCS_TSC_OFFSET		 0x2010u
#define VMCS_EPT_POINTER	 0x201Au

/* 64-bit read-only data field */
#define VMCS_GUEST_PHYS_ADDR 0x2400u

/* 64-bit guest-state fields */
#define VMCS_LINK_POINTER      0x2800u
#define VMCS_GUEST_DEBUGCTL    0x2802u
#define VMCS_GUEST_PAT	       0x2804u
#define VMCS_GUEST_EFER	       0x2806u
#define VMCS_GUEST_PERF_GLOBAL 0x2808u
#define VMCS_GUEST_PDPTE0      0x280Au
#define VMCS_GUEST_PDPTE1      0x280Cu
#define VMCS_GUEST_PDPTE2      0x280Eu
#define VMCS_GUEST_PDPTE3      0x2810u

/* 64-bit host-state fields */
#define VMCS_HOST_PAT  0x2C00u
#define VMCS_HOST_EFER 0x2C02u

/* 32-bit control fields */
#define VMCS_PIN_CTLS		  0x4000u
#define VMCS_PROC_CTLS		  0x4002u
#define VMCS_EXCEPTION_BITMAP	  0x4004u
#define VMCS_PF_ERR_MASK	  0x4006u
#define VMCS_PF_ERR_MATCH	  0x4008u
#define VMCS_CR3_TARGET_COUNT	  0x400Au
#define VMCS_EXIT_CTLS		  0x400Cu
#define VMCS_EXIT_MSR_STORE_COUNT 0x400Eu
#define VMCS_EXIT_MSR_LOAD_COUNT  0x4010u
#define VMCS_ENTRY_CTLS		  0x4012u
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014u
#define VMCS_ENTRY_INTR_INFO	  0x4016u
#define VMCS_ENTRY_EXC_ERR	  0x4018u
#define VMCS_ENTRY_INSN_LEN	  0x401Au
#define VMCS_PROC_CTLS2		  0x401Eu

/* 32-bit read-only data fields */
#define VMCS_INSN_ERROR	    0x4400u
#define VMCS_EXIT_REASON    0x4402u
#define VMCS_EXIT_INTR_INFO 0x4404u
#define VMCS_EXIT_INTR_ERR  0x4406u
#define VMCS_IDT_VEC_INFO   0x4408u
#define VMCS_IDT_VEC_ERR    0x440Au
#define VMCS_EXIT_INSN_LEN  0x440Cu
#define VMCS_EXIT_INSN_INFO 0x440Eu

/* 32-bit guest-state fields */
#define VMCS_GUEST_ES_LIMIT	    0x4800u
#define VMCS_GUEST_CS_LIMIT	    0x4802u
#define VMCS_GUEST_SS_LIMIT	    0x4804u
#define VMCS_GUEST_DS_LIMIT	    0x4806u
#define VMCS_GUEST_FS_LIMIT	    0x4808u
#define VMCS_GUEST_GS_LIMIT	    0x480Au
#define VMCS_GUEST_LDTR_LIMIT	    0x480Cu
#define VMCS_GUEST_TR_LIMIT	    0x480Eu
#define VMCS_GUEST_GDTR_LIMIT	    0x4810u
#define VMCS_GUEST_IDTR_LIMIT	    0x4812u
#define VMCS_GUEST_ES_AR	    0x4814u
#define VMCS_GUEST_CS_AR	    0x4816u
#define VMCS_GUEST_SS_AR	    0x4818u
#define VMCS_GUEST_DS_AR	    0x481Au
#define VMCS_GUEST_FS_AR	    0x481Cu
#define VMCS_GUEST_GS_AR	    0x481Eu
#define VMCS_GUEST_LDTR_AR	    0x4820u
#define VMCS_GUEST_TR_AR	    0x4822u
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824u
#define VMCS_GUEST_ACTIVITY	    0x4826u
#define VMCS_GUEST_SYSENTER_CS	    0x482Au
#define VMCS_PREEMPT_TIMER	    0x482Eu

/* 32-bit host-state field */
#define VMCS_HOST_SYSENTER_CS 0x4C00u

/* natural-width control fields */
#define VMCS_CR0_MASK	 0x6000u
#define VMCS_CR4_MASK	 0x6002u
#define VMCS_CR0_SHADOW	 0x6004u
#define VMCS_CR4_SHADOW	 0x6006u
#define VMCS_CR3_TARGET0 0x6008u

/* natural-width read-only data fields */
#define VMCS_EXIT_QUAL	  0x6400u
#define VMCS_GUEST_LINEAR 0x640Au

/* natural-width guest-state fields */
#define VMCS_GUEST_CR0		0x6800u
#define VMCS_GUEST_CR3		0x6802u
#define VMCS_GUEST_CR4		0x6804u
#define VMCS_GUEST_ES_BASE	0x6806u
#define VMCS_GUEST_CS_BASE	0x6808u
#define VMCS_GUEST_SS_BASE	0x680Au
#define VMCS_GUEST_DS_BASE	0x680Cu
#define VMCS_GUEST_FS_BASE	0x680Eu
#define VMCS_GUEST_GS_BASE	0x6810u
#define VMCS_GUEST_LDTR_BASE	0x6812u
#define VMCS_GUEST_TR_BASE	0x6814u
#define VMCS_GUEST_GDTR_BASE	0x6816u
#define VMCS_GUEST_IDTR_BASE	0x6818u
#define VMCS_GUEST_DR7		0x681Au
#define VMCS_GUEST_RSP		0x681Cu
#define VMCS_GUEST_RIP		0x681Eu
#define VMCS_GUEST_RFLAGS	0x6820u
#define VMCS_GUEST_PENDING_DBG	0x6822u
#define VMCS_GUEST_SYSENTER_ESP 0x6824u
#define VMCS_GUEST_SYSENTER_EIP 0x6826u

/* natural-width host-state fields */
#define VMCS_HOST_CR0	       0x6C00u
#define VMCS_HOST_CR3	       0x6C02u
#define VMCS_HOST_CR4	       0x6C04u
#define VMCS_HOST_FS_BASE      0x6C06u
#define VMCS_HOST_GS_BASE      0x6C08u
#define VMCS_HOST_TR_BASE      0x6C0Au
#define VMCS_HOST_GDTR_BASE    0x6C0Cu
#define VMCS_HOST_IDTR_BASE    0x6C0Eu
#define VMCS_HOST_SYSENTER_ESP 0x6C10u
#define VMCS_HOST_SYSENTER_EIP 0x6C12u
#define VMCS_HOST_RSP	       0x6C14u
#define VMCS_HOST_RIP	       0x6C16u

/* Pin-based VM-execution controls */
#define VMX_PIN_EXT_INT_EXITING (1u << 0)
#define VMX_PIN_NMI_EXITING	(1u << 3)
#define VMX_PIN_VIRTUAL_NMIS	(1u << 5)
#define VMX_PIN_PREEMPT_TIMER	(1u << 6)
#define VMX_PIN_POSTED_INTR	(1u << 7)

/* Primary processor-based VM-execution controls */
#define VMX_PROC_INTR_WINDOW	   (1u << 2)
#define VMX_PROC_TSC_OFFSET	   (1u << 3)
#define VMX_PROC_HLT_EXITING	   (1u << 7)
#define VMX_PROC_INVLPG_EXITING	   (1u << 9)
#define VMX_PROC_MWAIT_EXITING	   (1u << 10)
#define VMX_PROC_RDPMC_EXITING	   (1u << 11)
#define VMX_PROC_RDTSC_EXITING	   (1u << 12)
#define VMX_PROC_CR3_LOAD_EXITING  (1u << 15)
#define VMX_PROC_CR3_STORE_EXITING (1u << 16)
#define VMX_PROC_TERTIARY	   (1u << 17)
#define VMX_PROC_CR8_LOAD_EXITING  (1u << 19)
#define VMX_PROC_CR8_STORE_EXITING (1u << 20)
#define VMX_PROC_TPR_SHADOW	   (1u << 21)
#define VMX_PROC_NMI_WINDOW	   (1u << 22)
#define VMX_PROC_MOV_DR_EXITING	   (1u << 23)
#define VMX_PROC_UNCOND_IO	   (1u << 24)
#define VMX_PROC_IO_BITMAPS	   (1u << 25)
#define VMX_PROC_MTF		   (1u << 27)
#define VMX_PROC_MSR_BITMAPS	   (1u << 28)
#define VMX_PROC_MONITOR_EXITING   (1u << 29)
#define VMX_PROC_PAUSE_EXITING	   (1u << 30)
#define VMX_PROC_SECONDARY	   (1u << 31)

/* Secondary processor-based VM-execution controls */
#define VMX_PROC2_VIRT_APIC_ACCESS (1u << 0)
#define VMX_PROC2_EPT		   (1u << 1)
#define VMX_PROC2_DESC_TABLE	   (1u << 2)
#define VMX_PROC2_RDTSCP	   (1u << 3)
#define VMX_PROC2_VIRT_X2APIC	   (1u << 4)
#define VMX_PROC2_VPID		   (1u << 5)
#define VMX_PROC2_WBINVD_EXITING   (1u << 6)
#define VMX_PROC2_UNRESTRICTED	   (1u << 7)
#define VMX_PROC2_APIC_REG_VIRT	   (1u << 8)
#define VMX_PROC2_VIRT_INTR	   (1u << 9)
#define VMX_PROC2_PAUSE_LOOP	   (1u << 10)
#define VMX_PROC2_RDRAND_EXITING   (1u << 11)
#define VMX_PROC2_INVPCID	   (1u << 12)
#define VMX_PROC2_VMFUNC	   (1u << 13)
#define VMX_PROC2_VMCS_SHADOW	   (1u << 14)
#define VMX_PROC2_RDSEED_EXITING   (1u << 16)
#define VMX_PROC2_PML		   (1u << 17)
#define VMX_PROC2_EPT_VE	   (1u << 18)
#define VMX_PROC2_XSAVES	   (1u << 20)
#define VMX_PROC2_MBEC		   (1u << 22)
#define VMX_PROC2_TSC_SCALING	   (1u << 25)

/* VM-exit controls */
#define VMX_EXIT_SAVE_DEBUG	  (1u << 2)
#define VMX_EXIT_HOST_ADDR64	  (1u << 9)
#define VMX_EXIT_LOAD_PERF_GLOBAL (1u << 12)
#define VMX_EXIT_ACK_INTR	  (1u << 15)
#define VMX_EXIT_SAVE_PAT	  (1u << 18)
#define VMX_EXIT_LOAD_PAT	  (1u << 19)
#define VMX_EXIT_SAVE_EFER	  (1u << 20)
#define VMX_EXIT_LOAD_EFER	  (1u << 21)
#define VMX_EXIT_SAVE_PREEMPT	  (1u << 22)

/* VM-entry controls */
#define VMX_ENTRY_LOAD_DEBUG	   (1u << 2)
#define VMX_ENTRY_IA32E		   (1u << 9)
#define VMX_ENTRY_SMM		   (1u << 10)
#define VMX_ENTRY_DEACT_DUAL	   (1u << 11)
#define VMX_ENTRY_LOAD_PERF_GLOBAL (1u << 13)
#define VMX_ENTRY_LOAD_PAT	   (1u << 14)
#define VMX_ENTRY_LOAD_EFER	   (1u << 15)

/* VMX capability MSRs */
#define MSR_IA32_VMX_BASIC		 0x480u
#define MSR_IA32_VMX_PINBASED_CTLS	 0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS	 0x482u
#define MSR_IA32_VMX_EXIT_CTLS		 0x483u
#define MSR_IA32_VMX_ENTRY_CTLS		 0x484u
#define MSR_IA32_VMX_MISC		 0x485u
#define MSR_IA32_VMX_CR0_FIXED0		 0x486u
#define MSR_IA32_VMX_CR0_FIXED1		 0x487u
#define MSR_IA32_VMX_CR4_FIXED0		 0x488u
#define MSR_IA32_VMX_CR4_FIXED1		 0x489u
#define MSR_IA32_VMX_VMCS_ENUM		 0x48Au
#define MSR_IA32_VMX_PROCBASED_CTLS2	 0x48Bu
#define MSR_IA32_VMX_EPT_VPID_CAP	 0x48Cu
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	 0x48Du
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48Eu
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	 0x48Fu
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	 0x490u
#define MSR_IA32_VMX_VMFUNC		 0x491u

/* IA32_VMX_BASIC */
#define VMX_BASIC_TRUE_CTLS (1ull << 55) /* the TRUE_* MSRs exist */

/* IA32_VMX_MISC */
#define VMX_MISC_ACTIVITY_HLT	   (1ull << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN (1ull << 7)
#define VMX_MISC_ACTIVITY_SIPI	   (1ull << 8)
#define VMX_MISC_CR3_TARGETS(m)	   ((unsigned int)(((m) >> 16) & 0x1FF))

/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_CAP_WALK4 (1ull << 6)
#define VMX_EPT_CAP_WALK5 (1ull << 7)
#define VMX_EPT_CAP_UC	  (1ull << 8)
#define VMX_EPT_CAP_WB	  (1ull << 14)
#define VMX_EPT_CAP_2M	  (1ull << 16)
#define VMX_EPT_CAP_1G	  (1ull << 17)
#define VMX_EPT_CAP_AD	  (1ull << 21)
#define VMX_EPT_CAP_SSS	  (1ull << 23)

/* EPT pointer (SDM 25.6.11) */
#define VMX_EPTP_MT_UC 0ull
#define VMX_EPTP_MT_WB 6ull
#define VMX_EPTP_WALK4 (3ull << 3) /* page-walk length minus one */
#define VMX_EPTP_WALK5 (4ull << 3)
#define VMX_EPTP_AD    (1ull << 6)
#define VMX_EPTP_SSS   (1ull << 7)

/* Guest activity states */
#define VMX_ACTIVITY_ACTIVE   0u
#define VMX_ACTIVITY_HLT      1u
#define VMX_ACTIVITY_SHUTDOWN 2u
#define VMX_ACTIVITY_SIPI     3u

/* Guest interruptibility state */
#define VMX_INTR_BLOCK_STI   (1u << 0)
#define VMX_INTR_BLOCK_MOVSS (1u << 1)
#define VMX_INTR_BLOCK_SMI   (1u << 2)
#define VMX_INTR_BLOCK_NMI   (1u << 3)

/* VM-entry interruption-information field */
#define VMX_INTR_INFO_VECTOR(i)	  ((i)&0xFFu)
#define VMX_INTR_INFO_TYPE(i)	  (((i) >> 8) & 7u)
#define VMX_INTR_INFO_ERR_CODE	  (1u << 11)
#define VMX_INTR_INFO_VALID	  (1u << 31)
#define VMX_INTR_TYPE_EXT	  0u
#define VMX_INTR_TYPE_NMI	  2u
#define VMX_INTR_TYPE_HW_EXC	  3u
#define VMX_INTR_TYPE_SW_INT	  4u
#define VMX_INTR_TYPE_PRIV_SW_EXC 5u
#define VMX_INTR_TYPE_SW_EXC	  6u
#define VMX_INTR_TYPE_OTHER	  7u

/* Segment access rights as the VMCS holds them (SDM 25.4.1) */
#define VMX_AR_TYPE(ar) ((ar)&0xFu)
#define VMX_AR_S	(1u << 4)
#define VMX_AR_DPL(ar)	(((ar) >> 5) & 3u)
#define VMX_AR_P	(1u << 7)
#define VMX_AR_AVL	(1u << 12)
#define VMX_AR_L	(1u << 13)
#define VMX_AR_DB	(1u << 14)
#define VMX_AR_G	(1u << 15)
#define VMX_AR_UNUSABLE (1u << 16)

#endif
