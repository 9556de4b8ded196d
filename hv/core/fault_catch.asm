; SPDX-License-Identifier: MIT
; The call under hv/core/fault_catch.c: save the callee-saved registers,
; publish the stack to resume on, call the function. A fault in it comes back
; through fault_catch_resumed with rsp at that stack and eax the vector.

section .text
bits 64

; long fault_catch_call(void (*fn)(void *), void *arg, uint64_t *resume_rsp):
; -1 when fn returns, else the vector of the exception that ended it.
global fault_catch_call
global fault_catch_resumed
fault_catch_call:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	sub rsp, 8		; the call below on a 16-byte aligned stack
	mov [rdx], rsp
	mov rax, rdi
	mov rdi, rsi
	call rax
	mov rax, -1
fault_catch_resumed:
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
