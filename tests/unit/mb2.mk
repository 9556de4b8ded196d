UNIT_TESTS += mb2
UNIT_SRCS_mb2 := boot/efi_mmap.c boot/mb2.c hv/core/memmap.c boot/boot_info.c lib/str.c lib/err.c tests/unit/fake_printk.c \
	tests/unit/test_mb2.c
