; SPDX-License-Identifier: MIT
; svm_run(vmcb_pa, regs, host_pa): enter the guest until its next #VMEXIT.
; VMRUN loads and saves RAX, RSP, RIP and the rest of the guest state through
; the VMCB; the other general registers are swapped here with @regs (struct
; vcpu_regs, at the offsets guest_regs.inc gives). FS, GS, TR, LDTR and the
; syscall MSRs are not switched by VMRUN: VMLOAD/VMSAVE swap them, with
; @host_pa (a page of this CPU's) keeping the hypervisor's (its GS base is
; the per-CPU pointer).
%include "guest_regs.inc"

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
	mov rcx, [rsi + GR_RCX]
	mov rdx, [rsi + GR_RDX]
	mov rbx, [rsi + GR_RBX]
	mov rbp, [rsi + GR_RBP]
	mov rdi, [rsi + GR_RDI]
	mov r8, [rsi + GR_R8]
	mov r9, [rsi + GR_R9]
	mov r10, [rsi + GR_R10]
	mov r11, [rsi + GR_R11]
	mov r12, [rsi + GR_R12]
	mov r13, [rsi + GR_R13]
	mov r14, [rsi + GR_R14]
	mov r15, [rsi + GR_R15]
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
	mov [rsi + GR_RCX], rcx
	mov [rsi + GR_RDX], rdx
	mov [rsi + GR_RBX], rbx
	mov [rsi + GR_RBP], rbp
	pop qword [rsi + GR_RSI]
	mov [rsi + GR_RDI], rdi
	mov [rsi + GR_R8], r8
	mov [rsi + GR_R9], r9
	mov [rsi + GR_R10], r10
	mov [rsi + GR_R11], r11
	mov [rsi + GR_R12], r12
	mov [rsi + GR_R13], r13
	mov [rsi + GR_R14], r14
	mov [rsi + GR_R15], r15
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
