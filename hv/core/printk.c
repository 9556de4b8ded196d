// SPDX-License-Identifier: MIT
/*
 * The hypervisor console. One printk() call is one line, sent whole under a
 * lock so that CPUs do not interleave. The lock is taken with its owner
 * recorded: a CPU that faults while printing may print its report anyway.
 * The log clock that budgets guest-caused lines (lib/ratelimit.h) is here.
 */
#include "hv/core/console.h"
#include "hv/core/cpu.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "drivers/timer/tsc.h"
#include "drivers/uart/uart.h"
#include "lib/ratelimit.h"
#include "lib/x86.h"

static uint16_t console_port;
static int console_level = LOG_INFO;
static spinlock_t console_lock = SPINLOCK_INIT;
static volatile int console_owner = -1;

uint64_t ratelimit_clock_ms(void)
{
	uint64_t khz = tsc_khz();

	/* Before calibration every line falls in one window. */
	return khz ? rdtsc() / khz : 0;
}

int console_getc(void)
{
	return console_port ? uart_getc(console_port) : -1;
}

void console_set_port(uint16_t port)
{
	console_port = port && uart_init(port) ? port : 0;
}

void console_set_level(int level)
{
	console_level = level;
}

int console_get_level(void)
{
	return console_level;
}

static void console_write(const char *s)
{
	if (!console_port)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc(console_port, '\r');
		uart_putc(console_port, *s);
	}
}

void console_lock_take(void)
{
	int me = (int)cpu_index();

	if (console_owner == me)
		return; /* a fault while printing: print anyway */
	spin_lock(&console_lock);
	console_owner = me;
}

void console_lock_release(void)
{
	console_owner = -1;
	spin_unlock(&console_lock);
}

#define CONSOLE_TOOK (-2) /* the token: the lock was taken, give it back */

int console_lock_take_within(uint64_t us)
{
	int me = (int)cpu_index(), prev = console_owner;
	uint64_t end = rdtsc() + us * tsc_khz() / 1000;

	if (prev == me)
		return me; /* interrupted while printing: print anyway */
	do {
		if (spin_trylock(&console_lock)) {
			console_owner = me;
			return CONSOLE_TOOK;
		}
		cpu_relax();
	} while (rdtsc() < end);
	/* Held still, maybe by this very CPU between taking the lock and
	 * recording itself: print over it; printk() sees the console as ours. */
	console_owner = me;
	return prev;
}

void console_lock_return(int token)
{
	if (token == CONSOLE_TOOK)
		console_lock_release();
	else if (console_owner == (int)cpu_index())
		console_owner = token;
}

void console_puts_raw(const char *s)
{
	console_write(s);
}

void console_guest_line(const char *name, const char *text)
{
	char line[320];
	int held = console_owner == (int)cpu_index();

	sfmt(line, sizeof(line), "[%s] %s\n", name, text);
	console_lock_take();
	console_write(line);
	if (!held)
		console_lock_release();
}

void printk(int level, const char *fmt, ...)
{
	static const char *const tag[] = {"error: ", "warning: ", "", ""};
	char line[320];
	va_list ap;
	int n, held;

	if (level > console_level)
		return;
	n = sfmt(line, sizeof(line), "vfvisor: %s", tag[level < 0 ? 0 : level & 3]);
	va_start(ap, fmt);
	vfmt(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	if (n == 0 || line[n - 1] != '\n') {
		if (n >= (int)sizeof(line) - 1)
			n = sizeof(line) - 2;
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	held = console_owner == (int)cpu_index();
	console_lock_take();
	console_write(line);
	if (!held)
		console_lock_release();
}
