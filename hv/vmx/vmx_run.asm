; SPDX-License-Identifier: MIT
; vmx_run(regs, launched): enter the guest of the current VMCS until its next
; VM exit. The guest's RSP, RIP and RFLAGS live in the VMCS; the other general
; registers are swapped here with @regs (struct vmx_regs: rax rcx rdx rbx rbp
; rsi rdi r8-r15, in that order). VMLAUNCH the first time, VMRESUME after.
; Returns 0 after a VM exit, 1 if the instruction failed (VM-instruction
; error in the VMCS, or no current VMCS).
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
	mov rax, [rdi + 0]
	mov rcx, [rdi + 8]
	mov rdx, [rdi + 16]
	mov rbx, [rdi + 24]
	mov rbp, [rdi + 32]
	mov rsi, [rdi + 40]
	mov r8, [rdi + 56]
	mov r9, [rdi + 64]
	mov r10, [rdi + 72]
	mov r11, [rdi + 80]
	mov r12, [rdi + 88]
	mov r13, [rdi + 96]
	mov r14, [rdi + 104]
	mov r15, [rdi + 112]
	mov rdi, [rdi + 48]
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
	mov [rdi + 0], rax
	mov [rdi + 8], rcx
	mov [rdi + 16], rdx
	mov [rdi + 24], rbx
	mov [rdi + 32], rbp
	mov [rdi + 40], rsi
	pop qword [rdi + 48]
	mov [rdi + 56], r8
	mov [rdi + 64], r9
	mov [rdi + 72], r10
	mov [rdi + 80], r11
	mov [rdi + 88], r12
	mov [rdi + 96], r13
	mov [rdi + 104], r14
	mov [rdi + 112], r15
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	xor eax, eax
	ret
