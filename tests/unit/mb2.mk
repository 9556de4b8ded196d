UNIT_TESTS += mb2
UNIT_SRCS_mb2 := boot/efi_mmap.c boot/mb2.c hv/memmap.c hv/boot_info.c hv/str.c hv/err.c tests/unit/fake_printk.c \
	tests/unit/test_mb2.c
