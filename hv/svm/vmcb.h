/* SPDX-License-Identifier: MIT */
/* The VMCB (AMD APM vol. 2, appendix B): offsets of the fields vfvisor uses. */
#ifndef VF_VMCB_H
#define VF_VMCB_H

#include <stdint.h>

/* control area */
#define VMCB_INTERCEPT_CR    0x000
#define VMCB_INTERCEPT_EXC   0x008
#define VMCB_INTERCEPT_MISC1 0x00C
#define VMCB_INTERCEPT_MISC2 0x010
#define VMCB_IOPM_BASE	     0x040
#define VMCB_MSRPM_BASE	     0x048
#define VMCB_ASID	     0x058
#define VMCB_TLB_CONTROL     0x05C
#define VMCB_V_INTR	     0x060
#define VMCB_INT_STATE	     0x068 /* bit 0: the guest is in an interrupt shadow */
#define VMCB_EXITCODE	     0x070
#define VMCB_EXITINFO1	     0x078
#define VMCB_EXITINFO2	     0x080
#define VMCB_EXITINTINFO     0x088
#define VMCB_NP_ENABLE	     0x090
#define VMCB_EVENTINJ	     0x0A8
#define VMCB_N_CR3	     0x0B0
#define VMCB_CLEAN	     0x0C0
#define VMCB_NRIP	     0x0C8

/* state save area: segments are selector u16, attrib u16, limit u32, base u64 */
#define VMCB_ES	    0x400
#define VMCB_CS	    0x410
#define VMCB_SS	    0x420
#define VMCB_DS	    0x430
#define VMCB_FS	    0x440
#define VMCB_GS	    0x450
#define VMCB_GDTR   0x460
#define VMCB_LDTR   0x470
#define VMCB_IDTR   0x480
#define VMCB_TR	    0x490
#define VMCB_CPL    0x4CB
#define VMCB_EFER   0x4D0
#define VMCB_CR4    0x548
#define VMCB_CR3    0x550
#define VMCB_CR0    0x558
#define VMCB_DR7    0x560
#define VMCB_DR6    0x568
#define VMCB_RFLAGS 0x570
#define VMCB_RIP    0x578
#define VMCB_RSP    0x5D8
#define VMCB_RAX    0x5F8
#define VMCB_G_PAT  0x668

/* intercepts */
#define VMCB_CR4_WRITE	    (1u << 20) /* in VMCB_INTERCEPT_CR */
#define VMCB_MISC1_NMI	    (1u << 1)
#define VMCB_MISC1_HLT	    (1u << 24)
#define VMCB_MISC1_IOIO	    (1u << 27)
#define VMCB_MISC1_MSR	    (1u << 28)
#define VMCB_MISC1_SHUTDOWN (1u << 31)
#define VMCB_MISC1_CPUID    (1u << 18)
#define VMCB_MISC1_IRET	    (1u << 20)
#define VMCB_MISC1_INVD	    (1u << 22)
#define VMCB_MISC1_INVLPGA  (1u << 26)
#define VMCB_MISC2_VMRUN    (1u << 0) /* required by VMRUN's checks */
/* VMMCALL, VMLOAD, VMSAVE, STGI, CLGI, SKINIT: a guest has no SVM of its own */
#define VMCB_MISC2_SVM_INSNS 0x7Eu
#define VMCB_MISC2_MONITOR   (7u << 10) /* MONITOR, MWAIT, MWAITX */

#define VMCB_EVENT_VALID (1u << 31)
#define VMCB_EVENT_NMI	 (2u << 8)
#define VMCB_EVENT_EXC	 (3u << 8)
#define VMCB_EVENT_ERR	 (1u << 11)

/* exit codes */
#define VMEXIT_CR4_WRITE 0x14
#define VMEXIT_EXCP_DB	 0x41
#define VMEXIT_IRET	 0x74
#define VMEXIT_INTR	 0x60
#define VMEXIT_NMI	 0x61
#define VMEXIT_CPUID	 0x72
#define VMEXIT_INVD	 0x76
#define VMEXIT_INVLPGA	 0x7A
#define VMEXIT_HLT	 0x78
#define VMEXIT_IOIO	 0x7B
#define VMEXIT_MSR	 0x7C
#define VMEXIT_SHUTDOWN	 0x7F
#define VMEXIT_VMRUN	 0x80
#define VMEXIT_SKINIT	 0x86
#define VMEXIT_MONITOR	 0x8A
#define VMEXIT_MWAITX	 0x8C
#define VMEXIT_NPF	 0x400
#define VMEXIT_INVALID	 0xFFFFFFFFFFFFFFFFull

static inline uint64_t vmcb_rd(const void *vmcb, unsigned int off, unsigned int size)
{
	const uint8_t *p = (const uint8_t *)vmcb + off;

	switch (size) {
	case 1:
		return *p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

static inline void vmcb_wr(void *vmcb, unsigned int off, unsigned int size, uint64_t v)
{
	uint8_t *p = (uint8_t *)vmcb + off;

	switch (size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)p = (uint32_t)v;
		break;
	default:
		*(uint64_t *)p = v;
		break;
	}
}

/* A segment register in the save area. @attrib is the compressed form:
 * type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9, D/B 10, G 11. */
static inline void vmcb_seg(void *vmcb, unsigned int off, uint16_t sel, uint16_t attrib,
			    uint32_t limit, uint64_t base)
{
	vmcb_wr(vmcb, off, 2, sel);
	vmcb_wr(vmcb, off + 2, 2, attrib);
	vmcb_wr(vmcb, off + 4, 4, limit);
	vmcb_wr(vmcb, off + 8, 8, base);
}

#endif
