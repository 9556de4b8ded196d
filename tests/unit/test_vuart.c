// SPDX-License-Identifier: MIT
/* The emulated 16550A: each register's semantics, then the register access
 * sequences of Linux 6.1's 8250 driver (autoconfig with and without the
 * 16550A-variant probes, start-up without an IRQ, the polling timer, console
 * writes) and of x86 earlyprintk, replayed against it, then hostile guests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/platform/vuart.h"

static struct vuart u;
static uint8_t sent[4096];
static size_t nsent;
/* The hostile tests allow tx only inside a THR write they expect to transmit. */
static bool tx_policed, tx_allowed;

static void tx_sink(void *ctx, uint8_t c)
{
	assert_ptr_equal(ctx, &nsent);
	if (tx_policed)
		assert_true(tx_allowed);
	assert_true(nsent < sizeof(sent));
	sent[nsent++] = c;
}

static int setup(void **state)
{
	(void)state;
	nsent = 0;
	tx_policed = false;
	tx_allowed = false;
	vuart_init(&u, tx_sink, &nsent);
	return 0;
}

static uint8_t in(unsigned int off)
{
	return vuart_read(&u, off);
}

static void out(unsigned int off, uint8_t val)
{
	vuart_write(&u, off, val);
}

/* ---- registers ------------------------------------------------------------ */

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_int_equal(in(VUART_IIR), 0x01);
	assert_int_equal(in(VUART_MSR), 0xb0);
	assert_int_equal(in(VUART_LCR), 0x03);
	assert_int_equal(in(VUART_IER), 0);
	assert_int_equal(in(VUART_MCR), 0);
	assert_int_equal(in(VUART_SCR), 0);
	out(VUART_LCR, 0x83);
	assert_int_equal(in(VUART_DLL), 1);
	assert_int_equal(in(VUART_DLM), 0);
	assert_int_equal(vuart_rx_space(&u), 1);
	assert_int_equal(nsent, 0);
}

static void test_dlab_switches_divisor(void **state)
{
	(void)state;
	out(VUART_IER, 0x05);
	out(VUART_LCR, 0x80);
	out(VUART_DLL, 0x0c);
	out(VUART_DLM, 0xab);
	assert_int_equal(nsent, 0); /* a DLL write is no THR write */
	assert_int_equal(in(VUART_DLL), 0x0c);
	assert_int_equal(in(VUART_DLM), 0xab);
	assert_true(vuart_rx_push(&u, 'x'));
	assert_int_equal(in(VUART_DLL), 0x0c); /* RBR is not popped under DLAB */
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, VUART_LSR_DR);
	/* LCR=0xBF (the EFR access mode) sets DLAB as well. */
	out(VUART_LCR, 0xbf);
	assert_int_equal(in(VUART_DLL), 0x0c);
	assert_int_equal(in(VUART_DLM), 0xab);
	out(VUART_LCR, 0x03);
	assert_int_equal(in(VUART_IER), 0x05); /* the DLM write left IER alone */
	assert_int_equal(in(VUART_RBR), 'x');
	out(VUART_THR, 'y');
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], 'y');
	out(VUART_LCR, 0x80);
	assert_int_equal(in(VUART_DLL), 0x0c); /* the THR write left DLL alone */
}

static void test_thr_transmits_at_once(void **state)
{
	static const char msg[] = "vfvisor \x00\xff\x80";

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++) {
		assert_int_equal(in(VUART_LSR)&0x60, 0x60);
		out(VUART_THR, (uint8_t)msg[i]);
		assert_int_equal(in(VUART_LSR)&0x60, 0x60);
	}
	assert_int_equal(nsent, sizeof(msg));
	assert_memory_equal(sent, msg, sizeof(msg));
	/* The whole byte goes out, whatever word length LCR selects. */
	out(VUART_LCR, 0x00);
	out(VUART_THR, 0xe5);
	assert_int_equal(sent[nsent - 1], 0xe5);
}

static void test_register_widths(void **state)
{
	(void)state;
	out(VUART_IER, 0xff);
	assert_int_equal(in(VUART_IER), 0x0f);
	out(VUART_IER, 0x40); /* the XScale UUE bit does not stick */
	assert_int_equal(in(VUART_IER), 0x00);
	out(VUART_MCR, 0xff);
	assert_int_equal(in(VUART_MCR), 0x1f);
	out(VUART_MCR, 0xe3);
	assert_int_equal(in(VUART_MCR), 0x03);
	out(VUART_LCR, 0x5a);
	assert_int_equal(in(VUART_LCR), 0x5a);
	for (unsigned int v = 0; v < 256; v++) {
		out(VUART_SCR, (uint8_t)v);
		assert_int_equal(in(VUART_SCR), v);
	}
}

static void test_lsr_msr_read_only(void **state)
{
	(void)state;
	out(VUART_LSR, 0x00);
	out(VUART_LSR, 0xff);
	assert_int_equal(in(VUART_LSR), 0x60);
	out(VUART_MSR, 0x00);
	out(VUART_MSR, 0x0f);
	assert_int_equal(in(VUART_MSR), 0xb0);
	assert_int_equal(in(VUART_IIR), 0x01);
}

static void test_bad_offset(void **state)
{
	(void)state;
	for (unsigned int off = 8; off < 300; off += 7) {
		out(off, 0x10);
		assert_int_equal(in(off), 0xff);
	}
	assert_int_equal(in(VUART_MCR), 0);
	assert_int_equal(nsent, 0);
}

/* ---- receiver --------------------------------------------------------------- */

static void test_rx_fifo(void **state)
{
	(void)state;
	out(VUART_FCR, 0x01);
	assert_int_equal(vuart_rx_space(&u), 16);
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, 0);
	for (int i = 0; i < 10; i++)
		assert_true(vuart_rx_push(&u, (uint8_t)('a' + i)));
	assert_int_equal(vuart_rx_space(&u), 6);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(in(VUART_LSR), 0x61);
		assert_int_equal(in(VUART_RBR), 'a' + i);
	}
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_int_equal(in(VUART_RBR), 0); /* empty: no stale byte */
	/* The ring wraps. */
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 11; i++)
			assert_true(vuart_rx_push(&u, (uint8_t)(round * 11 + i)));
		for (int i = 0; i < 11; i++)
			assert_int_equal(in(VUART_RBR), round * 11 + i);
	}
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_int_equal(in(VUART_RBR), 0); /* the slot's old byte stays hidden */
}

static void test_rx_overrun(void **state)
{
	(void)state;
	out(VUART_FCR, 0x01);
	for (int i = 0; i < 16; i++)
		assert_true(vuart_rx_push(&u, (uint8_t)i));
	assert_int_equal(vuart_rx_space(&u), 0);
	assert_int_equal(in(VUART_LSR), 0x61); /* full is no overrun */
	assert_false(vuart_rx_push(&u, 0xee));
	assert_false(vuart_rx_push(&u, 0xef));
	assert_int_equal(in(VUART_LSR), 0x63);
	assert_int_equal(in(VUART_LSR), 0x61); /* OE cleared by the read */
	for (int i = 0; i < 16; i++)
		assert_int_equal(in(VUART_RBR), i); /* what was held is intact */
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_true(vuart_rx_push(&u, 0x42));
	assert_int_equal(in(VUART_RBR), 0x42);
}

static void test_rx_16450_mode_holds_one(void **state)
{
	(void)state;
	assert_int_equal(vuart_rx_space(&u), 1);
	assert_true(vuart_rx_push(&u, 'a'));
	assert_int_equal(vuart_rx_space(&u), 0);
	assert_false(vuart_rx_push(&u, 'b'));
	assert_int_equal(in(VUART_LSR), 0x63);
	assert_int_equal(in(VUART_RBR), 'a');
	assert_int_equal(in(VUART_LSR), 0x60);
}

static void test_fcr_clears(void **state)
{
	(void)state;
	out(VUART_FCR, 0x01);
	for (int i = 0; i < 5; i++)
		vuart_rx_push(&u, (uint8_t)i);
	out(VUART_FCR, 0x01); /* no mode change, no clear bit: kept */
	out(VUART_FCR, 0x05); /* the TX clear leaves RX alone */
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, VUART_LSR_DR);
	assert_int_equal(in(VUART_RBR), 0);
	out(VUART_FCR, 0x03);
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, 0);
	assert_int_equal(vuart_rx_space(&u), 16);
	/* Leaving and entering FIFO mode empties the FIFO. */
	vuart_rx_push(&u, 1);
	out(VUART_FCR, 0x00);
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, 0);
	vuart_rx_push(&u, 2);
	out(VUART_FCR, 0x01);
	assert_int_equal(in(VUART_LSR)&VUART_LSR_DR, 0);
	/* A clear keeps a pending OE: LSR reports it until read. */
	out(VUART_FCR, 0x00);
	vuart_rx_push(&u, 3);
	vuart_rx_push(&u, 4);
	out(VUART_FCR, 0x01);
	assert_int_equal(in(VUART_LSR), 0x62);
}

/* ---- interrupt identification ----------------------------------------------- */

static void test_iir_fifo_bits(void **state)
{
	(void)state;
	assert_int_equal(in(VUART_IIR), 0x01);
	out(VUART_FCR, 0x01);
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_FCR, 0xc7);
	assert_int_equal(in(VUART_IIR), 0xc1);
	/* The 16750's 64-byte bit (FCR bit 5) never shows as IIR bit 5, with
	 * or without DLAB. */
	out(VUART_FCR, 0x21);
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_LCR, 0x80);
	out(VUART_FCR, 0x21);
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_LCR, 0xbf); /* no EFR behind offset 2 */
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_FCR, 0x00); /* an "EFR" write is an FCR write */
	assert_int_equal(in(VUART_IIR), 0x01);
	out(VUART_LCR, 0x03);
	assert_int_equal(in(VUART_IIR), 0x01);
}

static void test_iir_priority(void **state)
{
	(void)state;
	/* Every source at once: modem deltas (into loopback and out: CTS,
	 * DSR and DCD drop and come back), THR empty, RX data, an overrun. */
	out(VUART_FCR, 0x01);
	out(VUART_IER, 0x0f);
	out(VUART_MCR, VUART_MCR_LOOP);
	out(VUART_MCR, 0);
	out(VUART_THR, 'a');
	for (int i = 0; i < 16; i++)
		assert_true(vuart_rx_push(&u, 'b'));
	assert_false(vuart_rx_push(&u, 'c'));

	assert_int_equal(in(VUART_IIR), 0xc6); /* line status first */
	assert_int_equal(in(VUART_IIR), 0xc6); /* an IIR read leaves it */
	assert_int_equal(in(VUART_LSR), 0x63);
	assert_int_equal(in(VUART_IIR), 0xc4); /* then RX data */
	for (int i = 0; i < 16; i++)
		in(VUART_RBR);
	assert_int_equal(in(VUART_IIR), 0xc2); /* then THR empty */
	assert_int_equal(in(VUART_IIR), 0xc0); /* the read cleared it: modem */
	assert_int_equal(in(VUART_MSR)&0x0f, VUART_MSR_DCTS | VUART_MSR_DDSR | VUART_MSR_DDCD);
	assert_int_equal(in(VUART_IIR), 0xc1);
}

static void test_iir_only_enabled_sources(void **state)
{
	(void)state;
	out(VUART_MCR, VUART_MCR_LOOP);
	out(VUART_THR, 1);
	out(VUART_THR, 2); /* 16450 mode: overrun */
	assert_int_equal(in(VUART_IIR), 0x01);
	out(VUART_IER, VUART_IER_MSI);
	assert_int_equal(in(VUART_IIR), 0x00); /* 16450 mode: bits 7:6 clear */
	out(VUART_IER, VUART_IER_THRI);
	assert_int_equal(in(VUART_IIR), 0x02);
	out(VUART_IER, VUART_IER_RDI);
	assert_int_equal(in(VUART_IIR), 0x04);
	out(VUART_IER, VUART_IER_RLSI);
	assert_int_equal(in(VUART_IIR), 0x06);
	in(VUART_LSR);
	assert_int_equal(in(VUART_IIR), 0x01);
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	out(VUART_FCR, 0x01);
	out(VUART_IER, VUART_IER_THRI);
	assert_int_equal(in(VUART_IIR), 0xc2);
	assert_int_equal(in(VUART_IIR), 0xc1); /* cleared by the read */
	assert_int_equal(in(VUART_LSR), 0x60); /* yet THR is still empty */
	out(VUART_THR, 'a');
	assert_int_equal(in(VUART_IIR), 0xc2); /* a THR write re-arms it */
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_IER, VUART_IER_THRI); /* ETBEI already on: no new edge */
	assert_int_equal(in(VUART_IIR), 0xc1);
	out(VUART_IER, 0);
	out(VUART_IER, VUART_IER_THRI | VUART_IER_RDI); /* ETBEI turned on */
	assert_int_equal(in(VUART_IIR), 0xc2);
	/* A read reporting something else leaves THRE pending. */
	out(VUART_THR, 'b');
	vuart_rx_push(&u, 'x');
	assert_int_equal(in(VUART_IIR), 0xc4);
	assert_int_equal(in(VUART_RBR), 'x');
	assert_int_equal(in(VUART_IIR), 0xc2);
	assert_int_equal(in(VUART_IIR), 0xc1);
	/* With ETBEI off, a THR write raises nothing. */
	out(VUART_IER, 0);
	out(VUART_THR, 'c');
	assert_int_equal(in(VUART_IIR), 0xc1);
	assert_int_equal(nsent, 3);
}

static void test_rx_trigger_levels(void **state)
{
	static const struct {
		uint8_t fcr, level;
	} t[] = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xc1, 14}};

	(void)state;
	out(VUART_IER, VUART_IER_RDI);
	vuart_rx_push(&u, 0);
	assert_int_equal(in(VUART_IIR), 0x04); /* 16450 mode: no timeout */
	for (size_t k = 0; k < 4; k++) {
		out(VUART_FCR, t[k].fcr | VUART_FCR_CLEAR_RX);
		for (unsigned int n = 1; n <= 16; n++) {
			vuart_rx_push(&u, (uint8_t)n);
			assert_int_equal(in(VUART_IIR), n < t[k].level ? 0xcc : 0xc4);
		}
	}
	/* Clearing the FIFO withdraws the interrupt. */
	out(VUART_FCR, 0x03);
	assert_int_equal(in(VUART_IIR), 0xc1);
}

/* ---- loopback and modem status ------------------------------------------------ */

static void test_loopback(void **state)
{
	(void)state;
	out(VUART_FCR, 0x01);
	out(VUART_MCR, VUART_MCR_LOOP);
	for (int i = 0; i < 20; i++)
		out(VUART_THR, (uint8_t)(0x30 + i));
	assert_int_equal(nsent, 0);
	assert_int_equal(vuart_rx_space(&u), 0);
	assert_false(vuart_rx_push(&u, 'h'));
	assert_int_equal(in(VUART_LSR), 0x63); /* bytes 17-20 overran */
	for (int i = 0; i < 16; i++)
		assert_int_equal(in(VUART_RBR), 0x30 + i);
	assert_int_equal(in(VUART_LSR), 0x60);
	/* The host's input is disconnected: refused, and no OE. */
	assert_false(vuart_rx_push(&u, 'h'));
	assert_int_equal(in(VUART_LSR), 0x60);
	out(VUART_MCR, 0);
	out(VUART_THR, 'o');
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], 'o');
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_true(vuart_rx_push(&u, 'h'));
	assert_int_equal(in(VUART_RBR), 'h');
}

static void test_msr_loopback_mapping(void **state)
{
	static const struct {
		uint8_t mcr, msr;
	} map[] = {
		{VUART_MCR_RTS, VUART_MSR_CTS},
		{VUART_MCR_DTR, VUART_MSR_DSR},
		{VUART_MCR_OUT1, VUART_MSR_RI},
		{VUART_MCR_OUT2, VUART_MSR_DCD},
	};

	(void)state;
	for (unsigned int m = 0; m < 16; m++) {
		uint8_t want = 0;

		for (size_t k = 0; k < 4; k++)
			if (m & map[k].mcr)
				want |= map[k].msr;
		out(VUART_MCR, (uint8_t)(VUART_MCR_LOOP | m));
		assert_int_equal(in(VUART_MSR)&0xf0, want);
	}
}

static void test_msr_deltas(void **state)
{
	(void)state;
	out(VUART_MCR, 0x0f); /* outside loopback the outputs change nothing */
	assert_int_equal(in(VUART_MSR), 0xb0);
	out(VUART_MCR, 0x00);
	assert_int_equal(in(VUART_MSR), 0xb0);
	/* Into loopback with every output on: only RI changes (0 -> 1: no
	 * TERI, which reports the trailing edge). */
	out(VUART_MCR, VUART_MCR_LOOP | 0x0f);
	assert_int_equal(in(VUART_MSR), 0xf0);
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_DTR | VUART_MCR_OUT2);
	assert_int_equal(in(VUART_MSR), 0xa0 | VUART_MSR_DCTS | VUART_MSR_TERI);
	assert_int_equal(in(VUART_MSR), 0xa0); /* deltas cleared by the read */
	out(VUART_MCR, VUART_MCR_LOOP);
	assert_int_equal(in(VUART_MSR), VUART_MSR_DDSR | VUART_MSR_DDCD);
	/* Deltas accumulate until read; a change and back still shows. */
	out(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_RTS);
	out(VUART_MCR, VUART_MCR_LOOP);
	assert_int_equal(in(VUART_MSR), VUART_MSR_DCTS);
	/* Leaving loopback: CTS, DSR and DCD come back. */
	out(VUART_MCR, 0);
	assert_int_equal(in(VUART_MSR), 0xb0 | VUART_MSR_DCTS | VUART_MSR_DDSR | VUART_MSR_DDCD);
	assert_int_equal(in(VUART_MSR), 0xb0);
}

static void test_null_sink(void **state)
{
	(void)state;
	vuart_init(&u, NULL, NULL);
	out(VUART_IER, VUART_IER_THRI);
	in(VUART_IIR);
	out(VUART_THR, 'a');
	assert_int_equal(in(VUART_LSR), 0x60);
	assert_int_equal(in(VUART_IIR), 0x02);
}

/* ---- Linux 6.1 drivers/tty/serial/8250/8250_port.c, replayed ------------------ */

enum lx_type {
	LX_UNKNOWN,
	LX_8250,
	LX_16450,
	LX_16550,
	LX_16550A,
	LX_16650,
	LX_EFR, /* an EFR found: 16650V2/16654/16850/16C950, not told apart here */
	LX_FSL64,
	LX_NS16550A,
	LX_16750,
	LX_XSCALE,
	LX_U6_16550A,
};

struct lx_probe {
	bool present;
	enum lx_type type;
	unsigned int fifo_size; /* the driver's uart_config[type].fifo_size */
};

/* size_fifo(): loop back 256 bytes at divisor 1 and count what came back. */
static unsigned int lx_size_fifo(void)
{
	uint8_t old_lcr, old_fcr, old_mcr, dll, dlm;
	unsigned int n;

	old_lcr = in(VUART_LCR);
	out(VUART_LCR, 0);
	old_fcr = in(VUART_IIR); /* "FCR" read: really IIR */
	old_mcr = in(VUART_MCR);
	out(VUART_FCR, 0x07);
	out(VUART_MCR, VUART_MCR_LOOP);
	out(VUART_LCR, 0x80);
	dll = in(VUART_DLL);
	dlm = in(VUART_DLM);
	out(VUART_DLL, 1);
	out(VUART_DLM, 0);
	out(VUART_LCR, 0x03);
	for (n = 0; n < 256; n++)
		out(VUART_THR, (uint8_t)n);
	for (n = 0; (in(VUART_LSR)&VUART_LSR_DR) && n < 256; n++)
		in(VUART_RBR);
	out(VUART_FCR, old_fcr);
	out(VUART_MCR, old_mcr);
	out(VUART_LCR, 0x80);
	out(VUART_DLL, dll);
	out(VUART_DLM, dlm);
	out(VUART_LCR, old_lcr);
	return n;
}

/* autoconfig_16550a(): the 16550A-variant probes, run only with
 * CONFIG_SERIAL_8250_16550A_VARIANTS (default n on x86) or UPF_FULL_PROBE. */
static enum lx_type lx_16550a_variants(void)
{
	uint8_t s1, s2, ier;

	/* EFR under LCR=0x80: only a ST16C650V1 has it there. */
	out(VUART_LCR, 0x80);
	if (in(VUART_FCR) == 0) {
		enum lx_type t = LX_16650;

		out(VUART_FCR, 0xa8);
		if (in(VUART_FCR) == 0) {
			out(VUART_LCR, 0);
			out(VUART_FCR, 0x21);
			s1 = in(VUART_IIR) >> 5;
			out(VUART_FCR, 0);
			out(VUART_LCR, 0);
			t = s1 == 7 ? LX_FSL64 : LX_16550A;
		}
		out(VUART_FCR, 0); /* EFR = 0 */
		return t;
	}
	/* EFR under LCR=0xBF: an EFR reads 0 here, a 16550A's IIR does not. */
	out(VUART_LCR, 0xbf);
	if (in(VUART_FCR) == 0)
		return LX_EFR; /* unless broken_efr(), which needs ID 0x0201 */
	/* National SuperIO: bank 2's EXCR1 (offset 2 under LCR=0xE0) would
	 * mirror MCR's LOOP bit. */
	out(VUART_LCR, 0);
	s1 = in(VUART_MCR);
	out(VUART_LCR, 0xe0);
	s2 = in(VUART_IIR);
	if (!((s2 ^ s1) & VUART_MCR_LOOP)) {
		out(VUART_LCR, 0);
		out(VUART_MCR, s1 ^ VUART_MCR_LOOP);
		out(VUART_LCR, 0xe0);
		s2 = in(VUART_IIR);
		out(VUART_LCR, 0);
		out(VUART_MCR, s1);
		if ((s2 ^ s1) & VUART_MCR_LOOP)
			return LX_NS16550A;
	}
	/* TI16750: IIR bit 5 follows FCR bit 5 only under DLAB. */
	out(VUART_LCR, 0);
	out(VUART_FCR, 0x21);
	s1 = in(VUART_IIR) >> 5;
	out(VUART_FCR, 0x01);
	out(VUART_LCR, 0x80);
	out(VUART_FCR, 0x21);
	s2 = in(VUART_IIR) >> 5;
	out(VUART_FCR, 0x01);
	out(VUART_LCR, 0);
	if (s1 == 6 && s2 == 7)
		return LX_16750;
	/* XScale: IER bit 6 (UUE) sticks. */
	ier = in(VUART_IER);
	out(VUART_IER, ier & ~0x40);
	if (!(in(VUART_IER)&0x40)) {
		out(VUART_IER, ier | 0x40);
		if (in(VUART_IER)&0x40)
			return LX_XSCALE;
	}
	out(VUART_IER, ier);
	/* U6_16550A: a 64-byte FIFO. */
	if (lx_size_fifo() == 64)
		return LX_U6_16550A;
	return LX_16550A;
}

static unsigned int lx_fifo_size(enum lx_type t)
{
	switch (t) {
	case LX_16550A:
	case LX_NS16550A:
		return 16;
	case LX_FSL64:
	case LX_16750:
	case LX_U6_16550A:
		return 64;
	case LX_XSCALE:
		return 32;
	default:
		return 1;
	}
}

/* autoconfig() for an I/O port without UPF_BUGGY_UART. */
static struct lx_probe lx_autoconfig(bool skip_test, bool variants)
{
	struct lx_probe p = {.type = LX_UNKNOWN};
	uint8_t ier, s2, s3, save_mcr, save_lcr, iir;

	/* IER: 0 and 0x0F must read back. */
	ier = in(VUART_IER);
	out(VUART_IER, 0);
	s2 = in(VUART_IER)&0x0f;
	out(VUART_IER, 0x0f);
	s3 = in(VUART_IER)&0x0f;
	out(VUART_IER, ier);
	if (s2 != 0 || s3 != 0x0f)
		return p;
	save_mcr = in(VUART_MCR);
	save_lcr = in(VUART_LCR);
	/* Loopback with RTS and OUT2 on: MSR must show CTS and DCD only. */
	if (!skip_test) {
		uint8_t msr;

		out(VUART_MCR, VUART_MCR_LOOP | 0x0a);
		msr = in(VUART_MSR)&0xf0;
		out(VUART_MCR, save_mcr);
		if (msr != 0x90)
			return p;
	}
	p.present = true;
	/* Zero the EFR, if any (LCR=0xBF, offset 2), then look at IIR's
	 * FIFO bits with the FIFO on. */
	out(VUART_LCR, 0xbf);
	out(VUART_FCR, 0);
	out(VUART_LCR, 0);
	out(VUART_FCR, VUART_FCR_ENABLE);
	iir = in(VUART_IIR);
	switch (iir >> 6) {
	case 0: {
		uint8_t scr = in(VUART_SCR), a, b;

		out(VUART_SCR, 0xa5);
		a = in(VUART_SCR);
		out(VUART_SCR, 0x5a);
		b = in(VUART_SCR);
		out(VUART_SCR, scr);
		p.type = a == 0xa5 && b == 0x5a ? LX_16450 : LX_8250;
		break;
	}
	case 1:
		p.type = LX_UNKNOWN;
		break;
	case 2:
		p.type = LX_16550;
		break;
	case 3:
		p.type = variants ? lx_16550a_variants() : LX_16550A;
		break;
	}
	out(VUART_LCR, save_lcr);
	p.fifo_size = lx_fifo_size(p.type);
	if (p.type == LX_UNKNOWN)
		return p;
	/* Reset: MCR back, FIFOs cleared and off, RBR read, IER cleared. */
	out(VUART_MCR, save_mcr);
	if (p.type != LX_8250 && p.type != LX_16450 && p.type != LX_16550) {
		out(VUART_FCR, 0x01);
		out(VUART_FCR, 0x07);
		out(VUART_FCR, 0x00);
	}
	in(VUART_RBR);
	out(VUART_IER, 0);
	return p;
}

static void assert_autoconfig_16550a(bool skip_test, bool variants)
{
	struct lx_probe p;

	/* A guest earlier in boot may have left anything behind. */
	out(VUART_IER, 0x0d);
	out(VUART_MCR, VUART_MCR_DTR | VUART_MCR_RTS);
	out(VUART_FCR, 0x81);
	vuart_rx_push(&u, 'q');
	p = lx_autoconfig(skip_test, variants);
	assert_true(p.present);
	assert_int_equal(p.type, LX_16550A);
	assert_int_equal(p.fifo_size, 16);
	assert_int_equal(nsent, 0); /* nothing of the probe reached the line */
	assert_int_equal(in(VUART_LCR), 0x03);
	assert_int_equal(in(VUART_MCR), VUART_MCR_DTR | VUART_MCR_RTS);
	assert_int_equal(in(VUART_IER), 0);
	assert_int_equal(in(VUART_IIR), 0x01); /* FIFOs left off */
	out(VUART_LCR, 0x83);
	assert_int_equal(in(VUART_DLL), 1); /* size_fifo put the divisor back */
	assert_int_equal(in(VUART_DLM), 0);
	out(VUART_LCR, 0x03);
}

static void test_linux_autoconfig(void **state)
{
	(void)state;
	assert_autoconfig_16550a(false, false);
}

static void test_linux_autoconfig_variants(void **state)
{
	(void)state;
	assert_autoconfig_16550a(false, true);
	/* The FIFO really holds 16, as size_fifo() counts it. */
	assert_int_equal(lx_size_fifo(), 16);
	assert_int_equal(nsent, 0);
}

static void test_linux_autoconfig_skip_test(void **state)
{
	(void)state;
	/* 8250_pnp sets UPF_SKIP_TEST; the outcome must be the same. */
	assert_autoconfig_16550a(true, true);
}

/* The driver's state for one port without IRQ, as the poll timer sees it. */
struct lx_port {
	uint8_t ier;
	const char *xmit; /* what remains to be sent */
	char rx[256];
	size_t nrx;
	unsigned int polls_with_work;
};

/* serial8250_do_startup() with port->irq == 0, then set_termios() for 115200
 * 8N1 without CLOCAL (so MSI is on) and the DTR/RTS raise of an open. */
static void lx_startup(struct lx_port *p)
{
	uint8_t lsr, iir;

	memset(p, 0, sizeof(*p));
	out(VUART_FCR, 0x01);
	out(VUART_FCR, 0x07);
	out(VUART_FCR, 0x00);
	in(VUART_LSR);
	in(VUART_RBR);
	in(VUART_IIR);
	in(VUART_MSR);
	assert_int_not_equal(in(VUART_LSR), 0xff); /* the "LSR safety check" */
	/* No IRQ: no THRE test, a timer instead. */
	out(VUART_LCR, 0x03);
	out(VUART_MCR, 0);
	/* TXEN test: enabling ETBEI must show THRE in IIR, else the driver
	 * assumes a UART that does not flag an empty THR (UART_BUG_TXEN). */
	out(VUART_IER, VUART_IER_THRI);
	lsr = in(VUART_LSR);
	iir = in(VUART_IIR);
	out(VUART_IER, 0);
	assert_false((lsr & VUART_LSR_TEMT) && (iir & VUART_IIR_NO_INT));
	in(VUART_LSR);
	in(VUART_RBR);
	in(VUART_IIR);
	in(VUART_MSR);
	/* set_termios */
	p->ier = VUART_IER_RLSI | VUART_IER_RDI | VUART_IER_MSI;
	out(VUART_IER, p->ier);
	out(VUART_LCR, 0x83);
	out(VUART_DLL, 1);
	out(VUART_DLM, 0);
	out(VUART_LCR, 0x03);
	out(VUART_FCR, 0x01);
	out(VUART_FCR, 0x81);
	out(VUART_MCR, VUART_MCR_DTR | VUART_MCR_RTS);
	/* tty_port_block_til_ready() waits for carrier without CLOCAL. */
	assert_true(in(VUART_MSR)&VUART_MSR_DCD);
}

/* serial8250_start_tx(): turn ETBEI on; the timer does the rest. */
static void lx_start_tx(struct lx_port *p, const char *s)
{
	p->xmit = s;
	if (!(p->ier & VUART_IER_THRI)) {
		p->ier |= VUART_IER_THRI;
		out(VUART_IER, p->ier);
	}
}

/* serial8250_timeout() -> serial8250_default_handle_irq(). */
static void lx_poll(struct lx_port *p)
{
	uint8_t iir = in(VUART_IIR), lsr;

	if (iir & VUART_IIR_NO_INT)
		return;
	p->polls_with_work++;
	lsr = in(VUART_LSR);
	if (lsr & (VUART_LSR_DR | 0x10)) {
		int max = 256;

		do {
			assert_true(p->nrx < sizeof(p->rx));
			p->rx[p->nrx++] = (char)in(VUART_RBR);
			if (--max == 0)
				break;
			lsr = in(VUART_LSR);
		} while (lsr & (VUART_LSR_DR | 0x10));
	}
	in(VUART_MSR);
	if ((lsr & VUART_LSR_THRE) && (p->ier & VUART_IER_THRI)) {
		for (int count = 16; count > 0 && p->xmit && *p->xmit; count--)
			out(VUART_THR, (uint8_t)*p->xmit++);
		if (!p->xmit || !*p->xmit) {
			p->ier &= ~VUART_IER_THRI;
			out(VUART_IER, p->ier);
		}
	}
}

static void test_linux_polling_tty(void **state)
{
	static const char login[] = "Debian GNU/Linux 12 vfvisor ttyS0\r\n\r\nvfvisor login: ";
	struct lx_port p;
	int polls;

	(void)state;
	lx_startup(&p);
	for (polls = 0; polls < 10; polls++)
		lx_poll(&p);
	assert_int_equal(p.polls_with_work, 0); /* idle: IIR says nothing */

	lx_start_tx(&p, login);
	for (polls = 0; polls < 100 && *p.xmit; polls++)
		lx_poll(&p);
	lx_poll(&p);
	assert_int_equal(nsent, strlen(login));
	assert_memory_equal(sent, login, strlen(login));
	assert_int_equal(p.ier & VUART_IER_THRI, 0);
	assert_true(polls <= 4); /* 16 bytes a poll */
	assert_int_equal(in(VUART_IIR), 0xc1);

	/* Input: a typed line, a burst that overruns, and both ways at once. */
	for (const char *c = "root\r"; *c; c++)
		assert_true(vuart_rx_push(&u, (uint8_t)*c));
	lx_poll(&p);
	assert_int_equal(p.nrx, 5);
	assert_memory_equal(p.rx, "root\r", 5);
	p.nrx = 0;
	for (int i = 0; i < 40; i++)
		vuart_rx_push(&u, (uint8_t)('A' + i % 26));
	lx_start_tx(&p, "Password: ");
	lx_poll(&p);
	assert_int_equal(p.nrx, 16);
	assert_memory_equal(p.rx, "ABCDEFGHIJKLMNOP", 16);
	lx_poll(&p);
	assert_int_equal(nsent, strlen(login) + 10);
	assert_memory_equal(sent + strlen(login), "Password: ", 10);
	lx_poll(&p);
	assert_int_equal(in(VUART_IIR), 0xc1);
	assert_int_equal(p.ier, VUART_IER_RLSI | VUART_IER_RDI | VUART_IER_MSI);
}

/* wait_for_lsr(): poll LSR until @bits are set, up to 10000 times. */
static unsigned int lx_wait_lsr(uint8_t bits)
{
	unsigned int tries = 0;

	while ((in(VUART_LSR)&bits) != bits && ++tries < 10000)
		;
	return tries;
}

/* serial8250_console_write() without the FIFO path: each byte after
 * LSR.THRE, LF as CRLF, then both empty, then IER restored. */
static void lx_console_write(const char *s, unsigned int *waits)
{
	uint8_t ier = in(VUART_IER);

	out(VUART_IER, 0);
	for (; *s; s++) {
		if (*s == '\n') {
			*waits += lx_wait_lsr(VUART_LSR_THRE);
			out(VUART_THR, '\r');
		}
		*waits += lx_wait_lsr(VUART_LSR_THRE);
		out(VUART_THR, (uint8_t)*s);
	}
	*waits += lx_wait_lsr(VUART_LSR_THRE | VUART_LSR_TEMT);
	out(VUART_IER, ier);
}

/* serial8250_console_fifo_write(): tx_loadsz (16) bytes per LSR.THRE. */
static void lx_console_fifo_write(const char *s, unsigned int *waits)
{
	uint8_t ier = in(VUART_IER);

	out(VUART_IER, 0);
	while (*s) {
		*waits += lx_wait_lsr(VUART_LSR_THRE);
		for (int i = 0; i < 16 && *s; i++)
			out(VUART_THR, (uint8_t)*s++);
	}
	*waits += lx_wait_lsr(VUART_LSR_THRE | VUART_LSR_TEMT);
	out(VUART_IER, ier);
}

static void test_linux_console_write(void **state)
{
	static const char fifo_msg[] =
		"[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel)";
	unsigned int waits = 0;
	struct lx_port p;

	(void)state;
	lx_console_write("Run /init as init process\n", &waits);
	assert_int_equal(waits, 0); /* never a busy THR */
	assert_int_equal(nsent, 27);
	assert_memory_equal(sent, "Run /init as init process\r\n", 27);
	assert_int_equal(in(VUART_IER), 0);

	/* Console output while the tty is open and polled: IER comes back
	 * with ETBEI and the pending tty output carries on. */
	lx_startup(&p);
	nsent = 0;
	lx_start_tx(&p, "tty");
	lx_console_fifo_write(fifo_msg, &waits);
	assert_int_equal(waits, 0);
	assert_int_equal(in(VUART_IER), p.ier);
	lx_poll(&p);
	assert_int_equal(nsent, strlen(fifo_msg) + 3);
	assert_memory_equal(sent, fifo_msg, strlen(fifo_msg));
	assert_memory_equal(sent + strlen(fifo_msg), "tty", 3);
}

/* x86 earlyprintk=serial: early_serial_hw_init() at 9600 and putc. */
static void test_x86_earlyprintk(void **state)
{
	static const char msg[] = "early console in setup code";
	unsigned int waits = 0;
	uint8_t c;

	(void)state;
	out(VUART_LCR, 0x03);
	out(VUART_IER, 0);
	out(VUART_FCR, 0);
	out(VUART_MCR, 0x03);
	c = in(VUART_LCR);
	out(VUART_LCR, c | 0x80);
	out(VUART_DLL, 12);
	out(VUART_DLM, 0);
	out(VUART_LCR, c & ~0x80);
	for (const char *s = msg; *s; s++) {
		waits += lx_wait_lsr(VUART_LSR_THRE);
		out(VUART_THR, (uint8_t)*s);
	}
	assert_int_equal(waits, 0);
	assert_int_equal(nsent, strlen(msg));
	assert_memory_equal(sent, msg, strlen(msg));
	/* probe_baud(): 115200 / divisor. */
	out(VUART_LCR, 0x83);
	assert_int_equal(115200 / (in(VUART_DLL) | in(VUART_DLM) << 8), 9600);
}

/* ---- hostile guests -------------------------------------------------------------- */

static void assert_invariants(void)
{
	uint8_t lcr = in(VUART_LCR), iir, lsr;

	assert_true(u.rx_count <= VUART_FIFO_SIZE);
	assert_true(u.rx_head < VUART_FIFO_SIZE);
	assert_true(vuart_rx_space(&u) <= VUART_FIFO_SIZE);
	iir = in(VUART_IIR);
	assert_int_equal(iir & 0x30, 0);
	assert_true((iir & 0xc0) == 0 || (iir & 0xc0) == 0xc0);
	switch (iir & 0x0f) {
	case 0x00:
	case 0x01:
	case 0x02:
	case 0x04:
	case 0x06:
	case 0x0c:
		break;
	default:
		fail_msg("IIR %#x", iir);
	}
	lsr = in(VUART_LSR);
	assert_int_equal(lsr & 0x60, 0x60);
	assert_int_equal(lsr & 0x9c, 0); /* no parity/framing/break errors */
	assert_int_equal(in(VUART_MCR)&0xe0, 0);
	assert_int_equal(in(VUART_LCR), lcr);
	out(VUART_LCR, lcr & ~VUART_LCR_DLAB);
	assert_int_equal(in(VUART_IER)&0xf0, 0);
	out(VUART_LCR, lcr);
}

/* A write as the guest would do it, with tx allowed only for a THR write. */
static void guest_out(unsigned int off, uint8_t val)
{
	uint8_t lcr = in(VUART_LCR), mcr = in(VUART_MCR);
	size_t before = nsent;
	bool thr = off == VUART_THR && !(lcr & VUART_LCR_DLAB) && !(mcr & VUART_MCR_LOOP);

	tx_allowed = thr;
	out(off, val);
	tx_allowed = false;
	assert_int_equal(nsent, before + (thr ? 1 : 0));
	if (thr)
		assert_int_equal(sent[nsent - 1], val);
	if (nsent > sizeof(sent) / 2)
		nsent = 0;
}

/* ---- the interrupt line ---------------------------------------------------- */

static unsigned int irqs;

static void irq_count(void *ctx)
{
	assert_ptr_equal(ctx, &nsent);
	irqs++;
}

/* Each rising edge of INTR calls the hook once; a line that stays high or
 * falls calls nothing. */
static void test_irq_edges(void **state)
{
	(void)state;
	irqs = 0;
	vuart_irq_hook(&u, irq_count);
	/* Nothing enabled: input and output raise nothing. */
	vuart_rx_push(&u, 'a');
	out(VUART_THR, 'b');
	assert_int_equal(irqs, 0);
	assert_false(vuart_irq_pending(&u));
	/* Enabling RX data with a byte waiting raises the line. */
	out(VUART_IER, VUART_IER_RDI);
	assert_int_equal(irqs, 1);
	assert_true(vuart_irq_pending(&u));
	vuart_rx_push(&u, 'c'); /* still high: no new edge */
	assert_int_equal(irqs, 1);
	in(VUART_RBR);
	in(VUART_RBR); /* empty: the line falls */
	assert_false(vuart_irq_pending(&u));
	vuart_rx_push(&u, 'd');
	assert_int_equal(irqs, 2);
	in(VUART_RBR);
	/* THR empty: turning ETBEI on raises it, the IIR read that reports it
	 * lowers it, the next THR write raises it again. */
	out(VUART_IER, VUART_IER_RDI | VUART_IER_THRI);
	assert_int_equal(irqs, 3);
	assert_int_equal(in(VUART_IIR), VUART_IIR_THRI);
	assert_false(vuart_irq_pending(&u));
	out(VUART_THR, 'e');
	assert_int_equal(irqs, 4);
	out(VUART_IER, 0);
	assert_false(vuart_irq_pending(&u));
	/* An overrun is a line status interrupt even though the byte is lost. */
	out(VUART_IER, VUART_IER_RLSI);
	for (int i = 0; i < 2; i++)
		vuart_rx_push(&u, 'f');
	assert_int_equal(irqs, 5);
	assert_int_equal(in(VUART_IIR), VUART_IIR_RLSI);
	assert_int_equal(in(VUART_LSR)&VUART_LSR_OE, VUART_LSR_OE);
	/* No hook: nothing called, the line still followed. */
	vuart_irq_hook(&u, NULL);
	out(VUART_IER, VUART_IER_THRI);
	assert_int_equal(irqs, 5);
	/* A hook set while the line is high is not called for it. */
	vuart_irq_hook(&u, irq_count);
	assert_int_equal(irqs, 5);
	in(VUART_IIR);
	out(VUART_THR, 'g');
	assert_int_equal(irqs, 6);
	/* vuart_init clears the hook. */
	vuart_init(&u, tx_sink, &nsent);
	out(VUART_IER, VUART_IER_THRI);
	assert_int_equal(irqs, 6);
}

/* Linux 6.1's start-up of a port with an IRQ (serial8250_do_startup: the
 * THRE re-assert test, then the TXEN test), its transmit of a line through
 * the THRE interrupt and its receive: each interrupt it waits for comes, so
 * it sets neither UART_BUG_THRE (the backup timer, i.e. polling) nor
 * UART_BUG_TXEN. */
static void test_irq_linux_port(void **state)
{
	uint8_t iir1, iir2, lsr;
	unsigned int before;

	(void)state;
	irqs = 0;
	vuart_irq_hook(&u, irq_count);
	out(VUART_FCR, 0x07); /* clear FIFOs */
	out(VUART_FCR, 0);
	in(VUART_LSR);
	in(VUART_RBR);
	in(VUART_IIR);
	in(VUART_MSR);
	out(VUART_LCR, 0x03);
	/* THRE test: IER=THRI, IIR, IER=0, IER=THRI, IIR, IER=0. */
	out(VUART_IER, VUART_IER_THRI);
	iir1 = in(VUART_IIR);
	out(VUART_IER, 0);
	out(VUART_IER, VUART_IER_THRI);
	iir2 = in(VUART_IIR);
	out(VUART_IER, 0);
	assert_false(iir1 & VUART_IIR_NO_INT);
	assert_false(iir2 & VUART_IIR_NO_INT); /* THRE re-asserted: no BUG_THRE */
	/* TXEN test: IER=THRI, LSR, IIR, IER=0. */
	out(VUART_MCR, VUART_MCR_OUT2 | VUART_MCR_DTR | VUART_MCR_RTS);
	out(VUART_IER, VUART_IER_THRI);
	lsr = in(VUART_LSR);
	iir1 = in(VUART_IIR);
	out(VUART_IER, 0);
	assert_true(lsr & VUART_LSR_TEMT);
	assert_false(iir1 & VUART_IIR_NO_INT); /* no BUG_TXEN */
	before = irqs;
	assert_true(before >= 3);
	/* Receive on: IER=RLSI|RDI. A byte typed: one interrupt, handled
	 * (IIR, LSR, RBR until DR clears, IIR again says none). */
	out(VUART_IER, VUART_IER_RLSI | VUART_IER_RDI);
	assert_int_equal(irqs, before);
	vuart_rx_push(&u, 'x');
	assert_int_equal(irqs, before + 1);
	assert_int_equal(in(VUART_IIR)&VUART_IIR_ID, VUART_IIR_RDI);
	while (in(VUART_LSR)&VUART_LSR_DR)
		in(VUART_RBR);
	assert_true(in(VUART_IIR)&VUART_IIR_NO_INT);
	/* Transmit: start_tx sets THRI (an interrupt), the handler reads IIR
	 * and fills the FIFO, stop_tx clears THRI when the buffer is empty. */
	nsent = 0;
	out(VUART_IER, VUART_IER_RLSI | VUART_IER_RDI | VUART_IER_THRI);
	assert_int_equal(irqs, before + 2);
	assert_int_equal(in(VUART_IIR)&VUART_IIR_ID, VUART_IIR_THRI);
	in(VUART_LSR);
	for (const char *p = "login: "; *p; p++)
		out(VUART_THR, (uint8_t)*p);
	out(VUART_IER, VUART_IER_RLSI | VUART_IER_RDI);
	assert_true(in(VUART_IIR)&VUART_IIR_NO_INT);
	assert_int_equal(nsent, 7);
	assert_int_equal(irqs, before + 3); /* the refill's edge: one at most */
}

static void test_hostile_every_write(void **state)
{
	(void)state;
	tx_policed = true;
	for (unsigned int mode = 0; mode < 16; mode++) {
		uint8_t lcr = mode & 1 ? 0x83 : 0x03;
		uint8_t mcr = mode & 2 ? VUART_MCR_LOOP | 0x0f : 0x03;
		uint8_t fcr = mode & 4 ? 0xc1 : 0x00;
		uint8_t ier = mode & 8 ? 0x0f : 0x00;

		for (unsigned int off = 0; off < 8; off++) {
			for (unsigned int val = 0; val < 256; val++) {
				guest_out(VUART_LCR, 0x03);
				guest_out(VUART_IER, ier);
				guest_out(VUART_FCR, fcr);
				guest_out(VUART_MCR, mcr);
				guest_out(VUART_LCR, lcr);
				if (val & 1)
					vuart_rx_push(&u, (uint8_t)val);
				guest_out(off, (uint8_t)val);
				for (unsigned int r = 0; r < 8; r++)
					in(r);
				assert_invariants();
			}
		}
	}
}

static void test_hostile_random(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	tx_policed = true;
	irqs = 0;
	vuart_irq_hook(&u, irq_count);
	for (int i = 0; i < 200000; i++) {
		bool before = vuart_irq_pending(&u);
		unsigned int off, n = irqs;
		uint8_t val;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = (unsigned int)(x >> 8) % 9; /* 8: the host pushes */
		val = (uint8_t)(x >> 32);
		if (off == 8) {
			unsigned int space = vuart_rx_space(&u);

			assert_int_equal(vuart_rx_push(&u, val), space > 0);
		} else if (x & 0x10000) {
			in(off);
		} else {
			guest_out(off, val);
		}
		/* A call exactly at each rising edge of the line. */
		assert_int_equal(irqs - n, !before && vuart_irq_pending(&u));
		if (!(i & 0xff))
			assert_invariants(); /* reads: may lower the line */
	}
	assert_true(irqs > 1000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, NULL)
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_dlab_switches_divisor),
		T(test_thr_transmits_at_once),
		T(test_register_widths),
		T(test_lsr_msr_read_only),
		T(test_bad_offset),
		T(test_rx_fifo),
		T(test_rx_overrun),
		T(test_rx_16450_mode_holds_one),
		T(test_fcr_clears),
		T(test_iir_fifo_bits),
		T(test_iir_priority),
		T(test_iir_only_enabled_sources),
		T(test_thre_interrupt),
		T(test_rx_trigger_levels),
		T(test_loopback),
		T(test_msr_loopback_mapping),
		T(test_msr_deltas),
		T(test_null_sink),
		T(test_linux_autoconfig),
		T(test_linux_autoconfig_variants),
		T(test_linux_autoconfig_skip_test),
		T(test_linux_polling_tty),
		T(test_linux_console_write),
		T(test_x86_earlyprintk),
		T(test_irq_edges),
		T(test_irq_linux_port),
		T(test_hostile_every_write),
		T(test_hostile_random),
	};
#undef T

	return cmocka_run_group_tests_name("vuart", tests, NULL, NULL);
}
