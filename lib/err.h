/* SPDX-License-Identifier: MIT */
/* Error codes: functions return 0 or a negative one of these (Linux style). */
#ifndef VF_ERR_H
#define VF_ERR_H

#define ENOENT	  2  /* not present */
#define EIO	  5  /* device did not answer */
#define E2BIG	  7  /* more than a fixed table holds */
#define ENOMEM	  12 /* out of memory */
#define EFAULT	  14 /* address outside what may be read */
#define EBUSY	  16 /* already in use */
#define EEXIST	  17 /* already there */
#define ENODEV	  19 /* no such device */
#define EINVAL	  22 /* malformed input */
#define ENOSPC	  28 /* table full */
#define ENODATA	  61 /* input ends too early (a truncated instruction) */
#define ERANGE	  34 /* value out of range */
#define ELOOP	  40 /* a list that loops */
#define EBADMSG	  74 /* checksum or signature mismatch */
#define ENOTSUP	  95 /* not supported */
#define ETIMEDOUT 110

const char *err_name(int err);

#endif
