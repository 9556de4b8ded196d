// SPDX-License-Identifier: MIT
/*
 * Harness for hv/vm/exit.c and the models under it (decode, gwalk, vUART,
 * vRTC, vPCI's ports, the CR/MSR/CPUID/ICR policies, the console ring). It is
 * built on tests/unit/test_exit.c, included whole: the same fake backend,
 * guest RAM with 4-level page tables, emulated MMIO region, exit generator
 * (fuzz_exit) and per-exit checks (fuzz_step: IPIs and NMIs only to the
 * guest's own CPUs, only policy-allowed MSR writes, MMIO emulated exactly as
 * an independent fetch and decode say, refusals that change nothing, stops
 * only for the reasons that stop, bounded counters). Feeds: per exit, 25
 * bytes: a seed for the generator's choices (which vCPU, registers, RIP,
 * paging mode, exit), a flag byte, and 16 instruction bytes that flag bit 0
 * writes at the guest's RIP as its own page tables map it (so libFuzzer
 * shapes the instruction an MMIO exit decodes); flag bit 1 spoils a
 * page-table entry first. Guest memory and the VM are restored before each
 * input; a failed check aborts (CMOCKA_TEST_ABORT).
 */
#define main test_exit_main
#include "test_exit.c"
#undef main
#include "fuzz.h"

static uint8_t *pristine_ram;
static struct vm pristine_vm;
static struct fake_vcpu pristine_fv[VM_MAX_VCPUS];
/* Guest bytes written since the restore, to put back. */
static uint32_t dirty[1 << 16];
static unsigned int ndirty;
static bool tables_spoiled;

static void first_time(void)
{
	setenv("CMOCKA_TEST_ABORT", "1", 1); /* a failed FZ() aborts */
	setup(NULL);
	invd_probe();
	add_vcpu(VCPU_WAIT_INIT);
	add_vcpu(VCPU_WAIT_INIT);
	vm->mmio[vm->mmio_count++] =
		(struct mmio_region){REGION_GPA, REGION_LEN, "test", region_read, region_write};
	for (unsigned int i = 0; i < 3 * 4096; i += 16)
		random_insn(ram + (i < 8192 ? CODE0_GPA + i : CODE2_GPA + i - 8192), 16);
	pristine_ram = malloc(RAM_SIZE);
	FUZZ_CHECK(pristine_ram);
	memcpy(pristine_ram, ram, RAM_SIZE);
	pristine_vm = *vm;
	memcpy(pristine_fv, fv, sizeof(fv));
}

static void restore(void)
{
	while (ndirty) {
		uint32_t gpa = dirty[--ndirty];

		ram[gpa] = pristine_ram[gpa];
	}
	if (tables_spoiled) {
		memcpy(ram + PML4_GPA, pristine_ram + PML4_GPA, TABLES_END - PML4_GPA);
		tables_spoiled = false;
	}
	*vm = pristine_vm;
	memcpy(fv, pristine_fv, sizeof(fv));
	fake_x86_reset();
	fake_msr_set(MSR_APIC_BASE, HOST_APIC);
	fake_msr_set(MSR_EFER, EFER_GUEST | EFER_SVME);
	printk_reset();
	memset(&region, 0, sizeof(region));
	memset(&fz, 0, sizeof(fz));
	nmi_count = 0;
	misuse = 0;
	guest_lines = 0;
}

/* Write @b at @v's RIP through its own page tables, as far as they map RAM. */
static void put_at_rip(struct vcpu *v, const uint8_t *b)
{
	struct fake_vcpu *f = fake(v);
	struct gwalk_mode m = {f->cr0, f->cr3, f->cr4, f->efer};

	for (unsigned int i = 0; i < DECODE_INSN_MAX; i++) {
		uint64_t gpa;

		if (gwalk(&m, v->regs.rip + i, oracle_read64, NULL, &gpa) || gpa >= RAM_SIZE)
			break;
		if (ndirty == sizeof(dirty) / sizeof(dirty[0]))
			break;
		dirty[ndirty++] = (uint32_t)gpa;
		ram[gpa] = b[i];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	if (!pristine_ram)
		first_time();
	restore();
	while (fuzz_more(&in) && fz.iter < 4096) {
		uint64_t seed = fuzz_u64(&in);
		uint8_t flags = fuzz_u8(&in), insn[DECODE_INSN_MAX + 1];
		struct vcpu *v;

		for (unsigned int i = 0; i < sizeof(insn); i++)
			insn[i] = fuzz_u8(&in);
		rng = seed ? seed : 1;
		fz.seed = seed;
		if ((flags & 2) && !tables_spoiled) {
			/* Once per input: on intact tables spoil_tables() finds
			 * every entry it looks for, so it allocates none. */
			spoil_tables();
			tables_spoiled = true;
		}
		v = &vm->vcpu[below(vm->vcpu_count)];
		if (chance(2))
			vm->vcpu[1 + below(vm->vcpu_count - 1)].state =
				(enum vcpu_state)below(VCPU_RUNNING + 1);
		for (unsigned int i = 0; i < 16; i++)
			v->regs.gpr[i] = chance(80) ? rnd() : below(0x100);
		v->regs.rip = fuzz_rip();
		fuzz_mode(fake(v));
		if (flags & 1)
			put_at_rip(v, insn);
		fuzz_step(v, fuzz_exit(v));
		fz.iter++;
	}
	/* However hard a guest tries, the log sees a bounded number of lines. */
	FUZZ_CHECK(printk_count[LOG_WARN] <= REFUSED_KINDS * RATELIMIT_LINES);
	return 0;
}
