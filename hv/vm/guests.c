// SPDX-License-Identifier: MIT
/*
 * From configuration to running guests. The configuration is a boot module
 * (config=NAME on the command line, else a module named "vfvisor.conf"),
 * or the built-in default when the modules include a "vmlinuz". It is
 * checked whole before anything is built, and every guest is built before
 * any starts: an error anywhere starts nothing.
 */
#include "boot/boot_info.h"
#include "drivers/apic/apic.h"
#include "hv/core/console.h"
#include "hv/core/cmdline.h"
#include "hv/core/options.h"
#include "drivers/timer/cmos_rtc.h"
#include "hv/vm/con_cmd.h"
#include "hv/vm/config.h"
#include "hv/core/cpu.h"
#include "lib/err.h"
#include "hv/vm/guests.h"
#include "lib/kstring.h"
#include "hv/core/nic.h"
#include "hv/core/palloc.h"
#include "hv/core/watchdog_nmi.h"
#include "lib/printk.h"
#include "hv/vm/vm.h"
#include "hv/vm/vm_restart.h"
#include "hv/vm/vm_vf.h"
#include "iommu/iommu.h"
#include "lib/x86.h"

#define HV_RESERVE (32ull << 20) /* memory kept for the hypervisor's own use */

static struct vf_config config;

/*
 * The guest's VFs may DMA exactly where the guest's RAM is: its IOMMU domain
 * (one for all its VFs) maps guest-physical addresses as nested paging
 * does, so a VF DMA outside that faults (and is logged) instead of reaching
 * anything else.
 */
static int guest_dma_domain(struct vm *vm)
{
	int err = 0;

	vm->dma = iommu_domain_create(vm->name);
	if (!vm->dma) {
		pr_err("guest %s: no IOMMU domain left for its vfs\n", vm->name);
		return -ENOSPC;
	}
	for (unsigned int i = 0; i < vm->ram.n && !err; i++)
		err = iommu_domain_map(vm->dma, vm->ram.p[i].gpa, vm->ram.p[i].hpa,
				       vm->ram.p[i].len, IOMMU_PERM_R | IOMMU_PERM_W);
	if (err) {
		pr_err("guest %s: its IOMMU domain: %s\n", vm->name, err_name(err));
		iommu_domain_destroy(vm->dma);
		vm->dma = NULL;
	}
	return err;
}

/* The guest's @i-th VF: confined to its domain, its MAC set, given. */
static int guest_vf(struct vm *vm, unsigned int i)
{
	const struct guest_cfg *g = vm->cfg;
	int vf = g->vf[i];
	uint16_t seg;
	uint8_t bus, devfn, m[6];
	int err;

	if (nic_vf_dev((unsigned int)vf, &seg, &bus, &devfn)) {
		pr_err("guest %s: vf %d does not exist\n", vm->name, vf);
		return -ENODEV;
	}
	err = iommu_attach(vm->dma, seg, bus, devfn);
	if (err) {
		/* The IOMMU said why (an alias, a firmware claim, no unit): the
		 * guest starts without a VF it could not confine. */
		pr_warn("guest %s: vf %d not given: its DMA cannot be confined (%s)\n", vm->name,
			vf, err_name(err));
		return 0;
	}
	/* Its MAC: the configured one, else the PF driver's stable default. */
	if (g->nmac)
		nic_vf_set_mac((unsigned int)vf, g->mac[i]);
	nic_vf_mac((unsigned int)vf, m);
	err = vm_vf_attach(vm, (unsigned int)vf, VM_PCI_WIN_GPA, VM_PCI_WIN_SIZE);
	if (err) {
		pr_err("guest %s: vf %d: cannot give it to the guest: %s\n", vm->name, vf,
		       err_name(err));
		return err;
	}
	pr_info("guest %s: vf %d (%04x:%02x:%02x.%u) at 00:%02x.0, may DMA to its %llu MiB only\n",
		vm->name, vf, seg, bus, devfn >> 3, devfn & 7, vm->nvf,
		(unsigned long long)(vm_ram_total(vm) >> 20));
	pr_info("guest %s: vf %d mac %02x:%02x:%02x:%02x:%02x:%02x%s\n", vm->name, vf, m[0], m[1],
		m[2], m[3], m[4], m[5], g->nmac ? " (from the configuration)" : "");
	return 0;
}

static int guest_vfs(struct vm *vm)
{
	const char *why = iommu_vf_refusal();
	int err;

	if (!vm->cfg->nvf)
		return 0;
	if (why) {
		for (unsigned int i = 0; i < vm->cfg->nvf; i++)
			pr_warn("guest %s: vf %d not given: %s\n", vm->name, vm->cfg->vf[i], why);
		return 0;
	}
	err = guest_dma_domain(vm);
	for (unsigned int i = 0; i < vm->cfg->nvf && !err; i++)
		err = guest_vf(vm, i);
	if (!err && !vm->nvf) {
		/* None could be confined: no domain without a device. */
		iommu_domain_destroy(vm->dma);
		vm->dma = NULL;
	}
	return err;
}

/* The configuration read by guests_config(), for guests_start(). */
static char config_file[BOOT_MODNAME_MAX];
static enum { CONFIG_NONE, CONFIG_READ, CONFIG_REFUSED } config_state;

unsigned int guests_config(const struct boot_info *bi, const char *cl)
{
	char *file = config_file;
	const struct boot_module *cm;
	int err;

	config_state = CONFIG_NONE;
	if (!cmdline_get(cl, "config", file, sizeof(config_file)))
		str_copy(file, "vfvisor.conf", sizeof(config_file));
	cm = boot_module_find(bi, file);
	if (cm) {
		err = config_parse(&config, file, (const char *)(uintptr_t)cm->start,
				   cm->end - cm->start);
	} else if (cmdline_get(cl, "config", file, sizeof(config_file))) {
		pr_err("config=%s: no boot module of that name; no guest started\n", file);
		config_state = CONFIG_REFUSED;
		return 0;
	} else if (boot_module_find(bi, "vmlinuz")) {
		str_copy(file, "(built-in default)", sizeof(config_file));
		config_default(&config);
		err = 0;
	} else {
		pr_info("no guests: no configuration module and no 'vmlinuz' module\n");
		return 0;
	}
	if (err) {
		pr_err("config %s: refused; no guest started\n", file);
		config_state = CONFIG_REFUSED;
		return 0;
	}
	config_state = CONFIG_READ;
	return config.vfs;
}

int guests_start(const struct boot_info *bi, struct palloc *pa)
{
	const char *names[BOOT_MODS_MAX];
	const char *file = config_file;
	uint64_t free_bytes;
	int err;

	if (config_state != CONFIG_READ)
		return config_state == CONFIG_NONE ? 0 : -EINVAL;
	if (!vm_backend()) {
		pr_err("guests configured in %s, but this CPU has no usable virtualisation;"
		       " no guest started\n",
		       file);
		return -ENODEV;
	}

	for (unsigned int i = 0; i < bi->mod_count; i++)
		names[i] = bi->mods[i].cmdline;
	free_bytes = palloc_free_bytes(pa);
	struct config_machine m = {
		.cpu_count = cpu_count,
		.vfs_available = nic_vf_count(),
		.modules = names,
		.module_count = bi->mod_count,
		.free_bytes = free_bytes > HV_RESERVE ? free_bytes - HV_RESERVE : 0,
	};
	err = config_check(&config, file, &m);
	if (err)
		goto refused;

	char v[OPTIONS_VALUE_MAX];
	unsigned long long mib;

	if (options_get(bi->cmdline, "ram.piece_mib", v, sizeof(v)) > 0 &&
	    cmdline_parse_u64(v, &mib)) {
		vm_ram_set_piece_max(mib << 20);
		pr_warn("ram.piece_mib=%llu: guests' RAM in pieces of at most %llu MiB (a test "
			"aid)\n",
			mib, mib);
	}
	/* The guests' clocks start from the host's RTC. */
	vm_clock_tsc = rdtsc();
	vm_clock_unix = cmos_rtc_read();
	if (vm_clock_unix < 0) {
		pr_warn("rtc: the host's CMOS clock is unreadable; guests start at 1970-01-01\n");
		vm_clock_unix = 0;
	}
	for (unsigned int i = 0; i < config.guest_count; i++) {
		err = vm_create(&vms[i], &config.guest[i], bi, pa);
		if (err) {
			pr_err("guest %s: not started, nor any other (%s)\n", config.guest[i].name,
			       err_name(err));
			return err;
		}
		vms[i].index = i;
		if ((err = guest_vfs(&vms[i]))) {
			pr_err("guest %s: not started, nor any other\n", vms[i].name);
			return err;
		}
	}
	vm_count = config.guest_count;
	for (unsigned int i = 0; i < vm_count; i++)
		vm_start(&vms[i]);
	return 0;
refused:
	pr_err("config %s: refused; no guest started\n", file);
	return -EINVAL;
}

/* ---- the service CPU's side: consoles and input -------------------------- */

/* Ctrl-] (as telnet and virsh use): Ctrl-A is QEMU's and the shells'. */
#define CON_ESCAPE 0x1D

static unsigned int focus;
static bool escape;

/* Typed bytes wait here until the guest's receiver has room: its 16-byte
 * FIFO fills faster than a polling guest empties it. Service CPU only. */
static struct {
	uint8_t buf[256];
	unsigned int head, tail;
} input[VM_MAX];

static void input_feed(unsigned int i)
{
	struct vm *vm = &vms[i];

	if (input[i].head == input[i].tail)
		return;
	spin_lock(&vm->uart_lock);
	while (input[i].tail != input[i].head && vuart_rx_space(&vm->uart)) {
		vuart_rx_push(&vm->uart, input[i].buf[input[i].tail % sizeof(input[i].buf)]);
		input[i].tail++;
	}
	spin_unlock(&vm->uart_lock);
}

static void input_help(void)
{
	pr_info("console: input goes to guest %s; Ctrl-] then 1-%u picks a guest,"
		" Ctrl-] : opens the command line (help lists its commands),"
		" Ctrl-] s prints exit counters, Ctrl-] Ctrl-] sends Ctrl-]\n",
		vm_count ? vms[focus].name : "(none)", vm_count);
}

/* ---- the operator's command line (Ctrl-] :) ---------------------------- */

static bool cmd_open;
static struct con_cmd_editor cmd_ed;

static void cmd_echo(const char *s)
{
	if (!s[0])
		return;
	console_lock_take();
	console_puts_raw(s);
	console_lock_release();
}

/* A guest's exit counters, then its VFs' traffic as the NIC counted it. */
static void print_stats(struct vm *vm)
{
	vm_print_counters(vm);
	for (unsigned int i = 0; i < vm->nvf; i++)
		nic_vf_stats_print(vm->vf[i].n, vm->name);
}

static void cmd_list(void)
{
	char line[CON_CMD_ERR_MAX];

	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		unsigned int host[VM_MAX_VCPUS];

		for (unsigned int k = 0; k < vm->vcpu_count; k++)
			host[k] = vm->vcpu[k].cpu;
		struct con_cmd_guest g = {
			.name = vm->name,
			.stopped = __atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE),
			.restarting = __atomic_load_n(&vm->restart, __ATOMIC_ACQUIRE),
			.reason = vm->stop_reason,
			.cpus = vm->vcpu_count,
			.host_cpus = host,
			.memory = vm_ram_total(vm),
			.nvf = vm->nvf,
		};

		for (unsigned int k = 0; k < vm->nvf; k++) {
			g.vf[k] = vm->vf[k].n;
			nic_vf_mac(vm->vf[k].n, g.mac[k]);
		}
		con_cmd_guest_line(line, sizeof(line), &g);
		pr_info("%s\n", line);
	}
}

/*
 * The operator stops @vm as a fault would: vm_stop with its first vCPU as
 * the one that reports (on that vCPU's CPU: its VF quiesced, the counters
 * printed). vm_stop kicks the guest's other vCPUs; the first one is kicked
 * here, as this CPU is not its.
 */
static void cmd_stop(struct vm *vm)
{
	if (__atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE)) {
		/* A restart not handed out yet is called off (this CPU hands
		 * them out); one being built runs, and may be stopped then. */
		if (vm_restart_cancel(vm)) {
			pr_info("console: guest %s: its restart called off; stopped: %s\n",
				vm->name, vm->stop_reason);
			return;
		}
		pr_info("console: guest %s is already %s: %s\n", vm->name,
			__atomic_load_n(&vm->restart, __ATOMIC_ACQUIRE) ? "restarting" : "stopped",
			vm->stop_reason);
		return;
	}
	pr_info("console: stopping guest %s\n", vm->name);
	vm_stop(&vm->vcpu[0], "stopped by the operator");
	apic_send_nmi(vm->vcpu[0].apic_id);
}

static void cmd_run(void)
{
	const char *names[VM_MAX];
	struct con_cmd c;

	for (unsigned int i = 0; i < vm_count; i++)
		names[i] = vms[i].name;
	con_cmd_parse_line(&cmd_ed, names, vm_count, &c);
	switch (c.action) {
	case CON_CMD_NONE:
		break;
	case CON_CMD_LIST:
		cmd_list();
		break;
	case CON_CMD_STATS:
		for (unsigned int i = 0; i < vm_count; i++)
			if (c.guest < 0 || (unsigned int)c.guest == i)
				print_stats(&vms[i]);
		break;
	case CON_CMD_STOP:
		cmd_stop(&vms[c.guest]);
		break;
	case CON_CMD_START:
	case CON_CMD_RESTART: {
		struct vm *vm = &vms[c.guest];
		const char *why = NULL;
		bool ok = c.action == CON_CMD_START ? vm_restart_start(vm, &why)
						    : vm_restart_request(vm, &why);

		if (ok)
			pr_info("console: %s guest %s\n",
				c.action == CON_CMD_START ? "starting" : "restarting", vm->name);
		else
			pr_info("console: guest %s not %s: %s\n", vm->name,
				c.action == CON_CMD_START ? "started" : "restarted", why);
		break;
	}
	case CON_CMD_HELP:
		for (unsigned int i = 0; con_cmd_help[i]; i++)
			pr_info("console: %s\n", con_cmd_help[i]);
		break;
	case CON_CMD_ERROR:
		pr_info("%s\n", c.error);
		break;
	}
}

/* A byte for the open command line; Enter runs it, Esc drops it. Either
 * closes the command line: input goes to the guest again. */
static void cmd_input(uint8_t c)
{
	char echo[CON_CMD_ECHO_MAX];
	enum con_cmd_feed r = con_cmd_feed(&cmd_ed, c, echo);

	cmd_echo(echo);
	if (r == CON_CMD_MORE)
		return;
	if (r == CON_CMD_LINE)
		cmd_run();
	con_cmd_reset(&cmd_ed);
	cmd_open = false;
}

/* Whether a guest has a whole line waiting to be printed. */
static bool cmd_guest_line_waits(void)
{
	for (unsigned int i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		uint32_t head = __atomic_load_n(&vm->con_head, __ATOMIC_ACQUIRE);

		for (uint32_t t = vm->con_tail; t != head; t++)
			if (vm->con[t % VM_CON_RING] == '\n')
				return true;
	}
	return false;
}

static void console_step(const char *name)
{
	service_progress("console of guest", name);
}

void guests_poll(void)
{
	/* A guest line printed while the command line is open would be glued
	 * to its echo: the echo's line is ended first and typed out again
	 * after, so that every guest line still starts with its "[NAME] ". */
	bool redraw = cmd_open && cmd_guest_line_waits();

	for (unsigned int i = 0; i < vm_count; i++) {
		service_progress("console input of guest", vms[i].name);
		input_feed(i);
	}
	/* With the command line open and no whole guest line seen above,
	 * nothing is printed this pass: a line that became whole since that
	 * look would be glued to the echo. */
	if (redraw) {
		cmd_echo("\n");
		vm_con_pass(vms, vm_count, VM_CON_PASS, console_step);
		cmd_echo(":");
		cmd_echo(cmd_ed.buf);
	} else if (!cmd_open) {
		vm_con_pass(vms, vm_count, VM_CON_PASS, console_step);
	}
	service_progress("guest restarts", NULL);
	vm_restart_poll(vms, vm_count);
}

void guests_input(uint8_t c)
{
	if (!vm_count)
		return;
	if (cmd_open) {
		cmd_input(c);
		return;
	}
	if (escape) {
		escape = false;
		if (c >= '1' && c < '1' + vm_count) {
			focus = c - '1';
			input_help();
			return;
		}
		if (c == ':') {
			cmd_open = true;
			con_cmd_reset(&cmd_ed);
			cmd_echo(":");
			return;
		}
		if (c == 's') {
			for (unsigned int i = 0; i < vm_count; i++)
				print_stats(&vms[i]);
			return;
		}
		if (c != CON_ESCAPE) {
			input_help();
			return;
		}
	} else if (c == CON_ESCAPE) {
		escape = true;
		return;
	}
	if (input[focus].head - input[focus].tail < sizeof(input[focus].buf))
		input[focus].buf[input[focus].head++ % sizeof(input[focus].buf)] = c;
	input_feed(focus);
}
