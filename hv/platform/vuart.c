// SPDX-License-Identifier: MIT
/* The emulated 16550A, after the NS PC16550D datasheet and what Linux's 8250
 * driver probes (drivers/tty/serial/8250/8250_port.c: autoconfig). */
#include "hv/platform/vuart.h"

#define IER_MASK 0x0f
#define MCR_MASK 0x1f
/* The line status conditions that raise the RLS interrupt; only OE occurs here. */
#define LSR_ERRORS 0x1e

static bool loopback(const struct vuart *u)
{
	return u->mcr & VUART_MCR_LOOP;
}

static bool fifo_on(const struct vuart *u)
{
	return u->fcr & VUART_FCR_ENABLE;
}

/* Without the FIFO (16450 mode) the receiver holds one byte. */
static unsigned int rx_depth(const struct vuart *u)
{
	return fifo_on(u) ? VUART_FIFO_SIZE : 1;
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* A byte completes reception. As in FIFO mode, a full receiver keeps what it
 * holds and loses the new byte; in 16450 mode the chip would lose the old one
 * instead, which no driver can tell apart. */
static bool rx_receive(struct vuart *u, uint8_t c)
{
	if (u->rx_count >= rx_depth(u)) {
		u->lsr_err |= VUART_LSR_OE;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = c;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_FIFO_SIZE;
	u->rx_count--;
	return c;
}

/* MSR bits 7:4: in loopback the modem outputs feed the modem inputs; else a
 * connected null-modem line, so that DCD-waiting opens and CTS flow go on. */
static uint8_t msr_lines(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!loopback(u))
		return VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD;
	return (m & VUART_MCR_RTS ? VUART_MSR_CTS : 0) | (m & VUART_MCR_DTR ? VUART_MSR_DSR : 0) |
	       (m & VUART_MCR_OUT1 ? VUART_MSR_RI : 0) | (m & VUART_MCR_OUT2 ? VUART_MSR_DCD : 0);
}

static void mcr_write(struct vuart *u, uint8_t val)
{
	uint8_t old = msr_lines(u), now, changed;

	u->mcr = val & MCR_MASK;
	now = msr_lines(u);
	changed = old ^ now;
	if (changed & VUART_MSR_CTS)
		u->msr_delta |= VUART_MSR_DCTS;
	if (changed & VUART_MSR_DSR)
		u->msr_delta |= VUART_MSR_DDSR;
	if (changed & VUART_MSR_DCD)
		u->msr_delta |= VUART_MSR_DDCD;
	/* RI reports only its trailing edge. */
	if ((old & VUART_MSR_RI) && !(now & VUART_MSR_RI))
		u->msr_delta |= VUART_MSR_TERI;
}

static void ier_write(struct vuart *u, uint8_t val)
{
	val &= IER_MASK;
	/* Turning ETBEI on while THR is empty (it always is) raises THRE again
	 * even after an IIR read cleared it; Linux's TXEN and THRE-bug tests
	 * at port start-up count on that. */
	if ((val & VUART_IER_THRI) && !(u->ier & VUART_IER_THRI))
		u->thre_pending = true;
	else if (!(val & VUART_IER_THRI))
		u->thre_pending = false;
	u->ier = val;
}

static void fcr_write(struct vuart *u, uint8_t val)
{
	bool enable = val & VUART_FCR_ENABLE;

	/* Switching between FIFO and 16450 mode empties the FIFOs. */
	if (enable != fifo_on(u))
		rx_clear(u);
	if (!enable) {
		/* The other bits are only programmed together with bit 0. */
		u->fcr &= ~VUART_FCR_ENABLE;
		return;
	}
	/* Clearing the TX FIFO (bit 2) is moot: transmission is instant. */
	if (val & VUART_FCR_CLEAR_RX)
		rx_clear(u);
	u->fcr = val & (VUART_FCR_ENABLE | VUART_FCR_TRIGGER);
}

static void thr_write(struct vuart *u, uint8_t c)
{
	if (loopback(u))
		rx_receive(u, c);
	else if (u->tx)
		u->tx(u->ctx, c);
	/* The byte left THR at once: THR is empty again. */
	u->thre_pending = true;
}

static unsigned int rx_trigger(const struct vuart *u)
{
	static const uint8_t level[4] = {1, 4, 8, 14};

	return level[(u->fcr & VUART_FCR_TRIGGER) >> 6];
}

/* The interrupt identification, priority order of the 16550A. */
static uint8_t iir_id(const struct vuart *u)
{
	if ((u->ier & VUART_IER_RLSI) && (u->lsr_err & LSR_ERRORS))
		return VUART_IIR_RLSI;
	if ((u->ier & VUART_IER_RDI) && u->rx_count) {
		if (fifo_on(u) && u->rx_count < rx_trigger(u))
			return VUART_IIR_TIMEOUT;
		return VUART_IIR_RDI;
	}
	if ((u->ier & VUART_IER_THRI) && u->thre_pending)
		return VUART_IIR_THRI;
	if ((u->ier & VUART_IER_MSI) && u->msr_delta)
		return VUART_IIR_MSI;
	return VUART_IIR_NO_INT;
}

/* INTR follows IIR; its rising edge is the interrupt (the caller's MSI). */
static void line_update(struct vuart *u)
{
	bool now = iir_id(u) != VUART_IIR_NO_INT;

	if (now && !u->line && u->irq)
		u->irq(u->ctx);
	u->line = now;
}

static uint8_t iir_read(struct vuart *u)
{
	uint8_t id = iir_id(u);

	if (id == VUART_IIR_THRI)
		u->thre_pending = false;
	return id | (fifo_on(u) ? VUART_IIR_FIFO : 0);
}

static uint8_t lsr_read(struct vuart *u)
{
	uint8_t lsr = VUART_LSR_THRE | VUART_LSR_TEMT | u->lsr_err;

	if (u->rx_count)
		lsr |= VUART_LSR_DR;
	u->lsr_err = 0;
	return lsr;
}

static uint8_t msr_read(struct vuart *u)
{
	uint8_t msr = msr_lines(u) | u->msr_delta;

	u->msr_delta = 0;
	return msr;
}

void vuart_init(struct vuart *u, void (*tx)(void *ctx, uint8_t c), void *ctx)
{
	*u = (struct vuart){
		.tx = tx,
		.ctx = ctx,
		.lcr = 0x03, /* 8N1 */
		.dll = 1,    /* 115200 baud from the 1.8432 MHz clock */
		.thre_pending = true,
	};
}

void vuart_irq_hook(struct vuart *u, void (*irq)(void *ctx))
{
	u->irq = irq;
	u->line = iir_id(u) != VUART_IIR_NO_INT;
}

bool vuart_irq_pending(const struct vuart *u)
{
	return iir_id(u) != VUART_IIR_NO_INT;
}

static uint8_t reg_read(struct vuart *u, unsigned int off)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;

	switch (off) {
	case VUART_RBR:
		return dlab ? u->dll : rx_pop(u);
	case VUART_IER:
		return dlab ? u->dlm : u->ier;
	case VUART_IIR:
		return iir_read(u);
	case VUART_LCR:
		return u->lcr;
	case VUART_MCR:
		return u->mcr;
	case VUART_LSR:
		return lsr_read(u);
	case VUART_MSR:
		return msr_read(u);
	case VUART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

uint8_t vuart_read(struct vuart *u, unsigned int off)
{
	uint8_t val = reg_read(u, off);

	line_update(u);
	return val;
}

void vuart_write(struct vuart *u, unsigned int off, uint8_t val)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;

	switch (off) {
	case VUART_THR:
		if (dlab)
			u->dll = val;
		else
			thr_write(u, val);
		break;
	case VUART_IER:
		if (dlab)
			u->dlm = val;
		else
			ier_write(u, val);
		break;
	case VUART_FCR:
		fcr_write(u, val);
		break;
	case VUART_LCR:
		u->lcr = val;
		break;
	case VUART_MCR:
		mcr_write(u, val);
		break;
	case VUART_SCR:
		u->scr = val;
		break;
	default: /* LSR, MSR: read-only */
		break;
	}
	line_update(u);
}

bool vuart_rx_push(struct vuart *u, uint8_t c)
{
	bool taken;

	if (loopback(u))
		return false;
	taken = rx_receive(u, c);
	line_update(u); /* an overrun raises RLS even when the byte is lost */
	return taken;
}

unsigned int vuart_rx_space(const struct vuart *u)
{
	if (loopback(u) || u->rx_count >= rx_depth(u))
		return 0;
	return rx_depth(u) - u->rx_count;
}
