// SPDX-License-Identifier: MIT
/*
 * Writes the harnesses' seed corpora: `make fuzz-corpus`, or
 *	mkcorpus DIR VMLINUZ TEST_IVRS_C
 * Each seed is a small, valid (or nearly valid) input that reaches deep into
 * its parser or model, for libFuzzer to mutate from. Real data where there
 * is some: QEMU's IVRS (the byte array in tests/unit/test_ivrs.c), the guest
 * kernel's setup header (its first sectors only, with syssize cut to what
 * is kept), the demo configuration (copied by the make rule). Host program,
 * not part of the image.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *top;
static uint8_t b[65536];
static size_t n;

static void reset(void)
{
	memset(b, 0, sizeof(b));
	n = 0;
}

static void at(size_t off, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
	if (off + bytes > n)
		n = off + bytes;
}

static void u8(uint64_t v)
{
	at(n, v, 1);
}

static void u16(uint64_t v)
{
	at(n, v, 2);
}

static void u32(uint64_t v)
{
	at(n, v, 4);
}

static void u64(uint64_t v)
{
	at(n, v, 8);
}

static void bytes(const void *p, size_t len)
{
	memcpy(b + n, p, len);
	n += len;
}

static void save(const char *harness, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, harness);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", top, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* An ACPI table header at @off: signature, length (patched by tab_end). */
static void tab_begin(size_t off, const char *sig, uint8_t rev)
{
	n = off;
	bytes(sig, 4);
	u32(0);
	u8(rev);
	u8(0);
	bytes("VFVSOR", 6);
	bytes("FUZZSEED", 8);
	u32(1);
	u32(0x4C465846);
	u32(1);
}

static void tab_end(size_t off)
{
	uint8_t sum = 0;

	at(off + 4, n - off, 4);
	b[off + 9] = 0;
	for (size_t i = off; i < n; i++)
		sum += b[i];
	b[off + 9] = (uint8_t)-sum;
}

static void sum_at(size_t off, size_t len, size_t pos)
{
	uint8_t sum = 0;

	b[off + pos] = 0;
	for (size_t i = off; i < off + len; i++)
		sum += b[i];
	b[off + pos] = (uint8_t)-sum;
}

/* A DMAR body (after the header): HAW 39, intr remap; a DRHD for an
 * endpoint and a bridge, an INCLUDE_PCI_ALL DRHD, an RMRR. */
static void dmar_body(void)
{
	u8(38);
	u8(1);
	for (int i = 0; i < 10; i++)
		u8(0);
	/* DRHD: type 0, length, flags, size, segment, base, scopes */
	u16(0);
	u16(16 + 8 + 10);
	u8(0);
	u8(0);
	u16(0);
	u64(0xFED90000);
	u8(1), u8(8), u16(0), u8(0), u8(0), u8(2), u8(0);		    /* endpoint 00:02.0 */
	u8(2), u8(10), u16(0), u8(0), u8(0), u8(0x1c), u8(0), u8(0), u8(0); /* bridge */
	u16(0);
	u16(16 + 8);
	u8(1);
	u8(0);
	u16(0);
	u64(0xFED91000);
	u8(3), u8(8), u16(0), u8(2), u8(0), u8(0x1f), u8(0); /* IOAPIC 2 */
	/* RMRR: type 1, length, reserved, segment, base, limit, scope */
	u16(1);
	u16(24 + 8);
	u16(0);
	u16(0);
	u64(0x7D000000);
	u64(0x7D7FFFFF);
	u8(1), u8(8), u16(0), u8(0), u8(0), u8(0x14), u8(0);
}

static void acpi_seeds(void)
{
	/* byte 0: options (1: fix checksums), then memory (file offset - 1):
	 * RSDP at 0, XSDT at 0x40 and RSDT at 0x80 listing MADT 0x100, MCFG
	 * 0x200, DMAR 0x280. */
	for (int v = 0; v < 2; v++) {
		reset();
		n = 1;
		bytes("RSD PTR ", 8);
		u8(0);
		bytes("VFVSOR", 6);
		u8(v ? 0 : 2);
		u32(0x80);
		u32(36);
		u64(v ? 0 : 0x40);
		n = 0x41;
		tab_begin(0x41, "XSDT", 1);
		u64(0x100), u64(0x200), u64(0x280);
		tab_end(0x41);
		tab_begin(0x81, "RSDT", 1);
		u32(0x100), u32(0x200), u32(0x280);
		tab_end(0x81);
		tab_begin(0x101, "APIC", 3);
		u32(0xFEE00000);
		u32(1);
		for (int c = 0; c < 3; c++) /* local APICs 0-2 */
			u8(0), u8(8), u8(c), u8(c), u32(1);
		u8(9), u8(16), u16(0), u32(0x100), u32(1), u32(3);    /* x2APIC */
		u8(1), u8(12), u8(0), u8(0), u32(0xFEC00000), u32(0); /* IOAPIC */
		u8(2), u8(10), u8(0), u8(0), u32(2), u16(0);	      /* override */
		tab_end(0x101);
		tab_begin(0x201, "MCFG", 1);
		u64(0);
		u64(0xB0000000), u16(0), u8(0), u8(0xFF), u32(0);
		tab_end(0x201);
		tab_begin(0x281, "DMAR", 1);
		dmar_body();
		tab_end(0x281);
		sum_at(1, 20, 8);
		sum_at(1, 36, 32);
		b[0] = v ? 3 : 1;
		save("acpi", v ? "rsdt-v1" : "q35-like");
	}
	reset();
	tab_begin(0, "DMAR", 1);
	dmar_body();
	tab_end(0);
	save("dmar", "two-units-rmrr");
}

/* QEMU's IVRS, from the byte array in tests/unit/test_ivrs.c. */
static void ivrs_seeds(const char *test_c)
{
	FILE *f = fopen(test_c, "r");
	static char text[1 << 20];
	size_t len;
	char *p, *end;

	if (!f) {
		perror(test_c);
		exit(1);
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	p = strstr(text, "qemu_ivrs[192] = {");
	end = p ? strstr(p, "};") : NULL;
	if (!p || !end) {
		fprintf(stderr, "%s: no qemu_ivrs array\n", test_c);
		exit(1);
	}
	reset();
	p = strchr(p, '{');
	while (p < end) {
		if (!strncmp(p, "/*", 2)) /* comments quote offsets too */
			p = strstr(p, "*/") + 2;
		else if (!strncmp(p, "0x", 2))
			u8(strtoul(p, &p, 16));
		else
			p++;
	}
	if (n != 192) {
		fprintf(stderr, "%s: qemu_ivrs has %zu bytes, not 192\n", test_c, n);
		exit(1);
	}
	save("ivrs", "qemu-amd-iommu");
}

static void mb2_seeds(void)
{
	static const uint32_t efi_types[] = {7, 1, 3, 4, 5, 9, 11, 0};

	for (int efi = 0; efi < 2; efi++) {
		reset();
		u32(0);
		u32(0);
		u32(1), u32(8 + 16), bytes("loglevel=2\0\0\0\0\0\0", 16);
		u32(2), u32(8 + 8), bytes("GRUB\0\0\0\0", 8);
		u32(3), u32(16 + 8), u32(0x200000), u32(0x300000), bytes("vmlinuz\0", 8);
		if (!efi) {
			u32(6), u32(16 + 3 * 24), u32(24), u32(0);
			u64(0), u64(0x9F000), u32(1), u32(0);
			u64(0x100000), u64(0x3FF00000), u32(1), u32(0);
			u64(0xFEC00000), u64(0x1000), u32(2), u32(0);
			u32(14), u32(8 + 24);
			bytes("RSD PTR ", 8);
			n += 12, n += 4;
		} else {
			u32(12), u32(16), u64(0x7FE00000);
			u32(17), u32(16 + 8 * 40), u32(40), u32(1);
			for (int i = 0; i < 8; i++)
				u32(efi_types[i]), u32(0), u64(0x100000ull * i * 3), u64(0),
					u64(0x100 + i), u64(i == 4 ? 1ull << 63 : 0xF);
		}
		u32(0), u32(8);
		at(0, n, 4);
		save("mb2", efi ? "efi" : "bios");
	}
	reset();
	u8(48 - 36);
	for (int i = 0; i < 8; i++)
		u32(efi_types[i]), u32(0), u64(0x100000ull * i * 3), u64(0x1000), u64(0x100 + i),
			u64(i == 4 ? 1ull << 63 : 0xF), u64(0);
	save("efi_mmap", "desc48");
}

static void linux_seeds(const char *vmlinuz)
{
	FILE *f = fopen(vmlinuz, "rb");
	size_t setup;

	reset();
	if (!f) {
		perror(vmlinuz);
		exit(1);
	}
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	setup = 512u * ((b[0x1f1] ? b[0x1f1] : 4) + 1u);
	if (n < setup + 512) {
		fprintf(stderr, "%s: too short\n", vmlinuz);
		exit(1);
	}
	/* Keep the setup sectors and 512 bytes of the kernel proper. */
	n = setup + 512;
	at(0x1f4, 512 / 16, 4);
	b[0] = 0x0A; /* harness options: 96 MiB, short command line, an initrd */
	save("linux_boot", "debian-header");
	b[0] = 0x03; /* 128 MiB, no initrd */
	save("linux_boot", "debian-header-128m");
}

static void decode_seeds(void)
{
	static const uint8_t insns[][16] = {
		{2, 0x8b, 0x07},	     /* mov eax, [rdi] */
		{3, 0x48, 0x89, 0x07},	     /* mov [rdi], rax */
		{4, 0x48, 0x8b, 0x47, 0x10}, /* mov rax, [rdi+0x10] */
		{3, 0x66, 0x89, 0x07},	     /* mov [rdi], ax */
		{6, 0xc7, 0x07, 1, 2, 3, 4}, /* mov dword [rdi], imm32 */
		{7, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff},
		{3, 0x0f, 0xb6, 0x07},			 /* movzx eax, byte [rdi] */
		{4, 0x48, 0x0f, 0xbf, 0x07},		 /* movsx rax, word [rdi] */
		{9, 0xa1, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0}, /* mov eax, moffs */
		{2, 0x88, 0x27},			 /* mov [rdi], ah */
		{3, 0x41, 0x89, 0x00},			 /* mov [r8], eax */
		{3, 0x67, 0x8b, 0x00},			 /* mov eax, [eax] */
		{4, 0x2e, 0x8b, 0x04, 0x25},		 /* cs: mov eax, [sib] */
		{3, 0x0f, 0x22, 0xc0},			 /* mov cr0, rax */
		{4, 0x44, 0x0f, 0x22, 0xc0},		 /* mov cr8, rax */
	};
	char name[16];

	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		reset();
		bytes(insns[i] + 1, insns[i][0]);
		snprintf(name, sizeof(name), "insn%02zu", i);
		save("decode", name);
	}
}

static void gwalk_seeds(void)
{
	/* Every table at GPA 0, each level using another index. */
	static const struct {
		const char *name;
		int levels, leaf;
		uint64_t cr0, cr4, efer;
	} m[] = {
		{"4level-4k", 4, 1, 0x80010033, 0x20, 0x500},
		{"4level-2m", 4, 2, 0x80010033, 0x20, 0x500},
		{"4level-1g", 4, 3, 0x80010033, 0x20, 0x500},
		{"5level-4k", 5, 1, 0x80010033, 0x1020, 0x500},
		{"paging-off", 4, 1, 0x11, 0, 0},
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		uint64_t gva = 0x123;

		reset();
		u64(m[i].cr0), u64(0), u64(m[i].cr4), u64(m[i].efer);
		for (int l = m[i].levels; l >= m[i].leaf; l--)
			gva |= (uint64_t)l << (12 + 9 * (l - 1));
		if (m[i].levels == 4 && (gva >> 47) & 1)
			gva |= 0xFFFF000000000000ull;
		u64(gva);
		for (int l = m[i].levels; l >= m[i].leaf; l--)
			at(40 + 8 * l,
			   l == m[i].leaf ? (0x40000000ull | 3 | (l > 1 ? 0x80 : 0)) : 3, 8);
		save("gwalk", m[i].name);
	}
}

static void vuart_seeds(void)
{
	/* op byte: bits 7:6 0 read, 1-2 write, 3 host input; bits 3:0 offset */
	static const uint8_t linux_probe[] = {
		0x43, 0x80, 0x40, 0x01, 0x41, 0x00, 0x43, 0x03, /* DLAB, divisor 1, 8N1 */
		0x42, 0xc7, 0x41, 0x0f, 0x44, 0x0b,		/* FIFO, IER, MCR */
		0x02, 0,    0x05, 0,	0xc0, 'a',  0xc0, 'b',	/* IIR, LSR, input */
		0x02, 0,    0x00, 0,	0x05, 0,    0x40, 'x',	/* read RBR, THR */
		0x44, 0x1f, 0x40, 'y',	0x00, 0,    0x06, 0,	/* loopback */
		0x47, 0x5a, 0x07, 0,	0x42, 0x00, 0xc0, 'c',	/* SCR, FIFO off */
		0xc0, 'd',  0x05, 0,	0x02, 0,
	};

	reset();
	bytes(linux_probe, sizeof(linux_probe));
	save("vuart", "linux-8250");
}

static void vrtc_seeds(void)
{
	static const uint8_t regs[] = {0x00, 0x02, 0x04, 0x06, 0x07, 0x08,
				       0x09, 0x32, 0x0a, 0x0b, 0x0c, 0x0d};

	for (int k = 0; k < 2; k++) {
		reset();
		u64(k ? 253402300000ull : 1700000039ull);
		u64(1000);
		u64(2500000000ull);
		for (size_t i = 0; i < sizeof(regs); i++) {
			u8(0x00), u8(regs[i] | (i & 1 ? 0x80 : 0)), u32(1000);
			u8(0x03), u8(0), u32(2500000000u);
		}
		u8(0x05), u8(0x12), u32(0); /* a data write, dropped */
		u8(0x83), u8(0), u64(0);    /* a TSC before the base */
		save("vrtc", k ? "year-9999" : "2023");
	}
}

/* What Linux's quick_pit_calibrate() does (vpit harness: op, value, other
 * port, TSC step), at 3 GHz; and a count loaded with the gate low. */
static void vpit_seeds(void)
{
	static const uint8_t linux_seq[][2] = {
		{0x04, 0}, {0x02, 0x01}, {0x00, 0xb0}, {0x01, 0xff}, {0x01, 0xff},
		{0x03, 0}, {0x03, 0},	 {0x03, 0},    {0x03, 0},    {0x04, 0},
	};

	reset();
	u64(3000000000ull);
	u64(1000);
	for (size_t i = 0; i < sizeof(linux_seq) / sizeof(linux_seq[0]); i++)
		u8(linux_seq[i][0]), u8(linux_seq[i][1]), u8(0), u32(640000);
	save("vpit", "linux-quick-calibrate");
	reset();
	u64(2999999929ull);
	u64(5);
	u8(0x06), u8(0x12), u8(0x1c), u32(100), u32(1u << 30);
	u8(0x07), u8(0x34), u8(0), u32(100), u64(1ull << 40);
	save("vpit", "gate");
}

static void vpci_op(uint8_t op, uint8_t size, uint16_t reg, uint32_t val)
{
	u8(op), u8(size), u16(reg), u32(val);
}

static void vpci_seeds(void)
{
	reset();
	u32(0xA77A);			 /* BAR0 and BAR3: 16 KiB, 64-bit */
	vpci_op(0, 4, 0x00, 0);		 /* IDs */
	vpci_op(1, 4, 0x10, 0xFFFFFFFF); /* size BAR0 */
	vpci_op(0, 4, 0x10, 0);
	vpci_op(1, 4, 0x10, 0xC0000000); /* place BAR0 */
	vpci_op(1, 4, 0x14, 0);
	vpci_op(1, 4, 0x1C, 0xC0004000); /* BAR3 */
	vpci_op(1, 4, 0x20, 0);
	vpci_op(1, 2, 0x04, 0x0006);	 /* MEM | MASTER: map */
	vpci_op(1, 4, 0x1C, 0xC0000000); /* BAR3 over BAR0 */
	vpci_op(1, 2, 0x42, 0xC000);	 /* MSI-X enable + mask */
	vpci_op(0, 4, 0x40, 0);
	vpci_op(0, 4, 0x50, 0);
	vpci_op(1, 2, 0x58, 0x8000);	 /* FLR */
	vpci_op(6, 4, 0x00, 0x80000800); /* CF8: 00:01.0 reg 0 */
	vpci_op(2, 4, 0x04, 0);		 /* CFC */
	vpci_op(2, 2, 0x06, 0);
	vpci_op(0x20, 4, 0x00, 0); /* host bridge */
	vpci_op(0, 4, 0x100, 0);   /* extended space */
	save("vpci", "igbvf-bars-flr");
}

static void vmsix_write(uint8_t entry, uint8_t field, uint32_t val)
{
	/* op 0x11: 4-byte write in entry terms; a "where" >= 0x80 takes a u64 */
	u8(0x11), u8(0x81 + entry * 3 - (0x81 % 3)), u8(field), u64(val);
}

static void vmsix_seeds(void)
{
	reset();
	u8(0), u8(2), u16(0x20); /* 3 entries, table at 0, PBA at 0x1000 */
	u8(0x0B);		 /* MSI-X enable */
	for (uint8_t e = 0; e < 3; e++) {
		vmsix_write(e, 0, 0xFEE02000 + (e == 2 ? 0x5000 : 0)); /* dest 2 or 7 */
		vmsix_write(e, 8, 0x30 + e);
		vmsix_write(e, 12, 0);
	}
	u8(0x00), u8(0x81), u8(0x0C); /* read vector control */
	u8(0x02), u16(0x1000);	      /* read the PBA */
	u8(0x1B);		      /* function mask */
	u8(0x05);		      /* next irte_set fails */
	u8(0x0B);
	vmsix_write(1, 0, 0xFEE01000); /* another guest's CPU */
	u8(0x04);		       /* FLR */
	save("vmsix", "three-entries");
}

static void mailbox_seeds(void)
{
	reset();
	u8(0x40), u8(0), u32(0); /* VF 0: RESET */
	u8(0x02);		 /* read the reply */
	u8(0x07);
	u8(0x40), u8(2), u32(1), u32(0x00545602), u32(0x3412); /* SET_MAC */
	u8(0x02);
	u8(0x48), u8(5), u32(2 | 3 << 16), u32(1), u32(2), u32(3), u32(4), u32(5); /* VF1 MC */
	u8(0x0A);
	u8(0x50), u8(1), u32(3 | 1 << 16), u32(100); /* VF2 VLAN 100 on */
	u8(0x12);
	u8(0x40), u8(1), u32(4), u32(1518); /* SET_LPE */
	u8(0x02);
	u8(0x0B);		      /* VF 1 reset */
	u8(0x00), u8(0), u32(0x1234); /* unknown message */
	u8(0x02);
	u8(0x04), u8(0x0F); /* raw mailbox bits */
	u8(0x05), u8(3), u32(0xDEADBEEF);
	save("mailbox", "reset-mac-mc-vlan-lpe");
}

static void exit_seeds(void)
{
	static const uint8_t insn[][16] = {
		{0x8b, 0x07},	    {0x48, 0x89, 0x07}, {0xc7, 0x07, 1, 2, 3, 4},
		{0x0f, 0xb6, 0x07}, {0x88, 0x27},	{0xa1, 0, 0, 0xd0, 0xfe},
		{0x0f, 0x22, 0xc0}, {0xf3, 0xa5},
	};

	for (int k = 0; k < 2; k++) {
		reset();
		for (unsigned int i = 0; i < 24; i++) {
			u64(0x5EEDF00DCAFEull * (i + 1) + (unsigned int)k);
			u8(i % 5 == 4 ? 3 : 1);
			bytes(insn[i % 8], 16);
		}
		save("exit", k ? "mixed-b" : "mixed-a");
	}
}

static void config_seeds(void)
{
	static const char two[] =
		"[nic]\npf = 0000:01:00.0\nvfs = 2\n\n[guest alpha]\ncpus = 1\nmemory = 256M\n"
		"kernel = vmlinuz\ninitrd = initrd-alpha\ncmdline = console=ttyS0 quiet\nvf = 0\n"
		"mac = 02:00:00:00:00:01\n\n[guest beta]\ncpus = 2-3\nmemory = 64M\n"
		"kernel = vmlinuz\nvf = 1\r\n; comment\n# comment\n";

	reset();
	bytes(two, sizeof(two) - 1);
	save("config", "two-guests");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s DIR VMLINUZ TEST_IVRS_C\n", argv[0]);
		return 2;
	}
	top = argv[1];
	mkdir(top, 0755);
	acpi_seeds();
	ivrs_seeds(argv[3]);
	mb2_seeds();
	linux_seeds(argv[2]);
	decode_seeds();
	gwalk_seeds();
	vuart_seeds();
	vrtc_seeds();
	vpit_seeds();
	vpci_seeds();
	vmsix_seeds();
	mailbox_seeds();
	exit_seeds();
	config_seeds();
	return 0;
}
