// SPDX-License-Identifier: MIT
/*
 * Harness for hv/platform/vuart.c. Feeds: a sequence of guest port accesses
 * (read or write of any offset 0-15, any value) and host input bytes. Checks,
 * after every step, what the guest must always see of a 16550A: THRE and
 * TEMT set, IIR bits 5:4 clear, IIR's FIFO bits as FCR enabled them, at most
 * 16 bytes held (1 without the FIFO), LSR.DR set exactly when a byte is
 * held, rx_space 0 in loopback and never more than what is free; a byte
 * reaches the console only from a THR write outside loopback; out-of-range
 * offsets read 0xff; the interrupt hook is called exactly at each rising
 * edge of the line (IIR from "none" to a source).
 */
#include "hv/platform/vuart.h"
#include "fuzz.h"

static unsigned int txs, irqs;

static void irq(void *ctx)
{
	(void)ctx;
	irqs++;
}

static void tx(void *ctx, uint8_t c)
{
	(void)ctx;
	(void)c;
	txs++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct vuart u;

	vuart_init(&u, tx, NULL);
	vuart_irq_hook(&u, irq);
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in), val = fuzz_u8(&in);
		unsigned int off = op & 0xF, before = txs, irqs_before = irqs;
		bool line = vuart_irq_pending(&u);
		bool loop = u.mcr & VUART_MCR_LOOP, dlab = u.lcr & VUART_LCR_DLAB;

		switch (op >> 6) {
		case 0: {
			uint8_t r = vuart_read(&u, off);

			if (off >= VUART_PORTS)
				FUZZ_CHECK(r == 0xff);
			if (off == VUART_IIR)
				FUZZ_CHECK(!(r & 0x30));
			if (off == VUART_LSR)
				FUZZ_CHECK((r & (VUART_LSR_THRE | VUART_LSR_TEMT)) ==
					   (VUART_LSR_THRE | VUART_LSR_TEMT));
			break;
		}
		case 1:
		case 2:
			vuart_write(&u, off, val);
			FUZZ_CHECK(txs == before ||
				   (txs == before + 1 && off == VUART_THR && !dlab && !loop));
			break;
		default: {
			unsigned int space = vuart_rx_space(&u);
			bool took = vuart_rx_push(&u, val);

			FUZZ_CHECK(took == (space > 0));
			if (loop)
				FUZZ_CHECK(space == 0);
			break;
		}
		}
		FUZZ_CHECK(irqs - irqs_before == (!line && vuart_irq_pending(&u)));
		FUZZ_CHECK(u.line == vuart_irq_pending(&u));
		FUZZ_CHECK(u.rx_count <= VUART_FIFO_SIZE && u.rx_head < VUART_FIFO_SIZE);
		FUZZ_CHECK(vuart_rx_space(&u) <= VUART_FIFO_SIZE - u.rx_count);
		if (!(u.fcr & VUART_FCR_ENABLE))
			FUZZ_CHECK(u.rx_count <= 1);
		/* A look that changes nothing: IIR's FIFO bits and LSR.DR; LSR
		 * clears OE, so only when none is latched. */
		if (!u.lsr_err) {
			uint8_t lsr = vuart_read(&u, VUART_LSR);

			FUZZ_CHECK(!!(lsr & VUART_LSR_DR) == (u.rx_count > 0));
		}
	}
	return 0;
}
