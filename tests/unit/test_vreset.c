// SPDX-License-Identifier: MIT
/*
 * Unit tests for hv/platform/vreset.c: the guest's reset ports, as Linux's
 * reboot methods drive them (arch/x86/kernel/reboot.c: ACPI's reset
 * register, the CF9 sequence, the keyboard controller), and what is not a
 * reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "hv/platform/vreset.h"

static enum vreset_io out(struct vreset *r, uint16_t port, unsigned int size, uint32_t v,
			  const char **why)
{
	return vreset_io(r, port, size, false, &v, why);
}

static void test_acpi_reset_register(void **state)
{
	struct vreset r = {0};
	const char *why = NULL;

	(void)state;
	/* acpi_reboot(): one write of the FADT's value to its register. */
	assert_int_equal(out(&r, VRESET_PORT_CF9, 1, VRESET_FADT_VALUE, &why), VRESET_RESET);
	assert_string_equal(why, "port 0xcf9");
}

static void test_cf9_sequence(void **state)
{
	struct vreset r = {0};
	const char *why = NULL;
	uint32_t v = 0xFF;

	(void)state;
	/* Linux's BOOT_CF9_FORCE: read, write SYS_RST, then SYS_RST|RST_CPU. */
	assert_int_equal(vreset_io(&r, VRESET_PORT_CF9, 1, true, &v, &why), VRESET_DONE);
	assert_int_equal(v, 0);
	assert_int_equal(out(&r, VRESET_PORT_CF9, 1, 0x02, &why), VRESET_DONE);
	assert_null(why);
	v = 0;
	assert_int_equal(vreset_io(&r, VRESET_PORT_CF9, 1, true, &v, &why), VRESET_DONE);
	assert_int_equal(v, 0x02); /* kept, and read back */
	assert_int_equal(out(&r, VRESET_PORT_CF9, 1, 0x0E, &why), VRESET_RESET);
	assert_non_null(why);
	/* RST_CPU reads 0; other bits are not kept. */
	v = 0;
	vreset_io(&r, VRESET_PORT_CF9, 1, true, &v, &why);
	assert_int_equal(v, 0x0A);
	assert_int_equal(out(&r, VRESET_PORT_CF9, 1, 0xF1, &why), VRESET_DONE);
	vreset_io(&r, VRESET_PORT_CF9, 1, true, &v, &why);
	assert_int_equal(v, 0);
}

static void test_keyboard_controller(void **state)
{
	struct vreset r = {0};
	const char *why = NULL;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(out(&r, VRESET_PORT_KBC, 1, 0xFE, &why), VRESET_RESET);
	assert_string_equal(why, "keyboard controller reset (port 0x64)");
	why = NULL;
	/* There is no keyboard controller: anything else is the caller's. */
	assert_int_equal(out(&r, VRESET_PORT_KBC, 1, 0xFF, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, VRESET_PORT_KBC, 1, 0xD1, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, VRESET_PORT_KBC, 2, 0xFE, &why), VRESET_NOT_MINE);
	assert_int_equal(vreset_io(&r, VRESET_PORT_KBC, 1, true, &v, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, 0x60, 1, 0xFE, &why), VRESET_NOT_MINE);
	assert_null(why);
}

static void test_not_reset_ports(void **state)
{
	struct vreset r = {0};
	const char *why = NULL;
	uint32_t v = 0;

	(void)state;
	/* 0xcf8-0xcfb as a dword is the PCI configuration address. */
	assert_int_equal(out(&r, 0xCF8, 4, 0x80000000u | 0x04, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, VRESET_PORT_CF9, 2, 0x0606, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, VRESET_PORT_CF9, 4, 0x06, &why), VRESET_NOT_MINE);
	assert_int_equal(vreset_io(&r, VRESET_PORT_CF9, 2, true, &v, &why), VRESET_NOT_MINE);
	assert_int_equal(out(&r, 0xCFA, 1, 0x06, &why), VRESET_NOT_MINE);
	assert_null(why);
	/* Every byte value at 0xcf9: a reset exactly when bit 2 is set. */
	for (uint32_t b = 0; b < 256; b++) {
		enum vreset_io e = out(&r, VRESET_PORT_CF9, 1, b, &why);

		assert_int_equal(e, (b & 4) ? VRESET_RESET : VRESET_DONE);
	}
}

/* The code at the guest's reset vector: out 0xcf9 of the reset value, then
 * HLT for ever, within the 16 bytes below 1 MiB. */
static void test_reset_vector(void **state)
{
	static const uint8_t want[] = {0xBA, 0xF9, 0x0C, 0xB0, 0x06, 0xEE, 0xF4, 0xEB, 0xFD};

	(void)state;
	assert_int_equal(sizeof(vreset_vector), sizeof(want));
	assert_memory_equal(vreset_vector, want, sizeof(want));
	assert_true(VRESET_VECTOR_GPA + sizeof(vreset_vector) <= 0x100000);
	assert_int_equal(VRESET_VECTOR_GPA, 0xFFFF0); /* F000:FFF0 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_reset_register), cmocka_unit_test(test_cf9_sequence),
		cmocka_unit_test(test_keyboard_controller), cmocka_unit_test(test_not_reset_ports),
		cmocka_unit_test(test_reset_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
