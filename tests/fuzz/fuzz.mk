# libFuzzer harnesses (tests/fuzz/NAME.c), built with clang into build/fuzz/.
# Each links the sources its unit test links (UNIT_SRCS_NAME, less the
# cmocka test file) and the same fakes; FUZZ_SRCS_NAME adds anything else.
# tests/fuzz/run.sh runs them over tests/fuzz/corpus/NAME/.
FUZZ_CC	    := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer $(INCLUDES) -iquote tests/unit \
	-DHOST_TEST -D_DEFAULT_SOURCE
FUZZ_TARGETS := config acpi dmar ivrs mb2 efi_mmap linux_boot decode gwalk vpci vmsix \
	mailbox exit vuart vrtc vpit
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
# The vPCI harness puts the serial port's function on the bus too.
FUZZ_SRCS_vpci := hv/platform/vuart_pci.c
# Seconds of fuzzing per harness for `make fuzz`, and for `make check-fuzz`.
FUZZ_S	     ?= 30
FUZZ_CHECK_S ?= 4

# exit.c includes tests/unit/test_exit.c for its fake backend and fuzz
# generator, so it is not linked a second time.
define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $$(filter-out tests/unit/test_%.c,$$(UNIT_SRCS_$(1))) \
		$$(FUZZ_SRCS_$(1)) $$(wildcard tests/fuzz/*.h tests/unit/*.h tests/unit/test_$(1).c \
		$$(addsuffix /*.h,$(HV_DIRS)))
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ tests/fuzz/$(1).c \
		$$(filter-out tests/unit/test_%.c,$$(UNIT_SRCS_$(1))) $$(FUZZ_SRCS_$(1)) -lcmocka
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: check-fuzz fuzz fuzz-corpus
# Smoke: each harness over its seed corpus plus FUZZ_CHECK_S seconds.
# Without clang or libFuzzer nothing is built and run.sh counts skips.
# A harness that does not build is counted as failed by run.sh.
check-fuzz:
	@if tests/fuzz/run.sh --probe; then $(MAKE) --no-print-directory -k $(FUZZ_BINS); fi; \
	 tests/fuzz/run.sh $(BUILD)/results/fuzz.txt $(FUZZ_CHECK_S) $(FUZZ_TARGETS)

# FUZZ_S seconds each (make fuzz FUZZ_S=600), keeping what it finds in
# build/fuzz/corpus/; FUZZ_S=0 FUZZ_RUNS=N: N executions each instead.
# FUZZ_TARGETS="decode gwalk" picks harnesses.
fuzz:
	@if tests/fuzz/run.sh --probe; then $(MAKE) --no-print-directory -k $(FUZZ_BINS); fi; \
	 FUZZ_KEEP=1 tests/fuzz/run.sh $(BUILD)/fuzz/result.txt $(FUZZ_S) $(FUZZ_TARGETS)

# Regenerate the seed corpora (tests/fuzz/mkcorpus.c) from real data where
# there is some: the guest kernel's first sectors, QEMU's IVRS, the demo
# configurations.
$(BUILD)/fuzz/mkcorpus: tests/fuzz/mkcorpus.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=c11 -O1 -Wall -Wextra -Werror $(INCLUDES) -D_DEFAULT_SOURCE -o $@ $<
fuzz-corpus: $(BUILD)/fuzz/mkcorpus $(GUEST_KERNEL)
	$(BUILD)/fuzz/mkcorpus tests/fuzz/corpus $(GUEST_KERNEL) tests/unit/test_ivrs.c
	cp guest/vfvisor.conf tests/fuzz/corpus/config/demo.conf
	cp tests/vmx/guests.conf tests/fuzz/corpus/config/vmx-guests.conf
