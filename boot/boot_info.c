// SPDX-License-Identifier: MIT
/* What struct boot_info records: names for messages, module lookup. */
#include "boot/boot_info.h"
#include "lib/kstring.h"

const char *boot_fw_name(enum fw_kind fw)
{
	switch (fw) {
	case FW_BIOS:
		return "bios";
	case FW_UEFI:
		return "uefi";
	case FW_UNKNOWN:
		break;
	}
	return "unknown";
}

const struct boot_module *boot_module_find(const struct boot_info *bi, const char *name)
{
	for (unsigned int i = 0; i < bi->mod_count; i++)
		if (!strcmp(bi->mods[i].cmdline, name))
			return &bi->mods[i];
	return NULL;
}
