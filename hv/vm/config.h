/* SPDX-License-Identifier: MIT */
/*
 * The guest configuration: which guests to start, with which CPUs, memory,
 * boot modules and NIC VF. It comes as an INI-style boot module:
 *
 *	# a comment ('#' or ';' as the first non-blank character of a line)
 *	[nic]
 *	pf = 0000:01:00.0	optional, "SSSS:BB:DD.F" or "BB:DD.F"
 *	vfs = 2			optional, 0-255 (default: highest guest vf + 1)
 *	[guest alpha]		name: 1-15 of a-z 0-9 _ -
 *	cpus = 1,2-3		required; physical CPU indexes 1-63 (0 serves)
 *	memory = 256M		required; bytes or K/M/G, 32M-64G, a multiple of 2M
 *	kernel = vmlinuz	required; a boot module name (a bzImage)
 *	initrd = initrd-alpha	optional boot module name
 *	cmdline = console=ttyS0	optional, the rest of the line verbatim
 *	vf = 0			optional VF index, 0-255, or a list of up to
 *				CONFIG_GUEST_VFS (vf = 0,2): the guest's
 *				virtual bus has them at 00:01.0, 00:02.0, ...
 *				in this order
 *	mac = 02:00:00:00:00:01	optional, unicast and not zero; with several
 *				VFs a list of as many, in the same order
 *				(mac = 02:..:01,02:..:02)
 *	vlan = 100		optional port VLAN, 1-4094: the NIC tags the
 *				guest's frames and strips the tag from those
 *				it receives; it gets only that VLAN's frames
 *				and may not ask for VLANs of its own, nor
 *				may another guest ask for this one
 *	qos = 3			optional priority of the port VLAN tag, 0-7
 *				(needs vlan; default 0)
 *	spoofchk = yes		yes|no (default yes): the NIC drops frames the
 *				guest sends from another MAC or VLAN
 *	trust = no		yes|no (default no): a trusted guest may change
 *				its MAC (never to another's) and ask for
 *				multicast promiscuous mode
 *	link = auto		auto|up|down (default auto): down gives the
 *				guest no carrier and its VF no traffic; up is
 *				auto on the 82576 (a VF sees the PF's link)
 *	on_reset = restart	restart|stop (default restart): what a reset
 *				the guest asks for does (the FADT's reset
 *				register, port 0xcf9, the keyboard
 *				controller's 0xfe, a triple fault)
 *	reset_limit = 5/60	RESTARTS/SECONDS, 1-100 / 1-3600 (default
 *				5/60): one more restart within SECONDS stops
 *				the guest instead (no restart storm)
 *
 * vlan, qos, spoofchk, trust and link need vf: they are the VF's (each of
 * the guest's VFs, if it has several).
 *
 * Comments only start at the beginning of a line: after a key, '#' and ';'
 * are part of the value (a kernel command line may need them), so there
 * are no trailing comments. Keys and section names are lower case.
 * Whitespace around keys, values and inside "[ ... ]" is ignored; CRLF
 * line endings are accepted. Lines are at most CONFIG_LINE_MAX bytes and
 * may not hold NUL or other control characters but tab.
 *
 * config_parse checks each line and each guest on its own; config_check
 * then checks the guests against each other and against the machine. After
 * a rejected section header ([guest] with a bad or duplicate name, a ninth
 * guest, ...) the section's lines are skipped rather than reported too.
 */
#ifndef VF_CONFIG_H
#define VF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/igb/vfconf.h"

#define CONFIG_MAX_GUESTS	    8
#define CONFIG_MAX_CPUS		    64 /* the width of guest_cfg.cpus */
#define CONFIG_MAX_VF		    255
#define CONFIG_GUEST_VFS	    4 /* VFs one guest may have */
#define CONFIG_LINE_MAX		    1024
#define CONFIG_NAME_MAX		    15
#define CONFIG_MEM_MIN		    (32ull << 20)
#define CONFIG_MEM_MAX		    (64ull << 30)
#define CONFIG_MEM_ALIGN	    (2ull << 20) /* guests are mapped with 2 MiB pages */
#define CONFIG_RESETS_MAX	    100
#define CONFIG_RESET_WINDOW_MAX	    3600
#define CONFIG_RESETS_DEFAULT	    5
#define CONFIG_RESET_WINDOW_DEFAULT 60

struct guest_cfg {
	char name[CONFIG_NAME_MAX + 1];
	uint64_t cpus;	 /* bit n: physical CPU n; never bit 0 */
	uint64_t memory; /* bytes */
	char kernel[64]; /* boot module names */
	char initrd[64]; /* "" if none */
	char cmdline[512];
	int vf[CONFIG_GUEST_VFS];		/* its VFs, in the order of its bus */
	unsigned int nvf;			/* 0: none */
	uint8_t mac[CONFIG_GUEST_VFS][6];	/* vf[i]'s, if nmac */
	unsigned int nmac;			/* 0 (the PF's defaults) or nvf */
	struct igb_vf_conf vfc;			/* vlan, qos, spoofchk, trust, link; guest = name */
	bool reset_stop;			/* on_reset = stop */
	unsigned int reset_max, reset_window_s; /* reset_limit */
	unsigned int line; /* of its [guest NAME]; 0 for the built-in default */
};

struct vf_config {
	bool have_pf; /* else the first supported igb */
	uint16_t pf_seg;
	uint8_t pf_bus, pf_devfn;
	bool have_vfs;	       /* vfs given in [nic], else highest guest vf + 1 */
	unsigned int vfs;      /* VFs to enable */
	unsigned int nic_line; /* of [nic]; 0 if absent */
	struct guest_cfg guest[CONFIG_MAX_GUESTS];
	unsigned int guest_count;
};

/*
 * Parse @len bytes of @text (need not be NUL-terminated) into @c. Every
 * error is printed as "config FILE:LINE: problem" and parsing goes on to
 * find more; the last line then is "config FILE: N error(s)". Returns 0,
 * or -EINVAL and @c holds whatever was parsed (not to be used).
 */
int config_parse(struct vf_config *c, const char *file, const char *text, size_t len);

struct config_machine {
	unsigned int cpu_count;	    /* CPUs 0 .. cpu_count - 1 exist */
	unsigned int vfs_available; /* TotalVFs of the chosen PF */
	const char *const *modules; /* boot module names */
	unsigned int module_count;
	uint64_t free_bytes; /* memory the guests may have */
};

/*
 * Check a parsed @c against @m and across guests: CPUs that do not exist or
 * that two guests share, VFs at or beyond the NIC's or [nic] vfs, VFs or
 * MACs that two guests share, kernel and initrd modules not among
 * @m->modules, memory totalling more than @m->free_bytes. Errors are
 * printed as "config FILE[:LINE]: problem" (the guest's section line), then
 * "config FILE: N error(s)"; returns 0 or -EINVAL.
 */
int config_check(const struct vf_config *c, const char *file, const struct config_machine *m);

/* The built-in configuration when no file is given: guests "alpha" and
 * "beta" on CPUs 1 and 2, 256 MiB each, kernel "vmlinuz", initrds
 * "initrd-alpha" and "initrd-beta", VFs 0 and 1, a serial console. */
void config_default(struct vf_config *c);

#endif
