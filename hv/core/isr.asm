; SPDX-License-Identifier: MIT
; Interrupt and exception entry stubs: each pushes an error code (a zero where
; the CPU pushes none) and its vector, then the common path saves the general
; registers as a struct trap_frame (hv/core/idt.h) and calls idt_dispatch().

section .text
bits 64
extern idt_dispatch

%macro STUB 1
isr_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign i 0
%rep 256
STUB i
%assign i i + 1
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
	mov rdi, rsp
	cld
	call idt_dispatch
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
	add rsp, 16
	iretq

section .rodata
align 8
global isr_table
isr_table:
%assign i 0
%rep 256
	dq isr_ %+ i
%assign i i + 1
%endrep
