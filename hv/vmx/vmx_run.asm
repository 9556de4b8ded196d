; SPDX-License-Identifier: MIT
; vmx_run(regs, launched): enter the guest of the current VMCS until its next
; VM exit. The guest's RSP, RIP and RFLAGS live in the VMCS; the other general
; registers are swapped here with @regs (struct vcpu_regs: regs_swap.inc).
; VMLAUNCH the first time, VMRESUME after.
; Returns 0 after a VM exit, 1 if the instruction failed (VM-instruction
; error in the VMCS, or no current VMCS).
%include "hv/vm/regs_swap.inc"

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
	GUEST_REGS_LOAD rdi
	mov rsi, [rdi + GR_RSI]
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
	GUEST_REGS_SAVE rdi
	mov [rdi + GR_RSI], rsi
	pop qword [rdi + GR_RDI]
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	xor eax, eax
	ret
