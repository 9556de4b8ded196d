; SPDX-License-Identifier: MIT
;
; The ap-start trampoline (main.c, check_ap_start): the BSP copies
; ap_tramp_start..ap_tramp_end to a page below 1 MiB and starts another of
; the guest's CPUs there with INIT and start-up IPIs. That CPU enters real
; mode at vector:0000 (CS = page >> 4, IP = 0), so everything here is
; addressed relative to the page. It reports its x2APIC ID (RDMSR works in
; real mode, and INIT keeps the x2APIC mode), then the magic word, in that
; order (stores are seen in order), and halts for good.
;
; Assembled into .rodata: the BSP never runs it where it is linked.

global ap_tramp_start, ap_tramp_end, ap_tramp_magic, ap_tramp_id

%define AP_MAGIC     0xA5A5
%define X2APIC_ID    0x802

section .rodata
bits 16
align 16
ap_tramp_start:
	cli
	cld
	mov ax, cs			; the page's paragraph (vector << 8)
	mov ds, ax
	mov ecx, X2APIC_ID
	rdmsr				; EDX:EAX = the x2APIC ID (high half 0)
	mov [ap_tramp_id - ap_tramp_start], eax
	mov word [ap_tramp_magic - ap_tramp_start], AP_MAGIC
.halt:	cli
	hlt
	jmp .halt

align 4
ap_tramp_magic:	dw 0			; AP_MAGIC once the ID is stored
		dw 0
ap_tramp_id:	dd 0			; the AP's x2APIC ID (MSR 0x802, low 32)
ap_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
