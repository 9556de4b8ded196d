; SPDX-License-Identifier: MIT
; svm_run(vmcb_pa, regs, host_pa): enter the guest until its next #VMEXIT.
; VMRUN loads and saves RAX, RSP, RIP and the rest of the guest state through
; the VMCB; the other general registers are swapped here with @regs (struct
; svm_regs: rbx rcx rdx rsi rdi rbp r8-r15, in that order). FS, GS, TR, LDTR
; and the syscall MSRs are not switched by VMRUN: VMLOAD/VMSAVE swap them,
; with @host_pa (a page of this CPU's) keeping the hypervisor's (its GS base
; is the per-CPU pointer).
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
	mov rbx, [rsi + 0]
	mov rcx, [rsi + 8]
	mov rdx, [rsi + 16]
	mov rdi, [rsi + 32]
	mov rbp, [rsi + 40]
	mov r8, [rsi + 48]
	mov r9, [rsi + 56]
	mov r10, [rsi + 64]
	mov r11, [rsi + 72]
	mov r12, [rsi + 80]
	mov r13, [rsi + 88]
	mov r14, [rsi + 96]
	mov r15, [rsi + 104]
	mov rsi, [rsi + 24]
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
	mov [rsi + 0], rbx
	mov [rsi + 8], rcx
	mov [rsi + 16], rdx
	pop qword [rsi + 24]
	mov [rsi + 32], rdi
	mov [rsi + 40], rbp
	mov [rsi + 48], r8
	mov [rsi + 56], r9
	mov [rsi + 64], r10
	mov [rsi + 72], r11
	mov [rsi + 80], r12
	mov [rsi + 88], r13
	mov [rsi + 96], r14
	mov [rsi + 104], r15
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
