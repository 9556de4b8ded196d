UNIT_TESTS += vacpi
UNIT_SRCS_vacpi := hv/platform/vacpi.c drivers/acpi/acpi.c lib/str.c lib/err.c lib/format.c tests/unit/fake_printk.c tests/unit/test_vacpi.c
