# vfvisor — top-level build.  `make` builds the image and the ISO; `make check`
# installs what is missing and runs every test layer; `make run` boots the ISO.

BUILD	 := build
CC	 := gcc
NASM	 := nasm
HOST_CC	 := gcc

# `make` alone builds `all`, not the first target of the included files.
.DEFAULT_GOAL := all

# The Linux guest images ($(GUEST_IMAGES)), from Debian packages, and the
# bare-metal test guest ($(TG_IMAGE)).
include guest/guest.mk
include guest/testguest.mk

# Every C and assembly file under these directories is part of the image.
HV_DIRS	  := $(wildcard boot lib hv/core hv/vm hv/platform hv/vmx hv/svm drivers/* iommu)
# Every include names its folder from the top: #include "hv/platform/vpci.h".
INCLUDES  := -iquote .

HV_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-fcf-protection=none $(INCLUDES) -MMD -MP
HV_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,-T,linker.ld

# regs_inc.c is no code of the image: it makes guest_regs.inc (below).
HV_C	  := $(filter-out hv/vm/regs_inc.c,$(sort $(wildcard $(addsuffix /*.c,$(HV_DIRS)))))
HV_ASM	  := $(sort $(wildcard $(addsuffix /*.asm,$(HV_DIRS))))
HV_OBJS	  := $(HV_C:%.c=$(BUILD)/hv/%.o) $(HV_ASM:%.asm=$(BUILD)/hv/%.asm.o)

.PHONY: all deps check check-unit check-system check-vmx check-kvm check-format bench run run-efi format clean install uninstall
all: $(BUILD)/vfvisor.elf $(BUILD)/vfvisor.iso $(BUILD)/vfvisor.efi $(BUILD)/esp.img

deps:
	@scripts/deps.sh

$(BUILD)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.asm.o: %.asm $(BUILD)/gen/guest_regs.inc
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -Iboot/ -I./ -I$(BUILD)/gen/ -MD $(@:.o=.d) -MP $< -o $@

# struct vcpu_regs's offsets for the entry stubs, as the compiler lays it out:
# the "@@ " lines of regs_inc.c's assembly (a mismatch cannot be written).
$(BUILD)/gen/guest_regs.inc: hv/vm/regs_inc.c hv/vm/regs.h
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -MF $(@:.inc=.d) -MT $@ -S $< -o - | sed -n 's/^[[:space:]]*@@ //p' >$@.tmp
	@test -s $@.tmp && mv $@.tmp $@

$(BUILD)/vfvisor.elf: $(HV_OBJS) linker.ld
	$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS) -lgcc

# One ISO boots under both legacy BIOS and UEFI (grub-mkrescue makes it hybrid).
# VFVISOR_CMDLINE is the hypervisor's command line inside it.
# The modules: the demo configuration (guest/vfvisor.conf), one kernel and,
# under each guest's name, the same initramfs.
VFVISOR_CMDLINE ?= loglevel=2 selftest=nic
GUEST_MODULES := $(BUILD)/guest/vmlinuz=vmlinuz $(BUILD)/guest/initrd.gz=initrd-alpha \
	$(BUILD)/guest/initrd.gz=initrd-beta guest/vfvisor.conf=vfvisor.conf
$(BUILD)/vfvisor.iso: $(BUILD)/vfvisor.elf scripts/mkiso.sh $(GUEST_IMAGES) guest/vfvisor.conf FORCE
	@scripts/mkiso.sh $@ $(BUILD)/vfvisor.elf "$(VFVISOR_CMDLINE)" $(GUEST_MODULES)
FORCE:

# ---- direct UEFI boot: vfvisor.efi (GNU-EFI) and an ESP image -------------
EFI_INC  := /usr/include/efi
EFI_LIB  := /usr/lib
EFI_SRCS := boot/efi/efi_main.c boot/efi_mmap.c hv/core/memmap.c lib/format.c lib/str.c lib/libc.c
EFI_OBJS := $(EFI_SRCS:%.c=$(BUILD)/efi/%.o)
EFI_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-stack-protector -fpic \
	-fshort-wchar -mno-red-zone -mgeneral-regs-only -maccumulate-outgoing-args \
	-DGNU_EFI_USE_MS_ABI -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 $(INCLUDES)

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/vfvisor-efi.so: $(EFI_OBJS)
	ld -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LIB)/elf_x86_64_efi.lds \
		$(EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) -L$(EFI_LIB) -lefi -lgnuefi -o $@

$(BUILD)/vfvisor.efi: $(BUILD)/vfvisor-efi.so
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
		-j .rela -j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@

$(BUILD)/esp.img: $(BUILD)/vfvisor.efi $(BUILD)/vfvisor.elf scripts/mkesp.sh $(GUEST_IMAGES) FORCE
	@scripts/mkesp.sh $@ $(BUILD)/vfvisor.efi $(BUILD)/vfvisor.elf "$(VFVISOR_CMDLINE)" \
		$(GUEST_MODULES)

# ---- host unit tests (cmocka) ---------------------------------------------
UNIT_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer $(INCLUDES) -iquote tests/unit \
	-DHOST_TEST -D_DEFAULT_SOURCE
UNIT_TESTS :=
# Each tests/unit/NAME.mk adds NAME to UNIT_TESTS and sets UNIT_SRCS_NAME.
include $(sort $(wildcard tests/unit/*.mk))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/unit/%)

define unit_rule
$(BUILD)/unit/$(1): $$(UNIT_SRCS_$(1)) $$(wildcard tests/unit/*.h $$(addsuffix /*.h,$(HV_DIRS)))
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(UNIT_CFLAGS) -o $$@ $$(UNIT_SRCS_$(1)) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

# ---- fuzzing (libFuzzer): make fuzz, make check-fuzz ------------------------
include tests/fuzz/fuzz.mk

# The guest kernel too: the Linux loader's test parses and loads it. The
# bench's parsing is checked here too (host only, a few seconds).
check-unit: $(UNIT_BINS) $(GUEST_KERNEL)
	@tests/unit/run.sh $(BUILD)/results/unit.txt $(UNIT_BINS); u=$$?; \
	 tests/bench/test.sh $(BUILD)/results/bench-parse.txt && exit $$u

# ---- system tests (QEMU TCG) ------------------------------------------------
# check-kvm runs the same scripts under KVM, so it needs the same images.
SYSTEM_DEPS = $(BUILD)/vfvisor.elf $(BUILD)/vfvisor.efi $(BUILD)/vfvisor.iso $(GUEST_IMAGES) $(GUEST_DPDK_INITRD) \
	$(TG_IMAGE)
check-system: $(SYSTEM_DEPS)
	@tests/system/run.sh $(BUILD)/results/system.txt

# ---- VT-x in Bochs; VT-x under KVM where a host can nest it -----------------
check-vmx: $(BUILD)/vfvisor.elf $(TG_IMAGE) $(GUEST_IMAGES)
	@tests/vmx/run.sh $(BUILD)/results/vmx.txt

# vfvisor's guests against bare Linux on the same emulated NIC: transfer
# times, exits per packet, idle exits, boot (figures, not a test). BENCH_R
# transfers a side (default 5); BENCH_BASELINE=0 and BENCH_IDLE=0 leave the
# bare side and the idle figure out (tests/bench/run.sh).
BENCH_R ?= 5
BENCH_BASELINE ?= 1
BENCH_IDLE ?= 1
bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/vfvisor.elf $(GUEST_IMAGES) $(GUEST_BENCH_INITRD)
	@tests/bench/test.sh
	@BENCH_R=$(BENCH_R) BENCH_BASELINE=$(BENCH_BASELINE) BENCH_IDLE=$(BENCH_IDLE) tests/bench/run.sh

# The system tests (tests/system/run.sh) under KVM with VT-x, or one SKIP.
check-kvm: $(SYSTEM_DEPS)
	@tests/kvm/run.sh $(BUILD)/results/kvm.txt

check:
	@$(MAKE) --no-print-directory deps
	@rm -rf $(BUILD)/results
	@start=$$(date +%s); \
	 $(MAKE) --no-print-directory -k check-format check-unit check-fuzz check-system check-vmx check-kvm; \
	 tests/summary.sh $(BUILD)/results $$start

# The demo: the console here, then a summary (scripts/run-demo.sh; log in
# build/run/). scripts/run-qemu.sh ISO is the plain console.
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/vfvisor.iso
	@scripts/run-demo.sh $(BUILD)/vfvisor.iso

# Boot vfvisor.efi straight from OVMF, no GRUB.
run-efi: deps
	@$(MAKE) --no-print-directory $(BUILD)/esp.img
	@FW=uefi scripts/run-demo.sh $(BUILD)/esp.img

# On a real machine (install/README.md): the hypervisor, an example
# configuration and the GRUB entry script under DESTDIR; uninstall removes
# exactly what install wrote.
install: $(BUILD)/vfvisor.elf
	@install/install.sh install "$(DESTDIR)" $(BUILD)/vfvisor.elf

uninstall:
	@install/install.sh uninstall "$(DESTDIR)"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Style is part of the check: every tracked C file as .clang-format has it,
# and the folders include only what tests/layout.sh allows.
check-format:
	@tests/layout.sh $(BUILD)/results/layout.txt; layout=$$?; \
	 mkdir -p $(BUILD)/results; \
	 bad=$$(for f in $$(git ls-files '*.c' '*.h'); do \
		clang-format --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	 if [ -n "$$bad" ]; then echo "FAIL format: run 'make format' for:" $$bad; \
		echo "0 1 0" >$(BUILD)/results/format.txt; exit 1; fi; \
	 echo "PASS format: all C files match .clang-format"; echo "1 0 0" >$(BUILD)/results/format.txt; \
	 exit $$layout

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d) $(BUILD)/gen/guest_regs.d
