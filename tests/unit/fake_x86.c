// SPDX-License-Identifier: MIT
/* Host stand-ins for rdmsr, wrmsr and wbinvd (lib/x86.h, HOST_TEST). */
#include <stdlib.h>
#include <string.h>
#include "lib/x86.h"
#include "fake_x86.h"

struct fake_msr {
	uint32_t msr;
	uint64_t val;
	unsigned int reads;
};

static struct fake_msr file[FAKE_MSR_MAX];
static unsigned int nfile;

struct fake_msr_write fake_msr_log[FAKE_MSR_LOG];
unsigned int fake_msr_writes, fake_msr_reads, fake_wbinvds;

void fake_x86_reset(void)
{
	memset(file, 0, sizeof(file));
	nfile = 0;
	memset(fake_msr_log, 0, sizeof(fake_msr_log));
	fake_msr_writes = fake_msr_reads = fake_wbinvds = 0;
}

/* The file's entry for @msr, made if @make; NULL if absent (or it is full). */
static struct fake_msr *find(uint32_t msr, int make)
{
	for (unsigned int i = 0; i < nfile; i++)
		if (file[i].msr == msr)
			return &file[i];
	if (!make || nfile == FAKE_MSR_MAX)
		return NULL;
	file[nfile].msr = msr;
	return &file[nfile++];
}

void fake_msr_set(uint32_t msr, uint64_t val)
{
	struct fake_msr *m = find(msr, 1);

	if (!m)
		abort(); /* a test wants more MSRs than FAKE_MSR_MAX */
	m->val = val;
}

unsigned int fake_msr_reads_of(uint32_t msr)
{
	struct fake_msr *m = find(msr, 0);

	return m ? m->reads : 0;
}

uint64_t fake_x86_rdmsr(uint32_t msr)
{
	struct fake_msr *m = find(msr, 1);

	fake_msr_reads++;
	if (!m)
		return 0;
	m->reads++;
	return m->val;
}

void fake_x86_wrmsr(uint32_t msr, uint64_t v)
{
	struct fake_msr *m = find(msr, 1);

	if (fake_msr_writes < FAKE_MSR_LOG)
		fake_msr_log[fake_msr_writes] = (struct fake_msr_write){msr, v};
	fake_msr_writes++;
	if (m)
		m->val = v;
}

void fake_x86_wbinvd(void)
{
	fake_wbinvds++;
}
