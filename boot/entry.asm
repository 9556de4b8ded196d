; SPDX-License-Identifier: MIT
; Multiboot2 header and entry. GRUB (BIOS or UEFI) enters in 32-bit protected
; mode with paging off; this code checks for long mode, identity-maps the first
; 4 GiB with 2 MiB pages, enters 64-bit mode and calls hv_main(magic, info).

%define MB2_MAGIC	0xE85250D6
%define MB2_ARCH_I386	0

%define BOOT_STACK_SIZE	16384

section .multiboot2
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; information request: cmdline 1, modules 3, mmap 6, ACPI 14/15,
	; EFI64 12, EFI mmap 17 (optional: the flag is 1 so GRUB may omit any)
	align 8
	dw 1, 1
	dd 8 + 4 * 7
	dd 1, 3, 6, 14, 15, 12, 17
	align 8
	; module alignment: page-aligned modules
	dw 6, 0
	dd 8
	align 8
	dw 0, 0		; end tag
	dd 8
mb2_header_end:

; For loaders that enter in 64-bit mode (boot/efi: vfvisor.efi): found by its
; magic within the image's first 32 KiB, it gives the 64-bit entry point.
; See boot/boot_info.h (VF_BOOT_HDR_MAGIC).
align 8
global vf_boot_header
vf_boot_header:
	db "VFVISOR", 1
	dq efi64_entry

section .text.entry
bits 32
global mb2_entry
mb2_entry:
	cli
	cld
	mov esp, boot_stack_top
	mov edi, eax		; multiboot2 magic
	mov esi, ebx		; info (physical)

	; long mode present?
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode

	; PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, 2048 PDEs of 2 MiB.
	mov eax, boot_pdpt
	or eax, 0x3
	mov [boot_pml4], eax
	mov ecx, 0
.pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd
	or eax, 0x3
	mov [boot_pdpt + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jne .pdpt
	mov ecx, 0
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, 0x83		; present, writable, 2 MiB
	mov edx, ecx
	shr edx, 11		; bits 32+ of the address
	mov [boot_pd + ecx * 8], eax
	mov [boot_pd + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 2048
	jne .pd

	mov eax, cr4
	or eax, (1 << 5)	; PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, 0xC0000080	; EFER
	rdmsr
	or eax, (1 << 8)	; LME
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1	; PG, WP (W^X holds in ring 0), PE
	and eax, ~((1 << 30) | (1 << 29))	; caches on (CD, NW clear)
	mov cr0, eax

	lgdt [boot_gdtr]
	jmp 0x08:mb2_long_mode

.no_long_mode:
	mov esi, .msg
.putc:
	lodsb
	test al, al
	jz .halt
	mov ah, al
	mov dx, 0x3FD
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov dx, 0x3F8
	mov al, ah
	out dx, al
	jmp .putc
.halt:
	hlt
	jmp .halt
.msg:	db "vfvisor: error: this CPU has no 64-bit long mode", 13, 10, 0

; 64-bit entry: rdi = struct boot_info * (below 4 GiB), rsi = magic, paging
; on with the loader's identity map, interrupts in any state. Build our own
; identity map and GDT exactly as the 32-bit path does, then hv_main_efi().
bits 64
global efi64_entry
efi64_entry:
	cli
	cld
	mov r12, rdi
	mov r13, rsi
	mov eax, boot_pdpt
	or eax, 0x3
	mov [boot_pml4], rax
	xor ecx, ecx
.pdpt64:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd
	or eax, 0x3
	mov [boot_pdpt + rcx * 8], rax
	inc ecx
	cmp ecx, 4
	jne .pdpt64
	xor ecx, ecx
.pd64:
	mov rax, rcx
	shl rax, 21
	or rax, 0x83		; present, writable, 2 MiB
	mov [boot_pd + rcx * 8], rax
	inc ecx
	cmp ecx, 2048
	jne .pd64
	mov rax, cr4
	or rax, (1 << 5)	; PAE (already on in long mode; kept explicit)
	mov cr4, rax
	mov rax, cr0
	or rax, (1 << 16)	; WP: read-only pages hold against ring 0 too (W^X)
	mov cr0, rax
	mov eax, boot_pml4
	mov cr3, rax
	lgdt [boot_gdtr]
	push 0x08
	lea rax, [rel .efi_cs]
	push rax
	retfq
.efi_cs:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor ebp, ebp
	mov rdi, r13		; magic
	mov rsi, r12		; boot_info
	extern hv_main_efi
	call hv_main_efi
	jmp hv_dead

mb2_long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor ebp, ebp
	; edi = magic, esi = info: already hv_main's two arguments
	mov edi, edi
	mov esi, esi
	extern hv_main
	call hv_main
hv_dead:
	cli
	hlt
	jmp hv_dead

section .rodata
align 16
boot_gdt:
	dq 0
	dq 0x00AF9A000000FFFF	; 0x08: 64-bit code
	dq 0x00CF92000000FFFF	; 0x10: data
boot_gdt_end:
boot_gdtr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

section .bss
align 4096
global boot_pml4
boot_pml4:	resb 4096
boot_pdpt:	resb 4096
boot_pd:	resb 4096 * 4
; left unmapped once the host tables are built (hv/core/stackguard.h)
alignb 4096
global boot_stack_guard
boot_stack_guard:	resb 4096
global boot_stack_top
boot_stack:	resb BOOT_STACK_SIZE
boot_stack_top:
