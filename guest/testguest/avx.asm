; SPDX-License-Identifier: MIT
;
; ymm-cpuid (cpu.c): the vector registers across instructions that exit to
; the hypervisor. The C code is built without SSE, so only this file touches
; them. ymm_roundtrip(in, out, op) loads ymm0-15 from in[16][32], runs one
; exiting instruction (op 0: CPUID leaf 0; 1: RDMSR of MTRRcap, emulated;
; 2: OUT to the COM1 scratch register), and stores all 16 to out[16][32].
; xmm_roundtrip does the same with xmm0-15 (16 bytes at the same strides),
; for a CPU without AVX.

global ymm_roundtrip, xmm_roundtrip

%define MSR_MTRRCAP 0xFE
%define COM1_SCR    0x3FF

section .text
bits 64

; rdi = in, rsi = out, edx = op
ymm_roundtrip:
	push rbx
	mov r8, rdi
	mov r9, rsi
	mov r10d, edx
%assign i 0
%rep 16
	vmovdqu ymm %+ i, [r8 + i * 32]
%assign i i + 1
%endrep
	call exit_op
%assign i 0
%rep 16
	vmovdqu [r9 + i * 32], ymm %+ i
%assign i i + 1
%endrep
	vzeroupper
	pop rbx
	ret

xmm_roundtrip:
	push rbx
	mov r8, rdi
	mov r9, rsi
	mov r10d, edx
%assign i 0
%rep 16
	movdqu xmm %+ i, [r8 + i * 32]
%assign i i + 1
%endrep
	call exit_op
%assign i 0
%rep 16
	movdqu [r9 + i * 32], xmm %+ i
%assign i i + 1
%endrep
	pop rbx
	ret

; The exiting instruction r10d names; clobbers rax, rbx, rcx, rdx.
exit_op:
	cmp r10d, 1
	je .rdmsr
	cmp r10d, 2
	je .out
	xor eax, eax
	xor ecx, ecx
	cpuid
	ret
.rdmsr:
	mov ecx, MSR_MTRRCAP
	rdmsr
	ret
.out:
	mov dx, COM1_SCR
	mov al, 0x5A
	out dx, al
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
