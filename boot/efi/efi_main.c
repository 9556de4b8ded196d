// SPDX-License-Identifier: MIT
/*
 * vfvisor.efi: boot vfvisor straight from the UEFI firmware, without GRUB.
 * It loads \EFI\vfvisor\vfvisor.elf (the same image GRUB boots) at its link
 * address, the command line from cmdline.txt and the modules listed in
 * modules.txt, takes the RSDP from the configuration table, leaves boot
 * services and enters the hypervisor's 64-bit entry with a struct boot_info.
 * Anything that goes wrong before ExitBootServices is printed on the
 * firmware console and returned to the firmware.
 */
#include <efi.h>
#include <efilib.h>
#include <stdarg.h>
#include "boot/boot_info.h"
#include "boot/efi_mmap.h"
#include "lib/kstring.h"
#include "lib/printk.h"

#define DIR	     L"\\EFI\\vfvisor\\"
#define HDR_SCAN     (32 * 1024)
#define FILE_MAX     (512u << 20)
#define PAGES(bytes) (((bytes) + 4095) / 4096)

static bool booted_out; /* boot services are gone: no console any more */

/* Shared code reports through printk: the firmware console until
 * ExitBootServices, nothing after (the hypervisor prints its own view). */
void printk(int level, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	(void)level;
	if (booted_out)
		return;
	va_start(ap, fmt);
	vfmt(line, sizeof(line), fmt, ap);
	va_end(ap);
	Print(L"vfvisor.efi: %a", line);
}

static EFI_STATUS fail(EFI_STATUS st, const char *what, const CHAR16 *name)
{
	Print(L"vfvisor.efi: error: %a%s: %r\n", what, name ? name : L"", st);
	return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
}

/* Read \EFI\vfvisor\@name whole into pool memory. */
static EFI_STATUS file_read(EFI_FILE_HANDLE root, const CHAR16 *name, void **buf, UINTN *size)
{
	CHAR16 path[128];
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *fi;
	EFI_STATUS st;

	SPrint(path, sizeof(path), L"%s%s", DIR, name);
	st = uefi_call_wrapper(root->Open, 5, root, &fh, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	fi = LibFileInfo(fh);
	if (!fi || fi->FileSize > FILE_MAX) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return fi ? EFI_BAD_BUFFER_SIZE : EFI_DEVICE_ERROR;
	}
	*size = fi->FileSize;
	FreePool(fi);
	*buf = AllocatePool(*size + 1);
	if (!*buf) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return EFI_OUT_OF_RESOURCES;
	}
	st = uefi_call_wrapper(fh->Read, 3, fh, size, *buf);
	((char *)*buf)[*size] = '\0';
	uefi_call_wrapper(fh->Close, 1, fh);
	return st;
}

/* ELF64 as much as the loader needs */
struct elf_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __attribute__((packed));

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} __attribute__((packed));

/* Place the PT_LOAD segments at their physical addresses; the 64-bit entry
 * comes from the boot header (VF_BOOT_HDR_MAGIC). */
static EFI_STATUS elf_load(const uint8_t *f, UINTN size, uint64_t *entry)
{
	const struct elf_ehdr *eh = (const void *)f;
	uint64_t lo = ~0ull, hi = 0, base;
	EFI_STATUS st;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
	    eh->machine != 62 || eh->phentsize != sizeof(struct elf_phdr) || !eh->phnum ||
	    eh->phoff > size || (uint64_t)eh->phnum * sizeof(struct elf_phdr) > size - eh->phoff)
		return fail(EFI_LOAD_ERROR, "vfvisor.elf is not an x86-64 ELF image", NULL);
	const struct elf_phdr *ph = (const void *)(f + eh->phoff);

	for (unsigned int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != 1 || !ph[i].memsz)
			continue;
		if (ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
		    ph[i].filesz > ph[i].memsz || ph[i].paddr + ph[i].memsz < ph[i].paddr ||
		    ph[i].paddr + ph[i].memsz > (4ull << 30))
			return fail(EFI_LOAD_ERROR, "vfvisor.elf has a malformed segment", NULL);
		lo = ph[i].paddr < lo ? ph[i].paddr : lo;
		hi = ph[i].paddr + ph[i].memsz > hi ? ph[i].paddr + ph[i].memsz : hi;
	}
	if (lo >= hi)
		return fail(EFI_LOAD_ERROR, "vfvisor.elf has nothing to load", NULL);
	base = lo & ~0xFFFull;
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderCode,
			       PAGES(hi - base), &base);
	if (EFI_ERROR(st)) {
		Print(L"vfvisor.efi: error: memory at 0x%lx-0x%lx for vfvisor.elf is taken: %r\n",
		      lo, hi, st);
		return st;
	}
	for (unsigned int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != 1 || !ph[i].memsz)
			continue;
		CopyMem((void *)(uintptr_t)ph[i].paddr, (void *)(f + ph[i].offset), ph[i].filesz);
		SetMem((void *)(uintptr_t)(ph[i].paddr + ph[i].filesz), ph[i].memsz - ph[i].filesz,
		       0);
	}
	for (uint64_t a = lo; a + 16 <= lo + HDR_SCAN && a + 16 <= hi; a += 8) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;

		if (!memcmp(p, VF_BOOT_HDR_MAGIC, 8)) {
			memcpy(entry, p + 8, 8);
			if (*entry < lo || *entry >= hi)
				break;
			return EFI_SUCCESS;
		}
	}
	return fail(EFI_LOAD_ERROR, "vfvisor.elf has no 64-bit boot header", NULL);
}

/* One module: \EFI\vfvisor\@name into page-aligned loader memory. */
static EFI_STATUS module_load(EFI_FILE_HANDLE root, const char *name, struct boot_info *bi)
{
	CHAR16 wname[BOOT_MODNAME_MAX];
	EFI_PHYSICAL_ADDRESS at;
	struct boot_module *m;
	UINTN size, i;
	void *buf;
	EFI_STATUS st;

	if (bi->mod_count == BOOT_MODS_MAX)
		return fail(EFI_OUT_OF_RESOURCES, "too many modules in modules.txt", NULL);
	for (i = 0; name[i] && i < BOOT_MODNAME_MAX - 1; i++)
		wname[i] = (CHAR16)(unsigned char)name[i];
	wname[i] = 0;
	st = file_read(root, wname, &buf, &size);
	if (EFI_ERROR(st))
		return fail(st, "cannot read module \\EFI\\vfvisor\\", wname);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
			       PAGES(size ? size : 1), &at);
	if (EFI_ERROR(st))
		return fail(st, "no memory for module ", wname);
	CopyMem((void *)(uintptr_t)at, buf, size);
	FreePool(buf);
	m = &bi->mods[bi->mod_count++];
	m->start = at;
	m->end = at + size;
	str_copy(m->cmdline, name, sizeof(m->cmdline));
	return EFI_SUCCESS;
}

/* modules.txt: one file name per line (# comments); absent: no modules. */
static EFI_STATUS modules_load(EFI_FILE_HANDLE root, struct boot_info *bi)
{
	char *text, *p, *line;
	UINTN size;
	EFI_STATUS st = file_read(root, L"modules.txt", (void **)&text, &size);

	if (st == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (EFI_ERROR(st))
		return fail(st, "cannot read \\EFI\\vfvisor\\modules.txt", NULL);
	for (p = text; *p;) {
		line = p;
		while (*p && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		for (char *e = line + strlen(line); e > line && (e[-1] == '\r' || e[-1] == ' ');)
			*--e = '\0';
		if (!*line || *line == '#')
			continue;
		st = module_load(root, line, bi);
		if (EFI_ERROR(st))
			break;
	}
	FreePool(text);
	return st;
}

static void cmdline_load(EFI_FILE_HANDLE root, struct boot_info *bi)
{
	char *text;
	UINTN size;

	if (EFI_ERROR(file_read(root, L"cmdline.txt", (void **)&text, &size)))
		return;
	for (UINTN i = 0; i < size; i++)
		if (text[i] == '\r' || text[i] == '\n')
			text[i] = ' ';
	while (size && text[size - 1] == ' ')
		text[--size] = '\0';
	str_copy(bi->cmdline, text, sizeof(bi->cmdline));
	FreePool(text);
}

static bool rsdp_find(EFI_SYSTEM_TABLE *st, struct boot_info *bi)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;

	for (int pass = 0; pass < 2; pass++)
		for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
			EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

			if (CompareGuid(&t->VendorGuid, pass ? &acpi10 : &acpi20))
				continue;
			bi->rsdp_len = pass ? 20 : 36;
			CopyMem(bi->rsdp, t->VendorTable, bi->rsdp_len);
			return true;
		}
	return false;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root;
	EFI_PHYSICAL_ADDRESS bi_at = 0xFFFFFFFF;
	struct boot_info *bi;
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN map_size = 0, cap, key, dsize, size;
	UINT32 dver;
	uint64_t entry;
	void *elf;
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"vfvisor.efi: loading \\EFI\\vfvisor\\vfvisor.elf\n");
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return fail(st, "no loaded image protocol", NULL);
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return fail(EFI_NOT_FOUND, "cannot open the volume vfvisor.efi came from", NULL);

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
			       PAGES(sizeof(*bi)), &bi_at);
	if (EFI_ERROR(st))
		return fail(st, "no memory below 4 GiB for the boot information", NULL);
	bi = (struct boot_info *)(uintptr_t)bi_at;
	SetMem(bi, sizeof(*bi), 0);
	bi->fw = FW_UEFI;
	bi->efi_systab = (uint64_t)(uintptr_t)systab;
	str_copy(bi->loader, "vfvisor.efi", sizeof(bi->loader));

	st = file_read(root, L"vfvisor.elf", &elf, &size);
	if (EFI_ERROR(st))
		return fail(st, "cannot read \\EFI\\vfvisor\\vfvisor.elf", NULL);
	st = elf_load(elf, size, &entry);
	FreePool(elf);
	if (EFI_ERROR(st))
		return st;
	cmdline_load(root, bi);
	st = modules_load(root, bi);
	if (EFI_ERROR(st))
		return st;
	if (!rsdp_find(systab, bi))
		return fail(EFI_NOT_FOUND, "no ACPI table in the EFI configuration table", NULL);

	/* The map grows when we allocate its buffer: leave room for that. */
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL || !dsize)
		return fail(st, "GetMemoryMap did not give a size", NULL);
	cap = map_size + 16 * dsize;
	map = AllocatePool(cap);
	if (!map)
		return fail(EFI_OUT_OF_RESOURCES, "no memory for the memory map", NULL);
	Print(L"vfvisor.efi: %d module(s), entering vfvisor at 0x%lx\n", bi->mod_count, entry);
	for (int tries = 0;; tries++) {
		map_size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			return tries ? EFI_ABORTED : fail(st, "GetMemoryMap failed", NULL);
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st))
			break;
		/* The map changed under us: fetch it again (nothing else is allowed
		 * between the attempts). */
		if (tries == 8)
			return EFI_ABORTED;
	}
	booted_out = true;
	if (efi_mmap_convert(&bi->mmap, map, map_size / dsize, dsize, "vfvisor.efi") ||
	    !memmap_total(&bi->mmap, MEM_USABLE))
		memmap_init(&bi->mmap); /* the hypervisor refuses an empty map */
	bi->mmap_from_efi = true;
	((void (*)(struct boot_info *, uint64_t))(uintptr_t)entry)(bi, VF_BOOT_INFO_MAGIC);
	return EFI_ABORTED; /* not reached */
}
