; SPDX-License-Identifier: MIT
; vmx_run(regs, launched): enter the guest of the current VMCS until its next
; VM exit. The guest's RSP, RIP and RFLAGS live in the VMCS; the other general
; registers are swapped here with @regs (struct vcpu_regs, at the offsets
; guest_regs.inc gives). VMLAUNCH the first time, VMRESUME after.
; Returns 0 after a VM exit, 1 if the instruction failed (VM-instruction
; error in the VMCS, or no current VMCS).
%include "guest_regs.inc"

section .text
bits 64
global vmx_run
global vmx_exit_entry
vmx_run:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; regs, for after the exit
	mov eax, 0x6C14			; HOST_RSP: the exit comes back to this stack
	vmwrite rax, rsp
	jbe .failed_early
	test esi, esi			; launched? (moves keep the flags)
	mov rax, [rdi + GR_RAX]
	mov rcx, [rdi + GR_RCX]
	mov rdx, [rdi + GR_RDX]
	mov rbx, [rdi + GR_RBX]
	mov rbp, [rdi + GR_RBP]
	mov rsi, [rdi + GR_RSI]
	mov r8, [rdi + GR_R8]
	mov r9, [rdi + GR_R9]
	mov r10, [rdi + GR_R10]
	mov r11, [rdi + GR_R11]
	mov r12, [rdi + GR_R12]
	mov r13, [rdi + GR_R13]
	mov r14, [rdi + GR_R14]
	mov r15, [rdi + GR_R15]
	mov rdi, [rdi + GR_RDI]		; last: it held @regs
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume
.failed:
.failed_early:
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	mov eax, 1
	ret

; HOST_RIP: RSP is what vmx_run wrote to HOST_RSP, regs on top.
vmx_exit_entry:
	push rdi
	mov rdi, [rsp + 8]
	mov [rdi + GR_RAX], rax
	mov [rdi + GR_RCX], rcx
	mov [rdi + GR_RDX], rdx
	mov [rdi + GR_RBX], rbx
	mov [rdi + GR_RBP], rbp
	mov [rdi + GR_RSI], rsi
	pop qword [rdi + GR_RDI]
	mov [rdi + GR_R8], r8
	mov [rdi + GR_R9], r9
	mov [rdi + GR_R10], r10
	mov [rdi + GR_R11], r11
	mov [rdi + GR_R12], r12
	mov [rdi + GR_R13], r13
	mov [rdi + GR_R14], r14
	mov [rdi + GR_R15], r15
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	xor eax, eax
	ret
