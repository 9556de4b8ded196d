UNIT_TESTS += acpi
UNIT_SRCS_acpi := drivers/acpi/acpi.c hv/str.c hv/err.c tests/unit/fake_printk.c tests/unit/test_acpi.c
