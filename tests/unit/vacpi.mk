UNIT_TESTS += vacpi
UNIT_SRCS_vacpi := hv/vacpi.c drivers/acpi/acpi.c hv/str.c hv/err.c hv/format.c tests/unit/fake_printk.c tests/unit/test_vacpi.c
