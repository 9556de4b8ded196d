/* SPDX-License-Identifier: MIT */
/* The host's CMOS RTC, read once at boot. */
#ifndef VF_CMOS_RTC_H
#define VF_CMOS_RTC_H

#include <stdint.h>

/* The host's wall clock from the CMOS RTC, in unix seconds (UTC assumed), or
 * -1 if there is no RTC or it holds garbage. Reads between updates. */
int64_t cmos_rtc_read(void);

#endif
