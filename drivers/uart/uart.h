/* SPDX-License-Identifier: MIT */
/* The 16550 UART behind the console: polled output only. */
#ifndef VF_UART_H
#define VF_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1 0x3F8
#define UART_COM2 0x2F8

/* Program a 16550 at @port for 115200 8N1 with FIFOs; false if nothing
 * answers there (the scratch register does not hold a value). */
bool uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
/* A received byte, or -1 if none is waiting. */
int uart_getc(uint16_t port);

#endif
