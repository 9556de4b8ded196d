; SPDX-License-Identifier: MIT
; svm_run(vmcb_pa, regs, host_pa): enter the guest until its next #VMEXIT.
; VMRUN loads and saves RAX, RSP, RIP and the rest of the guest state through
; the VMCB; the other general registers are swapped here with @regs (struct
; vcpu_regs: regs_swap.inc). FS, GS, TR, LDTR and the syscall MSRs are not
; switched by VMRUN: VMLOAD/VMSAVE swap them, with @host_pa (a page of this
; CPU's) keeping the hypervisor's (its GS base is the per-CPU pointer).
%include "hv/vm/regs_swap.inc"

section .text
bits 64
global svm_run
svm_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rdx			; host save page, for after the exit
	push rsi			; regs, for after the exit
	mov rax, rdx
	vmsave				; the hypervisor's FS/GS/TR/LDTR/syscall MSRs
	mov rax, rdi			; VMCB physical address
	GUEST_REGS_LOAD rsi
	mov rdi, [rsi + GR_RDI]
	mov rsi, [rsi + GR_RSI]		; last: it held @regs
	clgi
	vmload				; rax = VMCB: the guest's
	vmrun
	vmsave
	push rax
	mov rax, [rsp + 16]		; host save page
	vmload
	pop rax
	stgi
	push rsi
	mov rsi, [rsp + 8]		; regs
	GUEST_REGS_SAVE rsi
	pop qword [rsi + GR_RSI]
	mov [rsi + GR_RDI], rdi
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
