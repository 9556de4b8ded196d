; SPDX-License-Identifier: MIT
; The AMD-V smoke guest: 32-bit protected mode, flat, no paging, loaded at
; guest-physical 0x1000. It prints a line on COM1 (every OUT exits to the
; hypervisor), then reads beyond its memory, which must never complete. Position-dependent: assembled for 0x1000.
section .rodata
global svm_smoke_start, svm_smoke_end
svm_smoke_start:
bits 32
	mov edx, 0x3F8
	mov esi, 0x1000 + (msg - svm_smoke_start)
.next:
	mov al, [esi]
	test al, al
	jz .done
	out dx, al
	inc esi
	jmp .next
.done:
	mov eax, [0x200000]		; past its 2 MiB: nested paging must stop this
	hlt
	jmp .done
msg:	db "hello from the AMD-V smoke guest", 10, 0
svm_smoke_end:
