// SPDX-License-Identifier: MIT
/* Names for what struct boot_info records, for messages. */
#include "boot_info.h"

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
