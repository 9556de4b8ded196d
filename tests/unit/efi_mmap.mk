UNIT_TESTS += efi_mmap
UNIT_SRCS_efi_mmap := boot/efi_mmap.c hv/memmap.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/test_efi_mmap.c
