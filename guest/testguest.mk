# The bare-metal test guest (guest/testguest/README.md): a minimal bzImage
# that the Linux loader takes like a kernel. Included by the top-level
# Makefile, which defines BUILD.
#   $(BUILD)/guest/testguest   the bzImage (objcopy -O binary of the link:
#                              setup part, then the part loaded at 16 MiB)

TG_DIR	  := $(BUILD)/guest/tg
TG_IMAGE  := $(BUILD)/guest/testguest
TG_SRC_C  := $(sort $(wildcard guest/testguest/*.c))
TG_SRC_AS := $(sort $(wildcard guest/testguest/*.asm))
TG_OBJS	  := $(TG_SRC_C:guest/testguest/%.c=$(TG_DIR)/%.o) \
	     $(TG_SRC_AS:guest/testguest/%.asm=$(TG_DIR)/%.asm.o)
TG_LDS	  := guest/testguest/testguest.ld

# Freestanding at a fixed address: no PIC, no red zone (interrupts use the
# same stack), no SSE (the trap stubs save only general registers), and no
# loop turned into a call to the memset being defined.
TG_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fcf-protection=none \
	-fno-tree-loop-distribute-patterns -iquote guest/testguest -MMD -MP

.PHONY: testguest
testguest: $(TG_IMAGE)

$(TG_DIR)/%.o: guest/testguest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TG_CFLAGS) -c $< -o $@

$(TG_DIR)/%.asm.o: guest/testguest/%.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -MD $(@:.o=.d) -MP $< -o $@

$(TG_DIR)/testguest.elf: $(TG_OBJS) $(TG_LDS)
	ld -nostdlib -static --build-id=none -z max-page-size=0x1000 -z noexecstack \
		--no-warn-rwx-segments \
		-T $(TG_LDS) -o $@ $(TG_OBJS)

$(TG_IMAGE): $(TG_DIR)/testguest.elf
	objcopy -O binary $< $@

-include $(TG_OBJS:.o=.d)
