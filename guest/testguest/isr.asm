; SPDX-License-Identifier: MIT
;
; One stub per IDT vector. Each pushes a dummy error code where the CPU
; pushes none, then the vector, so that trap() in trap.c always sees the
; same struct trap_frame; it may change the saved RIP (to skip a faulting
; instruction the test expected), and iretq resumes there.

global isr_table
extern trap

section .text
bits 64

; Vectors whose exceptions push an error code (SDM vol. 3A 6.13).
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

%assign v 0
%rep 256
align 16
isr_ %+ v:
%if !HAS_ERR(v)
	push 0
%endif
	push v
	jmp isr_common
%assign v v + 1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	; The CPU aligned RSP to 16 before its 5 pushes; with the 2 + 15 here
	; RSP is 16-byte aligned again, as the call wants.
	mov rdi, rsp
	cld
	call trap
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16			; vector and error code
	iretq

section .rodata
align 8
isr_table:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
