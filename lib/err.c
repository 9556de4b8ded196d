// SPDX-License-Identifier: MIT
/* Names for error codes, for messages. */
#include "lib/err.h"

const char *err_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "ok";
	case ENOENT:
		return "not found";
	case EIO:
		return "i/o error";
	case E2BIG:
		return "too many entries";
	case ENOMEM:
		return "out of memory";
	case EFAULT:
		return "bad address";
	case EBUSY:
		return "busy";
	case EEXIST:
		return "already exists";
	case ENODEV:
		return "no such device";
	case EINVAL:
		return "invalid";
	case ENOSPC:
		return "table full";
	case ENODATA:
		return "truncated";
	case ERANGE:
		return "out of range";
	case ELOOP:
		return "loop";
	case EBADMSG:
		return "bad checksum";
	case ENOTSUP:
		return "not supported";
	case ETIMEDOUT:
		return "timed out";
	default:
		return "unknown error";
	}
}
