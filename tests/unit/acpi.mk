UNIT_TESTS += acpi
UNIT_SRCS_acpi := drivers/acpi/acpi.c lib/str.c lib/err.c tests/unit/fake_printk.c tests/unit/test_acpi.c
