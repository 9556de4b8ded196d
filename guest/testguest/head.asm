; SPDX-License-Identifier: MIT
;
; The bzImage around the test guest: the real-mode part (boot sector and
; setup header, never executed: only a 64-bit loader takes this image) and
; the start of the protected-mode part, which the loader copies to
; pref_address (TG_LOAD, 16 MiB) and enters at TG_LOAD + 0x200 in 64-bit
; mode (Documentation/arch/x86/boot.rst, "64-bit boot protocol").
;
; Field offsets are those of boot.rst's setup header table; `times` pads to
; each one, so a field in the wrong place fails to assemble (negative count).
; _syssize and _init_size come from testguest.ld, which knows the sizes.

%define TG_LOAD	     0x1000000	; linked here; pref_address
%define SETUP_SECTS  1		; setup part = boot sector + 1 sector = 0x400
%define PROTO	     0x020E	; 2.14: up to handover_offset; acpi_rsdp used
%define LOADED_HIGH  0x01	; loadflags: protected-mode part at 1 MiB+
%define XLF_KERNEL_64 0x0001	; xloadflags: has the 64-bit entry at +0x200

extern _syssize, _init_size, tg_main, __bss_start, _end
global startup_32, startup_64

section .setup progbits alloc noexec nowrite align=1
setup_start:
	; A boot sector that is never run: BIOSes do not boot this image.
	db "vfvisor test guest: load me with a 64-bit boot protocol loader", 0

	times 0x1F1 - ($ - setup_start) db 0
hdr_setup_sects:	db SETUP_SECTS	; 0x1F1 sectors after the boot sector
hdr_root_flags:		dw 0		; 0x1F2 (obsolete)
hdr_syssize:		dd _syssize	; 0x1F4 protected-mode part / 16
hdr_ram_size:		dw 0		; 0x1F8 (obsolete)
hdr_vid_mode:		dw 0xFFFF	; 0x1FA "normal" video mode
hdr_root_dev:		dw 0		; 0x1FC
hdr_boot_flag:		dw 0xAA55	; 0x1FE checked by loaders
	; 0x200: a short jump over the header; its offset is how loaders
	; (and linux_image_parse) learn the header's length.
hdr_jump:		db 0xEB, hdr_end - (hdr_jump + 2)
hdr_magic:		db "HdrS"	; 0x202
hdr_version:		dw PROTO	; 0x206
hdr_realmode_swtch:	dd 0		; 0x208 no real-mode hook
hdr_start_sys_seg:	dw 0x1000	; 0x20C (obsolete)
hdr_kernel_version:	dw version - setup_start - 0x200 ; 0x20E string, - 0x200
hdr_type_of_loader:	db 0		; 0x210 the loader writes it
hdr_loadflags:		db LOADED_HIGH	; 0x211 a bzImage
hdr_setup_move_size:	dw 0x8000	; 0x212 (real-mode boot only)
hdr_code32_start:	dd TG_LOAD	; 0x214 32-bit entry (a halting stub)
hdr_ramdisk_image:	dd 0		; 0x218 the loader writes them
hdr_ramdisk_size:	dd 0		; 0x21C
hdr_bootsect_kludge:	dd 0		; 0x220 (obsolete)
hdr_heap_end_ptr:	dw 0		; 0x224 the loader writes it
hdr_ext_loader_ver:	db 0		; 0x226
hdr_ext_loader_type:	db 0		; 0x227
hdr_cmd_line_ptr:	dd 0		; 0x228 the loader writes it
hdr_initrd_addr_max:	dd 0x7FFFFFFF	; 0x22C no initrd is used; Linux's value
hdr_kernel_alignment:	dd 0x200000	; 0x230 2 MiB, a power of two
hdr_relocatable:	db 0		; 0x234 linked at TG_LOAD: not relocatable
hdr_min_alignment:	db 21		; 0x235 log2 of the alignment
hdr_xloadflags:		dw XLF_KERNEL_64 ; 0x236 no 4 GiB+ load, no EFI handover
hdr_cmdline_size:	dd 2047		; 0x238 longest command line, no NUL
hdr_hardware_subarch:	dd 0		; 0x23C default PC
hdr_hw_subarch_data:	dq 0		; 0x240
hdr_payload_offset:	dd 0		; 0x248 not compressed: no payload
hdr_payload_length:	dd 0		; 0x24C
hdr_setup_data:		dq 0		; 0x250 the loader may chain data here
hdr_pref_address:	dq TG_LOAD	; 0x258 where it must be loaded
hdr_init_size:		dd _init_size	; 0x260 image + bss + stack + tables
hdr_handover_offset:	dd 0		; 0x264 no EFI handover
hdr_end:				; 0x268: end of the 2.14 header

version: db "vfvisor-testguest 1", 0

	times SETUP_SECTS * 512 + 512 - ($ - setup_start) db 0

; ---- the protected-mode part, loaded at TG_LOAD ----------------------------
section .head progbits alloc exec nowrite align=16
bits 32
	; code32_start: the 32-bit protocol is not supported; stop cleanly.
startup_32:
	cli
.halt:	hlt
	jmp .halt

	times 0x200 - ($ - startup_32) db 0xCC

bits 64
	; TG_LOAD + 0x200. The loader's state: long mode on its identity
	; tables and GDT, RSI = boot_params, interrupts off, RSP undefined.
startup_64:
	cli
	cld
	mov r15, rsi			; boot_params, kept across the bss clear
	; The loader copies only syssize * 16 bytes; bss is ours to zero.
	mov rdi, __bss_start
	mov rcx, _end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rsp, stack_top
	; Our own GDT: the loader's lives in RAM we are free to reuse.
	lgdt [rel gdt_desc]
	push 0x08
	lea rax, [rel .reload_cs]
	push rax
	retfq
.reload_cs:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rdi, r15
	call tg_main			; does not return
.halt:	cli
	hlt
	jmp .halt

section .rodata
align 16
gdt:	dq 0
	dq 0x00AF9A000000FFFF		; 0x08: 64-bit code, DPL 0
	dq 0x00CF92000000FFFF		; 0x10: flat data, read/write
	dq 0x00CF9A000000FFFF		; 0x18: 32-bit code (compat-pg, compat.asm)
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dq gdt

section .bss
align 16
stack:	resb 16384
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
