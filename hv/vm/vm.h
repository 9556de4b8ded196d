/* SPDX-License-Identifier: MIT */
/*
 * Guests: one struct vm per configured guest, one struct vcpu per physical
 * CPU it was given (pinned, no scheduler). The vendor backends (hv/svm,
 * hv/vmx) plug in through struct vcpu_ops and hand every exit back in the
 * normalised form of struct vcpu_exit, which hv/vm/exit.c handles for both.
 */
#ifndef VF_VM_H
#define VF_VM_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/vm/con_line.h"
#include "hv/vm/config.h"
#include "hv/vm/regs.h"
#include "hv/vm/vcpu.h"
#include "lib/pt.h"
#include "lib/ratelimit.h"
#include "lib/spinlock.h"
#include "hv/platform/vmsix.h"
#include "hv/platform/vbus.h"
#include "hv/platform/vpci.h"
#include "hv/platform/vpit.h"
#include "hv/platform/vreset.h"
#include "hv/platform/vrtc.h"
#include "hv/platform/vuart.h"
#include "hv/platform/vuart_pci.h"
#include "hv/vm/reset_log.h"
#include "hv/vm/vm_ram.h"

struct palloc;

#define VM_MAX	     CONFIG_MAX_GUESTS
#define VM_MAX_VCPUS 8
#define VM_CON_RING  16384 /* guest console bytes in flight to the service CPU */
/* Console bytes the service CPU sends per pass, all guests together: about
 * 45 ms at 115200 baud, so that the mailbox (igbvf gives up after ~1 s) and
 * the IOMMU's faults are served between passes. */
#define VM_CON_PASS 512
#define VM_MMIO_MAX 8
#define VM_STOP_MAX 128
/* The guest's PCI: the memory window its DSDT declares, and its ECAM. */
#define VM_PCI_WIN_GPA	0xC0000000ull
#define VM_PCI_WIN_SIZE 0x10000000ull
#define VM_ECAM_GPA	0xE0000000ull
/* RAM: from 0 up to the PCI window, the rest from 4 GiB. */
#define VM_LOW_RAM_MAX VM_PCI_WIN_GPA
#define VM_HIGH_GPA    (1ull << 32)

/* Why a vCPU left the guest, in the backends' common terms. */
enum exit_reason {
	EXIT_CPUID,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_IO,
	EXIT_MMIO, /* a guest-physical access nested paging does not map */
	/* A write to the x2APIC ICR, counted apart from other MSRs: exit.c
	 * tells it from EXIT_MSR_WRITE (no backend reports it). */
	EXIT_ICR,
	EXIT_SHUTDOWN,
	EXIT_HLT,
	EXIT_INTR,
	EXIT_NMI,
	EXIT_EXCEPTION,
	EXIT_UD_INSN, /* an instruction the guest may not use: it gets #UD */
	EXIT_INVD,
	EXIT_CR_WRITE, /* MOV to CR0 or CR4 that the backend intercepts */
	EXIT_INVALID,  /* the backend refused the guest state */
	EXIT_OTHER,
	EXIT_REASONS
};

const char *exit_reason_name(enum exit_reason r);

struct vcpu_exit {
	enum exit_reason reason;
	uint64_t hw_code;  /* the backend's own exit code, for messages */
	uint64_t next_rip; /* 0 when the hardware did not say; port exits must */
	union {
		struct {
			uint16_t port;
			uint8_t size; /* 1, 2 or 4 */
			bool in, string, rep;
		} io;
		struct {
			uint64_t gpa;
			bool write, fetch, present;
		} mmio;
		struct {
			uint32_t msr; /* from RCX, by exit.c */
		} msr;
		struct {
			uint8_t vector;
		} exc;
		struct {
			uint8_t cr;
			int8_t reg; /* the source register, -1: decode the instruction */
			bool cs_l;  /* in 64-bit mode (CS.L with EFER.LMA) */
		} cr;
	};
};

struct vm;
struct iommu_domain;

/* Where a vCPU is in its start-up (the boot vCPU starts RUNNING). */
enum vcpu_state {
	VCPU_WAIT_INIT, /* an AP before the guest's INIT */
	VCPU_WAIT_SIPI, /* INIT received: waiting for a start-up IPI */
	VCPU_STARTING,	/* start-up IPI received: enter at sipi_vector:0000 */
	VCPU_RUNNING,
};

struct vcpu {
	struct vm *vm;
	unsigned int index; /* within the guest */
	unsigned int cpu;   /* the physical CPU (index into cpus[]) */
	uint32_t apic_id;
	struct vcpu_regs regs;
	void *arch;	     /* the backend's state */
	uint64_t mtrr_def;   /* emulated MTRRdefType */
	uint64_t mtrr[0x70]; /* emulated MTRRs 0x200-0x26F: plain storage */
	uint64_t exits[EXIT_REASONS];
	volatile enum vcpu_state state;
	volatile uint8_t sipi_vector;
	/* An NMI the guest sent to this vCPU, delivered by the backend when
	 * the guest can take it (not inside its NMI handler, nor with another
	 * event being delivered). Set from any of the guest's CPUs, which then
	 * kick this one with a physical NMI; every physical NMI is a kick. */
	volatile bool nmi_pending;
	bool flush_tlb; /* its guest-physical map changed: flush on entry */
};

/* One of the guest's VFs (vm_vf.c). */
struct vm_vf {
	struct vm *vm;
	unsigned int n;	    /* its number on the NIC */
	unsigned int index; /* in the guest's: at 00:(index + 1).0 on its bus */
	uint16_t seg;
	uint8_t bus, devfn, pcie_cap, msix_cap;
	uint64_t bar_hpa[6];
	unsigned int msix_bar, pba_bar, msix_region, msix_entries;
	uint64_t win_base, win_size; /* the guest's PCI window */
	uint32_t table_off, pba_off;
	uint64_t msix_gpa;
	int irte[VMSIX_MAX_ENTRIES];
	uint8_t msix_told[VMSIX_MAX_ENTRIES];	     /* enum vmsix_why last logged per entry */
	struct ratelimit msix_log, bar_log, flr_log; /* a guest must not flood the log */
	struct vpci vpci;			     /* its function on the guest's bus */
	struct vmsix msix;
};

enum refusal { REFUSED_IO, REFUSED_MSR, REFUSED_MMIO, REFUSED_KINDS };

/* Why the guest stopped, as its stopper decides what follows. */
enum vm_stop_kind {
	VM_STOP_PLAIN,	 /* a fault, a power-off, the operator's stop: it stays stopped */
	VM_STOP_RESET,	 /* the guest reset: restarted, unless on_reset = stop or
			  * reset_limit says it resets too often */
	VM_STOP_RESTART, /* the operator's restart */
};

/* An emulated guest-physical range (read: fill *@val; write: take @val). */
struct mmio_region {
	uint64_t gpa, len;
	const char *name;
	uint64_t (*read)(struct vm *vm, uint64_t gpa, unsigned int size);
	void (*write)(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val);
};

struct vm {
	char name[CONFIG_NAME_MAX + 1];
	unsigned int index;
	const struct guest_cfg *cfg;
	/* Guest-physical [0, ram_size) and, past VM_LOW_RAM_MAX, [VM_HIGH_GPA,
	 * VM_HIGH_GPA + ram_high_size), in pieces of host memory (vm_ram.h). */
	uint64_t ram_size, ram_high_size;
	struct vm_ram ram;
	/* Guest-physical to host-physical: the backend's nested paging
	 * (NPT or EPT), in its format; only the backend's ops change it. */
	struct pt_table gpa_map;
	struct iommu_domain *dma; /* its VFs' IOMMU domain: the same map, or NULL */
	struct vm_vf vf[CONFIG_GUEST_VFS];
	unsigned int nvf; /* given to it: vf[0..nvf) */
	unsigned int vcpu_count;
	struct vcpu vcpu[VM_MAX_VCPUS];
	struct mmio_region mmio[VM_MMIO_MAX];
	unsigned int mmio_count;

	spinlock_t uart_lock; /* the guest CPU and the service CPU (input) */
	struct vuart uart;
	spinlock_t io_lock; /* the guest's vCPUs: the RTC, the PIT, starting APs */
	struct vbus bus;    /* its PCI bus: host bridge, VF, serial port (io_lock) */
	/* The serial port's PCI function (io_lock) and its MSI as uart_irq
	 * sends it (vm_uart.c: atomic, 0 while none may be sent). */
	struct vuart_pci uart_pci;
	struct vbus_fn uart_fn;
	uint64_t uart_msi, uart_irqs;
	uint8_t uart_msi_told; /* enum vmsix_why last logged */
	struct ratelimit uart_log;
	struct vrtc rtc; /* the host's time, read-only */
	struct vpit pit; /* channel 2 and port 0x61, for Linux's calibration */
	/* Console output: written by the guest's CPU, drained by the service
	 * CPU (single producer, single consumer). */
	uint8_t con[VM_CON_RING];
	uint32_t con_head, con_tail, con_dropped;
	struct con_line con_line;  /* the line being put together, cleaned */
	uint32_t con_dropped_told; /* con_dropped when last reported */
	struct ratelimit con_drop_log;

	uint64_t refused_io, refused_msr, refused_mmio;
	/* Refused accesses logged per kind (a guest must not flood the log),
	 * under log_lock: any of its vCPUs, io_lock held or not. */
	struct ratelimit refuse_log[REFUSED_KINDS];
	spinlock_t log_lock;
	volatile bool stopped;
	char stop_reason[VM_STOP_MAX];
	struct vcpu *stopper;	     /* the vCPU that stopped it: it prints the report */
	enum vm_stop_kind stop_kind; /* written by the stopper with the reason */

	/* Restarts (vm_restart.c). Once stopped, each vCPU goes back to its
	 * CPU's idle loop (parked counts them); a restart asked for by the
	 * guest or the operator is then built on the first vCPU's CPU. */
	const struct boot_info *bi; /* its kernel, initrd: loaded afresh */
	struct vreset reset;	    /* port 0xcf9 */
	struct reset_log resets;    /* against reset_limit; the stopper's */
	unsigned int restarts;	    /* since the hypervisor started */
	volatile unsigned int parked;
	volatile bool restart;	  /* asked for: built once all are parked */
	volatile bool rebuilding; /* handed to the first vCPU's CPU */
};

/* The hypervisor's pointer to [@gpa, @gpa+@len) of @vm's RAM, or NULL if
 * any of it lies outside (or across two pieces of host memory: they are 2
 * MiB-aligned in guest-physical space, so a page never is). */
static inline void *vm_ram_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t hpa;

	return vm_ram_hpa(&vm->ram, gpa, len, &hpa) ? (void *)(uintptr_t)hpa : NULL;
}

/* All of @vm's RAM, in bytes. */
static inline uint64_t vm_ram_total(const struct vm *vm)
{
	return vm->ram_size + vm->ram_high_size;
}

struct vcpu_ops {
	const char *name;
	/* On the service CPU: what the physical CPU @cpu needs (host save area,
	 * VMXON region); no hardware touched. */
	int (*cpu_prepare)(unsigned int cpu, struct palloc *pa);
	/* On CPU @cpu itself, before its first vCPU runs. */
	int (*cpu_enable)(unsigned int cpu);
	/* On the service CPU: the guest's empty memory map (NPT or EPT). */
	int (*vm_init)(struct vm *vm, struct palloc *pa);
	/* Bytes of the backend's state per vCPU: v->arch, zeroed, from the
	 * common pool (vcpu.c) before vcpu_create. */
	size_t arch_size;
	/* On the service CPU: the vCPU's control structures, set to enter in
	 * state @st (v->regs is common code's). The VM's memory map is
	 * complete (vm->gpa_map) by then. */
	int (*vcpu_create)(struct vcpu *v, const struct vcpu_boot_state *st, struct palloc *pa);
	/* Enter the guest with v->regs; return with v->regs and @e filled. */
	void (*vcpu_run)(struct vcpu *v, struct vcpu_exit *e);
	/* On the vCPU's own CPU: its guest state becomes @st (an AP after
	 * INIT and a start-up IPI; v->regs is common code's). */
	void (*vcpu_reset)(struct vcpu *v, const struct vcpu_boot_state *st);
	/* Deliver an exception (with @err if @has_err) on the next entry.
	 * Common code calls it through vcpu_inject_fault, which knows when an
	 * exception has an error code. */
	void (*inject_exception)(struct vcpu *v, uint8_t vector, bool has_err, uint32_t err);
	/* The hypervisor completed an instruction for the guest (emulated it;
	 * v->regs.rip is past it): end an STI/MOV-SS interrupt shadow and, if
	 * RFLAGS.TF was set, raise the single-step #DB, as the CPU would. */
	void (*insn_done)(struct vcpu *v);
	/* Guest control state the exit handlers need. */
	uint64_t (*read_cr)(struct vcpu *v, unsigned int cr); /* 0, 3, 4 */
	uint64_t (*read_efer)(struct vcpu *v);		      /* as the guest sees it */
	int (*write_efer)(struct vcpu *v, uint64_t efer);     /* -EINVAL: #GP */
	/* A CR0/CR4 write the rules (cr_policy.c) allow; -EINVAL: #GP. */
	int (*write_cr)(struct vcpu *v, unsigned int cr, uint64_t val);
	/* Map [gpa, gpa+len) to [hpa, ...); @uncached for device memory. The
	 * largest leaves the CPU has (1 GiB included); all or nothing: a failed
	 * call has changed nothing. */
	int (*map)(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t len, bool uncached);
	/* Unmap [gpa, gpa+len); all or nothing, as map. The vCPUs' cached
	 * translations must be flushed before the range is relied on (not
	 * done here yet: see issue 7). */
	int (*unmap)(struct vm *vm, uint64_t gpa, uint64_t len);
};

extern const struct vcpu_ops svm_vcpu_ops;
extern const struct vcpu_ops vmx_vcpu_ops;

extern struct vm vms[VM_MAX];
/* The host's wall clock at TSC @vm_clock_tsc (unix seconds; 0 if unknown). */
extern int64_t vm_clock_unix;
extern uint64_t vm_clock_tsc;
extern unsigned int vm_count;

struct boot_info;
/* Build guest @g into @vm (memory, image, tables, vCPUs); nothing runs yet.
 * On error the guest's RAM is given back and a message names the guest. */
int vm_create(struct vm *vm, const struct guest_cfg *g, const struct boot_info *bi,
	      struct palloc *pa);
/* Start each of @vm's vCPUs on its CPU. */
void vm_start(struct vm *vm);
/* On @vm's first vCPU's CPU, every vCPU parked: its RAM cleared and its
 * kernel, initrd, command line and vACPI loaded afresh, its devices and
 * counters as at boot, its first vCPU set to enter the kernel and the
 * others to wait for INIT. Its VF is the caller's. */
int vm_rebuild(struct vm *vm);

/* The vCPU ops of this machine's backend, or NULL. */
const struct vcpu_ops *vm_backend(void);
void vm_set_backend(const struct vcpu_ops *ops);

/* Inject exception @vector with error code @err where the architecture
 * pushes one (vectors 8, 10-14, 17, 21, 29, 30; never in real mode). */
void vcpu_inject_fault(struct vcpu *v, uint8_t vector, uint32_t err);

/* exit.c: the per-vCPU loop, on the vCPU's own CPU, until the guest stops. */
void vcpu_loop(struct vcpu *v);
/* Stop @v's guest (the first caller's reason counts) and kick its other
 * vCPUs; the vCPU that stopped it then prints "guest NAME: stopped: REASON"
 * and the counters (vm.c). */
void vm_stop(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As vm_stop, for a reset the guest asked for (vm_restart.c decides
 * whether it restarts) or another @kind. */
void vm_stop_kind(struct vcpu *v, enum vm_stop_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print each exit reason's count for @vm. */
void vm_print_counters(struct vm *vm);

/* vcpu_end.c: a vCPU's end on its CPU. */
struct trap_frame;
/* @v runs on its CPU (v->cpu) from now on. */
void vcpu_bind_cpu(struct vcpu *v);
/* On @v's CPU, its loop over: the guest's timer off; the vCPU that stopped
 * the guest quiesces its VF and prints the report, or "restarting" and
 * asks for the restart (restart_due). */
void vcpu_finish(struct vcpu *v);
/* On @v's CPU, after vcpu_finish: the local APIC made the hypervisor's
 * again and @v counted as parked; the CPU then goes back to its idle loop,
 * where a restart or a start finds it. */
void vcpu_park(struct vcpu *v);
/* The exception hook (hv/core/idt.c): an exception in the hypervisor on
 * CPU @cpu stops the guest that CPU runs as vm_stop() would, then finishes
 * its vCPU; a CPU with no vCPU is left alone. */
void vcpu_exception(unsigned int cpu, const struct trap_frame *f);

/* The guest's serial port (vm_uart.c): its vUART, PCI function and MSI as
 * at power-on, the function put on the guest's bus (made afresh before). */
void vm_uart_reset(struct vm *vm);
/* The guest stopped: no interrupt from its serial port from now on. */
void vm_uart_stop(struct vm *vm);
/* Whether @guest_apic_id is one of @vm's CPUs, and its physical APIC ID
 * (the same: guests see their CPUs' real IDs). For MSI checks. */
bool vm_guest_dest(void *vm, uint32_t guest_apic_id, uint32_t *phys_apic_id);

/* The guest console: the guest's COM1 output, drained by the service CPU. */
void vm_con_put(struct vm *vm, uint8_t c);
/* Print @vm's console lines (cleaned: con_line.h) until about @budget bytes
 * have gone to the console; returns the bytes sent (the rest waits). */
unsigned int vm_con_drain(struct vm *vm, unsigned int budget);
/* One service pass over the @n guests at @vms: about @budget bytes of their
 * output in all, from a different guest each pass so that a chatty one
 * cannot starve the others; @step (if not NULL) is told each guest's name
 * before its turn (the watchdog's stage). True if output is left for the
 * next pass. */
bool vm_con_pass(struct vm *vms, unsigned int n, unsigned int budget,
		 void (*step)(const char *name));

#endif
