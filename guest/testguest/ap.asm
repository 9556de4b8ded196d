; SPDX-License-Identifier: MIT
;
; The AP trampoline (main.c, check_ap_start and the checks after it): the
; BSP copies ap_tramp_start..ap_tramp_end to a page below 1 MiB, fills in
; the CR3, CR4 and EFER to use, and starts another of the guest's CPUs there
; with INIT and start-up IPIs. That CPU enters real mode at vector:0000
; (CS = page >> 4, IP = 0), so everything here is addressed relative to the
; page, and linear addresses are computed from CS at run time.
;
; It follows Linux 6.1's AP start (arch/x86/realmode/rm/trampoline_64.S
; with verify_cpu): cli, wbinvd, segments and stack; it reports its x2APIC
; ID (RDMSR works in real mode, INIT keeps the x2APIC mode), then the magic
; word (ap-start); the CPUID and, on Intel, MISC_ENABLE reads of
; verify_cpu; its own IVT (lidt) and an RDMSR of a refused MSR (DEBUGCTL),
; whose #GP must come through IVT entry 13 like any real-mode exception,
; with no error code pushed (ap-realmode-gp); lgdt, CR0 = PE|MP|ET|NE|WP|AM
; and a far jump to 32-bit protected mode; CR4 (PAE), CR3 (the BSP's
; identity map), RDMSR EFER and WRMSR of the BSP's EFER (LME, NX, SCE);
; CR0 = that | PG (long mode, compatibility mode); a far jump to 64-bit code,
; which reads EFER and writes a second magic (ap-long-mode), then halts.
; The stage field says how far it got. Stores are seen in order.
;
; Assembled into .rodata: the BSP never runs it where it is linked.

global ap_tramp_start, ap_tramp_end, ap_tramp_data, ap_tramp_data_end, ap_tramp_gp_insn

%define AP_MAGIC	0xA5A5
%define AP_MAGIC64	0x5A5A5A5A
%define X2APIC_ID	0x802
%define MSR_MISC_ENABLE 0x1A0
%define MSR_DEBUGCTL	0x1D9		; refused by hv/platform/msr_policy.c: #GP
%define MSR_EFER	0xC0000080
%define CR0_PM		0x00050033	; PE MP ET NE WP AM (Linux's CR0_STATE & ~PG)
%define CR0_LM		0x80050033	; the same with PG
%define SEL_CODE64	0x08		; the GDT below, laid out as head.asm's
%define SEL_DATA	0x10
%define SEL_CODE32	0x18
%define STACK_TOP	0x1000		; the page's end
%define RM_STUB_SIZE	8

%define OFF(x) ((x) - ap_tramp_start)

section .rodata
bits 16
align 16
ap_tramp_start:
	cli
	wbinvd
	mov ax, cs			; the page's paragraph (vector << 8)
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, STACK_TOP
	mov ecx, X2APIC_ID
	rdmsr				; EDX:EAX = the x2APIC ID (high half 0)
	mov [OFF(d_id)], eax
	mov word [OFF(d_magic)], AP_MAGIC
	mov dword [OFF(d_stage)], 1

	; verify_cpu: the vendor; on Intel, XD_DISABLE in MISC_ENABLE cleared.
	xor eax, eax
	cpuid
	cmp ebx, 0x756E6547		; "Genu"
	jne .features
	mov ecx, MSR_MISC_ENABLE
	rdmsr
	btr edx, 2
	jnc .features
	wrmsr
.features:
	mov eax, 1
	cpuid
	mov dword [OFF(d_stage)], 2

	; The page's linear address, for lidt, lgdt and protected mode.
	xor ebx, ebx
	mov bx, cs
	shl ebx, 4
	; Our own IVT: vectors 0-12 to a stub each, 13 (#GP) to rm_gp.
	mov ax, cs
	mov di, OFF(ivt)
	mov si, OFF(rm_stubs)
	mov cx, 13
.ivt:
	mov [di], si
	mov [di + 2], ax
	add di, 4
	add si, RM_STUB_SIZE
	loop .ivt
	mov word [di], OFF(rm_gp)
	mov [di + 2], ax
	lea eax, [ebx + OFF(ivt)]
	mov [OFF(ivt_desc) + 2], eax
	o32 lidt [OFF(ivt_desc)]
	mov ecx, MSR_DEBUGCTL
ap_tramp_gp_insn:
	rdmsr				; #GP through IVT 13, whose handler skips it
	mov dword [OFF(d_stage)], 3

	; Protected mode, as Linux: lgdtl, CR0 without PG, ljmpl.
	lea eax, [ebx + OFF(gdt)]
	mov [OFF(gdt_desc) + 2], eax
	o32 lgdt [OFF(gdt_desc)]
	lea eax, [ebx + OFF(pm32)]
	mov [OFF(pm32_ptr)], eax
	mov eax, CR0_PM
	mov cr0, eax
	jmp far dword [OFF(pm32_ptr)]

; IVT 0-12: none is expected; record which and stop (the BSP reports it).
align 8
rm_stubs:
%assign v 0
%rep 13
.s %+ v:
	mov byte [cs:OFF(d_unexp_vec)], v + 1	; the high byte stays 0
	jmp short rm_unexpected
	times RM_STUB_SIZE - ($ - .s %+ v) db 0x90
%assign v v + 1
%endrep

rm_unexpected:
	mov bp, sp
	mov ax, [bp]			; the IP the exception pushed
	mov [cs:OFF(d_unexp_ip)], ax
rm_halt:
	cli
	hlt
	jmp rm_halt

; IVT 13: the stack holds IP, CS, FLAGS; real mode pushes no error code
; (SDM vol. 3A 20.1.4). Count it, record the IP, resume after the rdmsr.
; If a word sits where the IP should be and the IP is the next word, an
; error code was pushed after all: record it, drop it, go on.
rm_gp:
	push bp
	mov bp, sp
	push ax
	inc word [cs:OFF(d_gp_count)]
	mov ax, [bp + 2]
	mov [cs:OFF(d_gp_ip)], ax
	cmp ax, OFF(ap_tramp_gp_insn)
	jne .odd
	add word [bp + 2], 2		; rdmsr is 2 bytes
	pop ax
	pop bp
	iret
.odd:
	mov [cs:OFF(d_gp_extra)], ax
	mov word [cs:OFF(d_gp_odd)], 1
	mov ax, [bp + 4]
	mov [cs:OFF(d_gp_ip)], ax
	cmp ax, OFF(ap_tramp_gp_insn)
	jne rm_halt
	add word [bp + 4], 2
	pop ax
	pop bp
	add sp, 2			; the error code
	iret

bits 32
pm32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	lea esp, [ebx + STACK_TOP]
	mov dword [ebx + OFF(d_stage)], 4
	mov eax, [ebx + OFF(d_cr4)]
	mov cr4, eax			; PAE (PGE)
	mov eax, [ebx + OFF(d_cr3)]
	mov cr3, eax
	; EFER: written only if it differs (Linux does so for TDX).
	mov ecx, MSR_EFER
	rdmsr
	cmp eax, [ebx + OFF(d_efer)]
	jne .write_efer
	cmp edx, [ebx + OFF(d_efer) + 4]
	je .efer_done
.write_efer:
	mov eax, [ebx + OFF(d_efer)]
	mov edx, [ebx + OFF(d_efer) + 4]
	wrmsr
.efer_done:
	mov dword [ebx + OFF(d_stage)], 5
	mov eax, CR0_LM
	mov cr0, eax			; long mode: compatibility mode for now
	mov dword [ebx + OFF(d_stage)], 6
	lea eax, [ebx + OFF(lm64)]
	push dword SEL_CODE64
	push eax
	retf

bits 64
lm64:
	mov ebx, ebx			; the upper half is undefined after 32-bit code
	mov dword [rbx + OFF(d_stage)], 7
	mov ecx, MSR_EFER
	rdmsr
	mov [rbx + OFF(d_efer64)], eax
	mov [rbx + OFF(d_efer64) + 4], edx
	mov dword [rbx + OFF(d_magic64)], AP_MAGIC64
.halt:
	cli
	hlt
	jmp .halt

; What the BSP reads and writes: struct ap_data in main.c, field by field.
align 8
ap_tramp_data:
d_magic:	dw 0			; AP_MAGIC once the ID is stored
		dw 0
d_id:		dd 0			; the AP's x2APIC ID (MSR 0x802, low 32)
d_cr3:		dd 0			; from the BSP: the page tables for long mode
d_cr4:		dd 0			; from the BSP: CR4 for long mode
d_efer:		dq 0			; from the BSP: EFER for long mode (no LMA)
d_stage:	dd 0			; how far the AP got (1-7)
d_gp_count:	dw 0			; #GPs through IVT 13
d_gp_ip:	dw 0			; the IP the #GP pushed
d_gp_extra:	dw 0			; a word found where the IP should be
d_gp_odd:	dw 0			; 1 if there was one (an error code)
d_unexp_vec:	dw 0			; vector + 1 of another real-mode exception
d_unexp_ip:	dw 0
d_efer64:	dq 0			; EFER read in 64-bit mode
d_magic64:	dd 0			; AP_MAGIC64, written last
		dd 0
ap_tramp_data_end:

align 8
gdt:	dq 0
	dq 0x00AF9A000000FFFF		; 0x08: 64-bit code
	dq 0x00CF92000000FFFF		; 0x10: flat data
	dq 0x00CF9A000000FFFF		; 0x18: 32-bit code
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd 0				; the linear base, set at run time
ivt_desc:
	dw 14 * 4 - 1
	dd 0
pm32_ptr:
	dd 0				; pm32's linear address, set at run time
	dw SEL_CODE32
align 4
ivt:	times 14 dd 0
ap_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
