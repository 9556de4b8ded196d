#!/usr/bin/env python3
# qtest harness: drive QEMU 10.0.2's amd-iommu + edu device DMA without a guest.
# The probe behind qemu-10.0.2-amd-iommu.md (its [TESTED] items). Research
# material, not part of the build or of make check. Run: python3 THIS [CASE...].
import os, subprocess, sys, struct, tempfile, time

# A 64 KiB firmware image that only halts (jmp to hlt at the reset vector).
HLT_BIN = os.path.join(tempfile.gettempdir(), "amdvi-probe-hlt.bin")
if not os.path.exists(HLT_BIN):
    img = bytearray(b"\xf4" * 65536)
    img[0xfff1:0xfff3] = b"\xeb\xfd"
    open(HLT_BIN, "wb").write(bytes(img))

MMIO = 0xfed80000
DEVTAB = 0x1000000
CMDBUF = 0x1200000
EVTLOG = 0x1300000
PTBASE = 0x1400000
BAR = 0xc0000000
P, IR, IW = 1, 1 << 61, 1 << 62

class Q:
    def __init__(self, extra):
        args = ["qemu-system-x86_64", "-machine", "q35,accel=tcg", "-bios", HLT_BIN, "-m", "512M",
                "-nodefaults", "-display", "none", "-qtest", "stdio"] + extra
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    def cmd(self, s):
        self.p.stdin.write(s + "\n"); self.p.stdin.flush()
        while True:
            l = self.p.stdout.readline()
            if not l:
                raise RuntimeError("qemu died: " + self.p.stderr.read())
            if l.startswith("IRQ"):
                continue
            l = l.strip()
            if not l.startswith("OK"):
                raise RuntimeError(s + " -> " + l)
            return l[3:]
    def wq(self, a, v): self.cmd("writeq 0x%x 0x%x" % (a, v & (2**64 - 1)))
    def wl(self, a, v): self.cmd("writel 0x%x 0x%x" % (a, v))
    def rq(self, a): return int(self.cmd("readq 0x%x" % a), 16)
    def rl(self, a): return int(self.cmd("readl 0x%x" % a), 16)
    def wbytes(self, a, b): self.cmd("write 0x%x 0x%x 0x%s" % (a, len(b), b.hex()))
    def rbytes(self, a, n): return bytes.fromhex(self.cmd("read 0x%x 0x%x" % (a, n))[2:])
    def cfg_w(self, bus, devfn, reg, v):
        self.cmd("outl 0xcf8 0x%x" % (0x80000000 | bus << 16 | devfn << 8 | reg))
        self.cmd("outl 0xcfc 0x%x" % v)
    def cfg_r(self, bus, devfn, reg):
        self.cmd("outl 0xcf8 0x%x" % (0x80000000 | bus << 16 | devfn << 8 | reg))
        return int(self.cmd("inl 0xcfc"), 16)
    def close(self):
        try:
            self.p.stdin.close(); self.p.wait(5)
        except Exception:
            self.p.kill()

def setup_iommu(q, ctrl_extra=0):
    q.cmd("memset 0x%x 0x200000 0" % DEVTAB)
    q.cmd("memset 0x%x 0x1000 0" % CMDBUF)
    q.cmd("memset 0x%x 0x1000 0" % EVTLOG)
    q.wq(MMIO + 0x0, DEVTAB | 0x1ff)
    q.wq(MMIO + 0x8, CMDBUF | (8 << 56))
    q.wq(MMIO + 0x10, EVTLOG | (8 << 56))
    q.wq(MMIO + 0x18, 0x1005 | ctrl_extra)  # IOMMUEn|EventLogEn|CmdBufEn

cmd_tail = [0]
def submit(q, c0, c1):
    q.wq(CMDBUF + cmd_tail[0], c0); q.wq(CMDBUF + cmd_tail[0] + 8, c1)
    cmd_tail[0] = (cmd_tail[0] + 16) % 4096
    q.wq(MMIO + 0x2008, cmd_tail[0])

def set_dte(q, devid, d0, d1=0, d2=0, d3=0):
    q.wbytes(DEVTAB + devid * 32, struct.pack("<4Q", d0, d1, d2, d3))

def setup_edu(q, bus, devfn):
    q.cfg_w(bus, devfn, 0x10, BAR)
    q.cfg_w(bus, devfn, 0x04, 0x6)  # MEM | BUSMASTER

def setup_rootport(q, devfn, secbus):
    q.cfg_w(0, devfn, 0x18, (secbus << 16) | (secbus << 8) | 0)
    q.cfg_w(0, devfn, 0x20, ((BAR >> 16) & 0xfff0) | (((BAR >> 16) & 0xfff0) << 16))
    q.cfg_w(0, devfn, 0x04, 0x6)

def edu_dma(q, src, dst, cnt, to_pci):
    q.wq(BAR + 0x80, src); q.wq(BAR + 0x88, dst); q.wq(BAR + 0x90, cnt)
    q.wq(BAR + 0x98, 1 | (2 if to_pci else 0))
    time.sleep(0.35)

A = bytes([0xA0 + (i % 16) for i in range(64)])
B = bytes([0xB0 + (i % 16) for i in range(64)])
C = bytes([0xC0 + (i % 16) for i in range(64)])

def roundtrip(q, src_iova, src_gpa, dst_iova, dst_gpa):
    """read 64B via src_iova into edu, write it back out via dst_iova."""
    q.wbytes(src_gpa, A)
    if src_iova != src_gpa:
        q.wbytes(src_iova, B)          # identity location of the IOVA
    q.wbytes(dst_gpa, C)
    if dst_iova != dst_gpa:
        q.wbytes(dst_iova, C)
    edu_dma(q, src_iova, 0x40000, 64, False)
    edu_dma(q, 0x40000, dst_iova, 64, True)
    def cls(b):
        return {A: "A(translated src)", B: "B(identity src)", C: "C(untouched)"}.get(b, b[:8].hex())
    r = {"read_got": None, "write@translated": cls(q.rbytes(dst_gpa, 64))}
    if dst_iova != dst_gpa:
        r["write@identity"] = cls(q.rbytes(dst_iova, 64))
    # what edu actually read: infer from whatever landed
    return r

def events(q):
    tail_reg = q.rq(MMIO + 0x2018)
    evs = []
    for i in range(8):
        e = q.rbytes(EVTLOG + 16 * i, 16)
        if e != bytes(16):
            lo, hi = struct.unpack("<2Q", e)
            evs.append("devid=%04x code=%x flags=%03x addr=%x" % (lo & 0xffff, (lo >> 60) & 0xf, (lo >> 48) & 0xfff, hi))
    st = q.rq(MMIO + 0x2020)
    return "EVT_TAIL reg=%x status=%x events=%s" % (tail_reg, st, evs)

class PT:
    def __init__(self, q):
        self.q = q; self.next = PTBASE
    def alloc(self):
        a = self.next; self.next += 0x1000
        self.q.cmd("memset 0x%x 0x1000 0" % a)
        return a
    def setent(self, table, idx, val):
        self.q.wq(table + idx * 8, val)

def idx(iova, level):
    return (iova >> (12 + 9 * (level - 1))) & 0x1ff

def map4k(pt, root, mode, iova, gpa, leafperm=IR | IW, pdeperm=IR | IW):
    t = root
    for lvl in range(mode, 1, -1):
        e = pt.q.rq(t + idx(iova, lvl) * 8)
        if e & 1:
            nt = e & 0xffffffffff000
        else:
            nt = pt.alloc()
            pt.setent(t, idx(iova, lvl), nt | ((lvl - 1) << 9) | pdeperm | P)
        t = nt
    pt.setent(t, idx(iova, 1), gpa | leafperm | P)

def run(name, extra, body):
    cmd_tail[0] = 0
    q = Q(extra)
    try:
        res = body(q)
        print("%-58s %s" % (name, res))
        print("%-58s %s" % ("", events(q)))
    except Exception as ex:
        print("%-58s ERROR %s" % (name, ex))
    finally:
        q.close()

EDU0 = ["-device", "amd-iommu,intremap=on,xtsup=on%s", "-device", "edu,addr=04.0"]
def cfg(pt_off, behind_rp=False):
    dev = ["-device", "amd-iommu,intremap=on,xtsup=on" + (",pt=off" if pt_off else "")]
    if behind_rp:
        dev += ["-device", "pcie-root-port,id=rp1,chassis=1,addr=05.0", "-device", "edu,bus=rp1,addr=00.0"]
    else:
        dev += ["-device", "edu,addr=04.0"]
    return dev

EDU_DEVID = 0x20   # 00:04.0
DOM = 1

def basic(mode=3, d1=DOM, leafperm=IR | IW, pdeperm=IR | IW, dteperm=IR | IW, devid=EDU_DEVID, bus=0, devfn=0x20, rp=False, extra_dte=()):
    def body(q):
        if rp:
            setup_rootport(q, 0x28, 1)
        setup_edu(q, bus, devfn)
        setup_iommu(q)
        pt = PT(q)
        root = pt.alloc()
        map4k(pt, root, mode, 0x200000, 0x500000, leafperm, pdeperm)
        map4k(pt, root, mode, 0x201000, 0x600000, leafperm, pdeperm)
        d0 = P | 2 | (mode << 9) | root | dteperm
        for dv in (devid,) + tuple(extra_dte):
            set_dte(q, dv, d0, d1)
        return roundtrip(q, 0x200000, 0x500000, 0x201000, 0x600000)
    return body

if __name__ == "__main__":
    sel = sys.argv[1:]
    def want(n): return not sel or any(s in n for s in sel)
    tests = [
        ("T1 pt=on(default) bus0 mode3 4K", cfg(False), basic()),
        ("T2 pt=off bus0 mode3 4K", cfg(True), basic()),
        ("T3 pt=off bus0 mode4 4K", cfg(True), basic(mode=4)),
        ("T4 pt=off bus0 mode6 4K", cfg(True), basic(mode=6)),
        ("T5 pt=off bus0 domid=0x100", cfg(True), basic(d1=0x100)),
        ("T6 pt=off bus0 domid=0xff", cfg(True), basic(d1=0xff)),
        ("T7 pt=off bus0 leaf IR only", cfg(True), basic(leafperm=IR)),
        ("T8 pt=off bus0 PDEs IR only, leaf IR|IW", cfg(True), basic(pdeperm=IR)),
        ("T9 pt=off bus0 DTE IR only", cfg(True), basic(dteperm=IR)),
        ("T10 pt=off rootport(bus1) DTE@0x0100 only", cfg(True, True), basic(devid=0x100, bus=1, devfn=0, rp=True)),
        ("T11 pt=off rootport(bus1) DTE@0x0000 only", cfg(True, True), basic(devid=0x000, bus=1, devfn=0, rp=True)),
        ("T12 pt=on rootport(bus1) DTE@0x0100", cfg(False, True), basic(devid=0x100, bus=1, devfn=0, rp=True)),
    ]
    for n, e, b in tests:
        if want(n):
            run(n, e, b)
