; SPDX-License-Identifier: MIT
; Application processor start-up. hv/core/smp.c copies this blob to a page below
; 1 MiB, fills the parameter block at its end, and sends INIT-SIPI-SIPI with
; that page as the vector. The code is position-independent: the 16-bit part
; addresses its page through CS, and computes the linear addresses the mode
; switches need from CS itself, so nothing in it is patched.

%define TRAMP_PARAMS	0xF00	; must match struct tramp_params in hv/core/smp.c

section .rodata
bits 16
align 16
global tramp_start
tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4			; ebx = linear base of this page

	; make the GDT pointer and the two far-jump targets linear
	lea eax, [ebx + (tramp_gdt - tramp_start)]
	mov [tramp_gdtr - tramp_start + 2], eax
	lea eax, [ebx + (tramp_pm - tramp_start)]
	mov [tramp_jmp32 - tramp_start], eax
	lea eax, [ebx + (tramp_lm - tramp_start)]
	mov [tramp_jmp64 - tramp_start], eax

	lgdt [tramp_gdtr - tramp_start]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp far dword [tramp_jmp32 - tramp_start]

bits 32
tramp_pm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5)		; PAE
	mov cr4, eax
	mov eax, [ebx + TRAMP_PARAMS + 0]	; cr3 (below 4 GiB)
	mov cr3, eax
	mov ecx, 0xC0000080		; EFER.LME (+ NXE if the BSP uses it)
	rdmsr
	or eax, [ebx + TRAMP_PARAMS + 24]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)	; PG, WP
	and eax, ~((1 << 30) | (1 << 29))
	mov cr0, eax
	jmp far [ebx + (tramp_jmp64 - tramp_start)]

bits 64
tramp_lm:
	mov ebx, ebx			; upper halves are undefined after the switch
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rbx + TRAMP_PARAMS + 8]	; this CPU's stack top
	mov rdi, [rbx + TRAMP_PARAMS + 32]	; argument: CPU index
	mov rax, [rbx + TRAMP_PARAMS + 16]	; entry (64-bit C)
	xor ebp, ebp
	push 0				; no return address
	jmp rax

align 16
tramp_gdt:
	dq 0
	dq 0x00CF9A000000FFFF		; 0x08: 32-bit code
	dq 0x00CF92000000FFFF		; 0x10: data
	dq 0x00AF9A000000FFFF		; 0x18: 64-bit code
tramp_gdt_end:
tramp_gdtr:
	dw tramp_gdt_end - tramp_gdt - 1
	dd 0
align 4
tramp_jmp32:
	dd 0
	dw 0x08
align 4
tramp_jmp64:
	dd 0
	dw 0x18
global tramp_end
tramp_end:
