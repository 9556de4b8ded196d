/* SPDX-License-Identifier: MIT */
/*
 * An emulated 16550A UART (the guest's COM1, I/O ports 0x3F8-0x3FF). Pure
 * register logic: the caller traps the port accesses, hands the bytes the
 * guest transmits to the console through @tx, and offers input bytes with
 * vuart_rx_push(). Its interrupt output is the 16550A's INTR line: high
 * while IIR reports a pending source. Each rising edge calls the @irq hook
 * (vuart_irq_hook()), which the caller turns into an MSI (the port's PCI
 * function: vuart_pci.h); without a hook, or before the guest enables the
 * MSI, Linux's 8250 driver polls IIR, which does nothing while IIR says no
 * interrupt is pending. MCR.OUT2 does not gate the line (it gates the ISA
 * IRQ only on a PC's motherboard port; a PCI UART's line is its own).
 *
 * What the guest sees:
 * - DLAB (LCR bit 7) turns offsets 0/1 into DLL/DLM; offset 2 is IIR (read) /
 *   FCR (write) whatever LCR holds, so LCR=0xBF finds no EFR, as on a 16550A.
 * - Transmission is instant: a THR write goes to @tx at once and THRE and TEMT
 *   never clear. The byte is sent whole, whatever word length LCR selects.
 * - A 16-byte RX FIFO when FCR bit 0 is set, a 1-byte holding register when
 *   it is not. A byte that does not fit is lost and sets LSR.OE (cleared by
 *   reading LSR).
 * - IIR reports the highest-priority enabled source (line status, RX data,
 *   THR empty, modem status), bits 7:6 = 11 while the FIFO is on, bits 5:4
 *   always 0. RX data below the FIFO trigger level shows as the character
 *   timeout (0x0C): time is not modelled, so the timeout has always elapsed.
 *   The THR-empty source is cleared by an IIR read that reports it and set
 *   again by a THR write or by an IER write that turns ETBEI on.
 * - MCR loopback: THR bytes go to the receiver, input from the host is not
 *   connected, and MSR's CTS/DSR/RI/DCD follow RTS/DTR/OUT1/OUT2. Otherwise
 *   the line looks connected: CTS, DSR and DCD set, RI clear. MSR deltas are
 *   cleared by reading MSR.
 * - IER keeps bits 3:0, MCR bits 4:0; LSR and MSR ignore writes.
 * - Out of reset it looks as firmware leaves COM1: 8N1 (LCR=0x03) at 115200
 *   baud (divisor 1), so a guest that reads the divisor to learn the baud rate
 *   never divides by zero.
 *
 * Not thread-safe: the guest's exits and the host's vuart_rx_push() must be
 * serialised by the caller (one lock per vuart). @tx and @irq run under that
 * lock.
 */
#ifndef VF_VUART_H
#define VF_VUART_H

#include <stdbool.h>
#include <stdint.h>

#define VUART_COM1_BASE 0x3f8u
#define VUART_PORTS	8u  /* offsets 0-7 */
#define VUART_FIFO_SIZE 16u /* a 16550A's RX FIFO, what Linux expects to count */

/* Register offsets. */
#define VUART_RBR 0 /* read, DLAB=0 */
#define VUART_THR 0 /* write, DLAB=0 */
#define VUART_DLL 0 /* DLAB=1 */
#define VUART_IER 1 /* DLAB=0 */
#define VUART_DLM 1 /* DLAB=1 */
#define VUART_IIR 2 /* read */
#define VUART_FCR 2 /* write */
#define VUART_LCR 3
#define VUART_MCR 4
#define VUART_LSR 5
#define VUART_MSR 6
#define VUART_SCR 7

#define VUART_IER_RDI  0x01 /* RX data available */
#define VUART_IER_THRI 0x02 /* THR empty */
#define VUART_IER_RLSI 0x04 /* RX line status */
#define VUART_IER_MSI  0x08 /* modem status */

#define VUART_IIR_NO_INT  0x01
#define VUART_IIR_ID	  0x0e
#define VUART_IIR_MSI	  0x00
#define VUART_IIR_THRI	  0x02
#define VUART_IIR_RDI	  0x04
#define VUART_IIR_RLSI	  0x06
#define VUART_IIR_TIMEOUT 0x0c
#define VUART_IIR_FIFO	  0xc0

#define VUART_FCR_ENABLE   0x01
#define VUART_FCR_CLEAR_RX 0x02
#define VUART_FCR_CLEAR_TX 0x04
#define VUART_FCR_TRIGGER  0xc0

#define VUART_LCR_DLAB 0x80

#define VUART_MCR_DTR  0x01
#define VUART_MCR_RTS  0x02
#define VUART_MCR_OUT1 0x04
#define VUART_MCR_OUT2 0x08
#define VUART_MCR_LOOP 0x10

#define VUART_LSR_DR   0x01
#define VUART_LSR_OE   0x02
#define VUART_LSR_THRE 0x20
#define VUART_LSR_TEMT 0x40

#define VUART_MSR_DCTS 0x01
#define VUART_MSR_DDSR 0x02
#define VUART_MSR_TERI 0x04
#define VUART_MSR_DDCD 0x08
#define VUART_MSR_CTS  0x10
#define VUART_MSR_DSR  0x20
#define VUART_MSR_RI   0x40
#define VUART_MSR_DCD  0x80

/* The state of one UART. Embed it; touch it only through the functions. */
struct vuart {
	void (*tx)(void *ctx, uint8_t c);
	void (*irq)(void *ctx); /* the line rose */
	void *ctx;
	bool line; /* INTR as last computed: an interrupt is pending */
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t fcr;	   /* FIFO enable and RX trigger bits as last programmed */
	uint8_t lsr_err;   /* OE, latched until LSR is read */
	uint8_t msr_delta; /* MSR bits 3:0, latched until MSR is read */
	bool thre_pending; /* the THR-empty interrupt source */
	uint8_t rx_head;   /* index of the oldest byte in @rx */
	uint8_t rx_count;  /* bytes in @rx */
	uint8_t rx[VUART_FIFO_SIZE];
};

/*
 * Reset @u. @tx receives each byte the guest transmits (it must not block or
 * call back into the vuart); NULL drops them.
 */
void vuart_init(struct vuart *u, void (*tx)(void *ctx, uint8_t c), void *ctx);

/*
 * Call @irq (with the init's ctx) at every rising edge of the interrupt line
 * from now on: after an access or an input byte leaves IIR reporting a source
 * where it reported none before. The line's present state is taken as it is
 * (no call). NULL stops the calls. vuart_init() clears the hook.
 */
void vuart_irq_hook(struct vuart *u, void (*irq)(void *ctx));

/* Whether the interrupt line is high (IIR reports a source). */
bool vuart_irq_pending(const struct vuart *u);

/*
 * A guest 1-byte access at offset @off (port - VUART_COM1_BASE). The caller
 * refuses wider accesses. An @off past 7 reads 0xff and writes nothing.
 */
uint8_t vuart_read(struct vuart *u, unsigned int off);
void vuart_write(struct vuart *u, unsigned int off, uint8_t val);

/*
 * Host side: offer input byte @c. Returns false if it was not taken: the
 * receiver is full (the byte is lost and LSR.OE is set, as on an overrun) or
 * in loopback, where the line is disconnected (no OE). To lose nothing, push
 * only while vuart_rx_space() is non-zero and keep the rest.
 */
bool vuart_rx_push(struct vuart *u, uint8_t c);

/* How many bytes vuart_rx_push() would take now: 0 in loopback. */
unsigned int vuart_rx_space(const struct vuart *u);

#endif
