# The Linux guest image, from Debian packages (see guest/README.md).
# Included by the top-level Makefile, which defines BUILD.
#   $(BUILD)/guest/vmlinuz    the stock Debian kernel (package cached in
#                             $(BUILD)/guest/debs/, downloaded once)
#   $(BUILD)/guest/initrd.gz  busybox, igbvf.ko and guest/linux/init
#   $(BUILD)/guest/initrd-bench.gz  make bench's bare baseline: igb.ko too,
#                             guest/linux/bench-init as /init
#   $(BUILD)/guest/initrd-dpdk.gz   initrd.gz's, uio_pci_generic.ko and
#                             Debian's dpdk-testpmd (the DPDK system test)
# GUEST_KERNEL_PKG (environment or make variable) picks another kernel
# package than the one linux-image-amd64 depends on.

GUEST_DIR     := $(BUILD)/guest
GUEST_BUILD   := guest/linux/build.sh
GUEST_KERNEL  := $(GUEST_DIR)/vmlinuz
GUEST_INITRD  := $(GUEST_DIR)/initrd.gz
GUEST_IMAGES  := $(GUEST_KERNEL) $(GUEST_INITRD)
GUEST_BENCH_INITRD := $(GUEST_DIR)/initrd-bench.gz
GUEST_DPDK_INITRD := $(GUEST_DIR)/initrd-dpdk.gz
export GUEST_KERNEL_PKG

.PHONY: guest
guest: $(GUEST_IMAGES)

$(GUEST_KERNEL): $(GUEST_BUILD)
	@$(GUEST_BUILD) vmlinuz $(GUEST_DIR)

# On the kernel too: the modules must come from the same package, and that
# keeps make -j from fetching and unpacking it twice at once.
$(GUEST_INITRD): guest/linux/init $(GUEST_BUILD) $(GUEST_KERNEL)
	@$(GUEST_BUILD) initrd $(GUEST_DIR) guest/linux/init

# After the initrd: both unpack busybox, which make -j must not do twice.
$(GUEST_BENCH_INITRD): guest/linux/bench-init guest/linux/init $(GUEST_BUILD) $(GUEST_KERNEL) $(GUEST_INITRD)
	@$(GUEST_BUILD) initrd-bench $(GUEST_DIR) guest/linux/bench-init guest/linux/init

# After the initrd too (busybox), for the same reason.
$(GUEST_DPDK_INITRD): guest/linux/init $(GUEST_BUILD) $(GUEST_KERNEL) $(GUEST_INITRD)
	@$(GUEST_BUILD) initrd-dpdk $(GUEST_DIR) guest/linux/init
