UNIT_TESTS += efi_mmap
UNIT_SRCS_efi_mmap := boot/efi_mmap.c hv/core/memmap.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_efi_mmap.c
