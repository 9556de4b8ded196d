// SPDX-License-Identifier: MIT
/*
 * A minimal VF datapath inside the hypervisor, for the boot-time NIC
 * self-test: one advanced transmit descriptor on VF 0, one receive
 * descriptor on VF 1. Buffers live in the image; the hypervisor is
 * identity-mapped, so their addresses are their bus addresses.
 */
#include "lib/err.h"
#include "drivers/igb/igb_pf.h"
#include "lib/kstring.h"
#include "lib/printk.h"
#include "drivers/igb/selftest.h"
#include "drivers/timer/tsc.h"

#define RING	  8 /* descriptors per ring: 128 bytes, the minimum ring length */
#define BUF	  2048
#define FRAME_LEN 96
#define ETH_TYPE  0x88B5 /* IEEE 802 local experimental */

/* Advanced descriptors (legacy ones are not supported by QEMU's igb). */
struct adv_desc {
	uint64_t addr;
	uint32_t w2; /* tx: cmd_type_len; rx: header address low */
	uint32_t w3; /* tx: olinfo_status; rx: header address high */
};

#define TXD_DTYP_DATA	 (3u << 20)
#define TXD_DCMD_EOP	 (1u << 24)
#define TXD_DCMD_IFCS	 (1u << 25)
#define TXD_DCMD_RS	 (1u << 27)
#define TXD_DCMD_DEXT	 (1u << 29)
#define TXD_PAYLEN_SHIFT 14
#define TXD_STAT_DD	 (1u << 0)
#define RXD_STAT_DD	 (1u << 0)
#define RXD_STAT_EOP	 (1u << 1)
#define SRRCTL_ONEBUF	 (1u << 25)

/* Everything the VFs may DMA to, in one page-aligned block, so that an
 * IOMMU domain can map exactly this and nothing else of the hypervisor. */
static struct {
	struct adv_desc tx_ring[RING] __attribute__((aligned(128)));
	struct adv_desc rx_ring[RING] __attribute__((aligned(128)));
	uint8_t tx_buf[BUF] __attribute__((aligned(64)));
	uint8_t rx_buf[RING][BUF] __attribute__((aligned(64)));
} dma __attribute__((aligned(4096)));

#define tx_ring dma.tx_ring
#define rx_ring dma.rx_ring
#define tx_buf	dma.tx_buf
#define rx_buf	dma.rx_buf

void igb_selftest_dma_area(uint64_t *base, uint64_t *len)
{
	*base = (uint64_t)(uintptr_t)&dma;
	*len = (sizeof(dma) + 4095) & ~4095ull;
}

struct vf_drv {
	struct igb_pf *pf;
	const struct igb_hw *hw;
	unsigned int n;
	uint32_t mbx; /* read-to-clear mailbox bits seen so far, as igbvf keeps them */
	uint8_t mac[6];
	unsigned int flags; /* IGB_SELFTEST_* */
};

static uint32_t vrd(struct vf_drv *v, uint32_t off)
{
	return v->hw->read(v->hw->ctx, off);
}

static void vwr(struct vf_drv *v, uint32_t off, uint32_t val)
{
	v->hw->write(v->hw->ctx, off, val);
}

/* Wait for mailbox bits from the PF, serving the PF side meanwhile. */
static bool mbx_wait(struct vf_drv *v, uint32_t bits, unsigned int us)
{
	for (unsigned int t = 0; t <= us; t += 50) {
		v->mbx |= vrd(v, IGBVF_V2PMAILBOX);
		if (v->mbx & bits) {
			v->mbx &= ~bits;
			return true;
		}
		igb_mbx_poll(v->pf);
		udelay(50);
	}
	return false;
}

static bool mbx_lock(struct vf_drv *v)
{
	for (int i = 0; i < 10; i++) {
		vwr(v, IGBVF_V2PMAILBOX, IGBVF_V2P_VFU);
		v->mbx |= vrd(v, IGBVF_V2PMAILBOX);
		if (v->mbx & IGBVF_V2P_VFU)
			return true;
		igb_mbx_poll(v->pf);
	}
	return false;
}

static int mbx_send(struct vf_drv *v, const uint32_t *msg, unsigned int words)
{
	if (!mbx_lock(v))
		return -EBUSY;
	for (unsigned int i = 0; i < words; i++)
		vwr(v, IGBVF_VMBMEM + 4 * i, msg[i]);
	vwr(v, IGBVF_V2PMAILBOX, IGBVF_V2P_REQ); /* also gives up VFU */
	v->mbx &= ~IGBVF_V2P_VFU;
	return mbx_wait(v, IGBVF_V2P_PFACK, 1000000) ? 0 : -ETIMEDOUT;
}

static int mbx_recv(struct vf_drv *v, uint32_t *msg, unsigned int words)
{
	if (!mbx_wait(v, IGBVF_V2P_PFSTS, 1000000))
		return -ETIMEDOUT;
	if (!mbx_lock(v))
		return -EBUSY;
	for (unsigned int i = 0; i < words; i++)
		msg[i] = vrd(v, IGBVF_VMBMEM + 4 * i);
	vwr(v, IGBVF_V2PMAILBOX, IGBVF_V2P_ACK);
	v->mbx &= ~IGBVF_V2P_VFU;
	return 0;
}

/* What igbvf's reset_hw does: CTRL.RST, wait for the PF's reset indication,
 * then the VF_RESET message whose reply carries the VF's MAC. */
static int vf_reset(struct vf_drv *v, char *why, size_t n)
{
	uint32_t msg[3] = {IGB_MSG_RESET};
	int err;

	vwr(v, IGBVF_CTRL, 1u << 26);
	udelay(100);
	/* RSTI (not read-to-clear) says the PF is still in reset; RSTD (read to
	 * clear) that it finished: PFRSTD clears the one and sets the other. A
	 * guest's igbvf keeps resetting while RSTI stays up, so require both.
	 * QEMU 10 sets RSTD only on a PFRSTD write, not again after a VF's own
	 * reset: a VF that has done the handshake before may go on without it. */
	bool rstd = mbx_wait(v, IGBVF_V2P_RSTD, 10000);
	bool rsti = vrd(v, IGBVF_V2PMAILBOX) & IGBVF_V2P_RSTI;

	if (rsti || (!rstd && !v->pf->vf[v->n].resets)) {
		sfmt(why, n, "vf %u: PF never signalled reset done (PFRSTD); mailbox 0x%x", v->n,
		     vrd(v, IGBVF_V2PMAILBOX));
		return -ETIMEDOUT;
	}
	v->mbx = 0;
	err = mbx_send(v, msg, 1);
	if (!err)
		err = mbx_recv(v, msg, 3);
	if (err) {
		sfmt(why, n, "vf %u: reset message %s", v->n, err_name(err));
		return err;
	}
	if (msg[0] != (IGB_MSG_RESET | IGB_MSG_ACK)) {
		sfmt(why, n, "vf %u: reset reply 0x%x, expected 0x%x", v->n, msg[0],
		     IGB_MSG_RESET | IGB_MSG_ACK);
		return -EIO;
	}
	memcpy(v->mac, &msg[1], 4);
	memcpy(v->mac + 4, &msg[2], 2);
	if (memcmp(v->mac, v->pf->vf[v->n].mac, 6)) {
		sfmt(why, n, "vf %u: reset reply carries the wrong MAC", v->n);
		return -EIO;
	}
	return 0;
}

static void rx_setup(struct vf_drv *v)
{
	uint64_t ring = (uint64_t)(uintptr_t)rx_ring;

	memset(rx_ring, 0, sizeof(rx_ring));
	memset(rx_buf, 0, sizeof(rx_buf));
	for (int i = 0; i < RING; i++)
		rx_ring[i].addr = (uint64_t)(uintptr_t)rx_buf[i];
	vwr(v, IGBVF_RXDCTL, 0);
	vwr(v, IGBVF_RDBAL, (uint32_t)ring);
	vwr(v, IGBVF_RDBAH, (uint32_t)(ring >> 32));
	vwr(v, IGBVF_RDLEN, sizeof(rx_ring));
	vwr(v, IGBVF_SRRCTL, SRRCTL_ONEBUF | (BUF >> 10));
	vwr(v, IGBVF_RDH, 0);
	vwr(v, IGBVF_RDT, 0);
	vwr(v, IGBVF_RXDCTL, IGBVF_XDCTL_ENABLE);
	vwr(v, IGBVF_RDT, RING - 1);
}

static void tx_setup(struct vf_drv *v)
{
	uint64_t ring = (uint64_t)(uintptr_t)tx_ring;

	memset(tx_ring, 0, sizeof(tx_ring));
	vwr(v, IGBVF_TXDCTL, 0);
	vwr(v, IGBVF_TDBAL, (uint32_t)ring);
	vwr(v, IGBVF_TDBAH, (uint32_t)(ring >> 32));
	vwr(v, IGBVF_TDLEN, sizeof(tx_ring));
	vwr(v, IGBVF_TDH, 0);
	vwr(v, IGBVF_TDT, 0);
	vwr(v, IGBVF_TXDCTL, IGBVF_XDCTL_ENABLE);
}

static void frame_build(const uint8_t dst[6], const uint8_t src[6])
{
	memcpy(tx_buf, dst, 6);
	memcpy(tx_buf + 6, src, 6);
	tx_buf[12] = ETH_TYPE >> 8;
	tx_buf[13] = ETH_TYPE & 0xFF;
	for (int i = 14; i < FRAME_LEN; i++)
		tx_buf[i] = (uint8_t)(i * 7 + 3);
	memcpy(tx_buf + 14, "vfvisor nic selftest", 20);
}

/* Leave no queue pointing at the hypervisor's buffers: stop both queues,
 * then reset the VF (its guest driver starts from a reset anyway). */
static void vf_quiesce(struct vf_drv *v)
{
	vwr(v, IGBVF_RXDCTL, 0);
	vwr(v, IGBVF_TXDCTL, 0);
	vwr(v, IGBVF_CTRL, 1u << 26);
	udelay(100);
	igb_mbx_poll(v->pf);
}

static int selftest_run(struct vf_drv *tx_vf, struct vf_drv *rx_vf, char *why, size_t why_len)
{
	struct vf_drv tx = *tx_vf, rx = *rx_vf;
	volatile struct adv_desc *d;
	int err;

	err = vf_reset(&tx, why, why_len);
	if (!err)
		err = vf_reset(&rx, why, why_len);
	if (err)
		return err;

	rx_setup(&rx);
	tx_setup(&tx);
	frame_build(rx.mac, tx.mac);
	tx_ring[0].addr = tx.flags & IGB_SELFTEST_BAD_DMA ? IGB_SELFTEST_BAD_IOVA
							  : (uint64_t)(uintptr_t)tx_buf;
	tx_ring[0].w2 = TXD_DTYP_DATA | TXD_DCMD_DEXT | TXD_DCMD_RS | TXD_DCMD_IFCS | TXD_DCMD_EOP |
			FRAME_LEN;
	tx_ring[0].w3 = (uint32_t)FRAME_LEN << TXD_PAYLEN_SHIFT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vwr(&tx, IGBVF_TDT, 1);

	d = &tx_ring[0];
	for (unsigned int t = 0; t < 1000000 && !(d->w3 & TXD_STAT_DD); t += 100)
		udelay(100);
	if (!(d->w3 & TXD_STAT_DD)) {
		sfmt(why, why_len, "vf 0: frame not transmitted (TDH %u)", vrd(&tx, IGBVF_TDH));
		return -ETIMEDOUT;
	}
	d = &rx_ring[0];
	for (unsigned int t = 0; t < 1000000 && !(d->w2 & RXD_STAT_DD); t += 100)
		udelay(100);
	if (!(d->w2 & RXD_STAT_DD)) {
		sfmt(why, why_len, "vf 1: nothing received (loopback or MAC filter missing?)");
		return -ETIMEDOUT;
	}
	/* Write-back: status in dword 2, length in the low half of dword 3. */
	if ((d->w3 & 0xFFFF) != FRAME_LEN || memcmp(rx_buf[0], tx_buf, FRAME_LEN)) {
		sfmt(why, why_len, "vf 1: received %u bytes that differ from what was sent",
		     d->w3 & 0xFFFF);
		return -EIO;
	}
	return 0;
}

int igb_selftest(struct igb_pf *pf, const struct igb_hw *vf0, const struct igb_hw *vf1,
		 unsigned int flags, char *why, size_t why_len)
{
	struct vf_drv tx = {pf, vf0, 0, 0, {0}, flags}, rx = {pf, vf1, 1, 0, {0}, 0};
	int err;

	if (pf->num_vfs < 2) {
		sfmt(why, why_len, "needs 2 VFs, %u enabled", pf->num_vfs);
		return -ERANGE;
	}
	err = selftest_run(&tx, &rx, why, why_len);
	vf_quiesce(&tx);
	vf_quiesce(&rx);
	return err;
}

int igb_selftest_tx_probe(struct igb_pf *pf, const struct igb_hw *vf, unsigned int n)
{
	struct vf_drv v = {pf, vf, n, 0, {0}, 0};
	char why[8];

	/* As a driver would: the reset handshake lets its transmit on (VFTE). */
	if (vf_reset(&v, why, sizeof(why)))
		return -EIO;
	tx_setup(&v);
	tx_ring[0].addr = (uint64_t)(uintptr_t)tx_buf;
	tx_ring[0].w2 = TXD_DTYP_DATA | TXD_DCMD_DEXT | TXD_DCMD_RS | TXD_DCMD_IFCS | TXD_DCMD_EOP |
			FRAME_LEN;
	tx_ring[0].w3 = (uint32_t)FRAME_LEN << TXD_PAYLEN_SHIFT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vwr(&v, IGBVF_TDT, 1);
	udelay(10000);
	vf_quiesce(&v);
	return 0;
}
