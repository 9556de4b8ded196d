; SPDX-License-Identifier: MIT
;
; compat-pg (cpu.c): long mode left and re-entered as Linux 6.1's
; decompressor does to change paging modes (arch/x86/boot/compressed/
; head_64.S, trampoline_32bit_src): far return to a 32-bit code segment
; (compatibility mode), CR0.PG off (EFER.LMA drops to 0: 32-bit protected
; mode), RDMSR EFER (an exit to the hypervisor), CR0.PG on again (LMA is 1
; again), far return to 64-bit code. The image is identity-mapped below
; 4 GiB, as that requires, and so is the stack (ESP is the low half of RSP).
;
; compat_pg_run() returns with compat_result filled in. An exception with
; paging off goes through a 32-bit IDT of our own (the 64-bit one is
; unusable there): it is recorded, paging is turned back on and the run
; returns. One in compatibility mode with paging on goes through the 64-bit
; IDT and the exception table to the same return. Interrupts are off
; throughout.

global compat_pg_run, compat_result

%define SEL_CODE64 0x08		; head.asm's GDT
%define SEL_CODE32 0x18
%define CR0_PG	   0x80000000
%define MSR_EFER   0xC0000080

; struct compat_result (cpu.c)
%define R_EFER_LO  0
%define R_EFER_HI  4
%define R_CR0	   8
%define R_STAGE	   12		; 1 compatibility mode, 2 paging off, 3 on again, 4 back
%define R_VECTOR   16		; vector + 1 of an exception with paging off
%define R_ERROR	   20
%define R_EIP	   24
%define R_SIZE	   28

; Vectors whose exceptions push an error code (as in isr.asm).
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

section .text
bits 64
compat_pg_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	pushfq
	cli
	; Upper halves of registers do not survive 32-bit code (SDM vol. 1
	; 3.4.1.1): RSP and the IDTR come back from memory.
	mov [rel saved_rsp], rsp
	sidt [rel saved_idtr]
	lea rdi, [rel compat_result]
	xor eax, eax
	mov ecx, R_SIZE / 4
	rep stosd
	mov dword [rel in_fault], 0
	call idt32_build
	push SEL_CODE32
	lea rax, [rel compat32]
	push rax
	retfq

; Gate v of the 32-bit IDT: stub v, 32-bit interrupt gate, present, DPL 0.
idt32_build:
	lea rdi, [rel idt32]
	lea rsi, [rel idt32_stubs]
	xor ecx, ecx
.next:
	mov eax, esi
	and eax, 0xFFFF
	or eax, SEL_CODE32 << 16
	mov [rdi + rcx * 8], eax
	mov eax, esi
	and eax, 0xFFFF0000
	or eax, 0x8E00
	mov [rdi + rcx * 8 + 4], eax
	add rsi, 16
	inc ecx
	cmp ecx, 32
	jb .next
	ret

bits 32
compat32:
	mov dword [compat_result + R_STAGE], 1
	mov eax, cr0
	and eax, ~CR0_PG
.pg_off:
	mov cr0, eax			; long mode off: EFER.LMA = 0
	mov dword [compat_result + R_STAGE], 2
	lidt [idt32_desc]
	mov ecx, MSR_EFER
	rdmsr				; exits: LME set, LMA clear
	mov [compat_result + R_EFER_LO], eax
	mov [compat_result + R_EFER_HI], edx
	mov eax, cr0
	mov [compat_result + R_CR0], eax
	or eax, CR0_PG
	mov cr0, eax			; long mode again (LMA = 1), compatibility mode
	mov dword [compat_result + R_STAGE], 3
to64:
	push dword SEL_CODE64
	push dword back64
	retf

; The exception table's resume point for a fault at .pg_off (trap() has
; recorded it): still in compatibility mode with paging on.
compat_fault:
	jmp to64

align 16
idt32_stubs:
%assign v 0
%rep 32
align 16
%if !HAS_ERR(v)
	push dword 0
%endif
	push dword v
	jmp fault32
%assign v v + 1
%endrep

; Stack: vector, error code, EIP, CS, EFLAGS.
fault32:
	cmp dword [in_fault], 0
	jne .again
	mov dword [in_fault], 1
	pop eax
	inc eax
	mov [compat_result + R_VECTOR], eax
	pop eax
	mov [compat_result + R_ERROR], eax
	pop eax
	mov [compat_result + R_EIP], eax
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp to64
.again:
	; A fault while recovering from one: stop visibly (a triple fault,
	; which the hypervisor logs) rather than loop.
	lidt [idt_none]
	ud2

bits 64
back64:
	lidt [rel saved_idtr]
	mov rsp, [rel saved_rsp]
	cmp dword [rel compat_result + R_STAGE], 3
	jne .out
	mov dword [rel compat_result + R_STAGE], 4
.out:
	popfq
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

section .extable progbits alloc noexec nowrite align=8
	dq compat32.pg_off, compat_fault

section .rodata
align 8
idt32_desc:
	dw 32 * 8 - 1
	dd idt32
idt_none:
	dw 0
	dd 0

section .data
align 8
compat_result:
	times R_SIZE db 0

section .bss
alignb 8
saved_rsp:	resq 1
saved_idtr:	resb 16
in_fault:	resd 1
alignb 8
idt32:		resq 32

section .note.GNU-stack noalloc noexec nowrite progbits
