// SPDX-License-Identifier: MIT
/* 16550 UART: polled output, for the console. */
#include "lib/x86.h"
#include "drivers/uart/uart.h"

#define THR 0 /* transmit holding (DLAB=0) / divisor low (DLAB=1) */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

#define LSR_DR	 0x01
#define LSR_THRE 0x20

bool uart_init(uint16_t port)
{
	outb(port + SCR, 0x5A);
	if (inb(port + SCR) != 0x5A)
		return false;
	outb(port + IER, 0x00);
	outb(port + LCR, 0x80); /* DLAB: divisor follows */
	outb(port + THR, 1);	/* 115200 = 1.8432 MHz / 16 / 1 */
	outb(port + IER, 0);
	outb(port + LCR, 0x03); /* 8N1 */
	outb(port + FCR, 0x07); /* FIFOs on and cleared */
	outb(port + MCR, 0x03); /* DTR, RTS */
	return true;
}

void uart_putc(uint16_t port, char c)
{
	/* Bounded: a wedged or absent UART must not stop the hypervisor. */
	for (unsigned int i = 0; i < 100000; i++)
		if (inb(port + LSR) & LSR_THRE)
			break;
	outb(port + THR, (uint8_t)c);
}

int uart_getc(uint16_t port)
{
	if (!(inb(port + LSR) & LSR_DR))
		return -1;
	return inb(port + THR);
}
