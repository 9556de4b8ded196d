#!/usr/bin/env bash
# Build the Linux guest image from Debian packages (see guest/README.md).
#
#   build.sh vmlinuz OUT          -> OUT/vmlinuz (and OUT/vmlinuz.pkg: which package)
#   build.sh initrd  OUT INIT     -> OUT/initrd.gz (busybox, igbvf.ko and its
#                                    dependencies, INIT as /init)
#   build.sh initrd-bench OUT INIT VFTEST
#                                 -> OUT/initrd-bench.gz: the bench's bare
#                                    baseline (igb.ko too, INIT as /init,
#                                    VFTEST as /bin/vftest)
#   build.sh initrd-dpdk OUT INIT -> OUT/initrd-dpdk.gz: initrd's contents,
#                                    uio_pci_generic.ko, and Debian's DPDK
#                                    22.11 dpdk-testpmd with the libraries
#                                    it links and the igb VF and mempool
#                                    plugins (a guest that drives its VF
#                                    from user space)
#
# Packages are fetched with `apt-get download` into OUT/debs/ once and kept
# there; they are unpacked with `dpkg -x` into OUT/ only, never installed.
# GUEST_KERNEL_PKG=linux-image-X-amd64 picks another kernel package than the
# one linux-image-amd64 depends on. Every output is written to a temporary
# name and renamed, so an interrupted run leaves no half-made file behind.
set -euo pipefail
# Results come back through $(...); without this, errors inside them would
# not stop the function producing them.
shopt -s inherit_errexit

die() {
	echo "guest/linux/build.sh: error: $*" >&2
	exit 1
}
# Progress goes to stderr: several functions return their result on stdout.
log() { echo "guest: $*" >&2; }

[ $# -ge 2 ] || die "usage: $0 vmlinuz OUT | initrd OUT INIT | initrd-bench OUT INIT VFTEST | initrd-dpdk OUT INIT"
what=$1
OUT=$2
DEBS=$OUT/debs
mkdir -p "$DEBS" || die "cannot create $DEBS"

# The igbvf driver, and where it lives in the kernel's module tree.
IGBVF=kernel/drivers/net/ethernet/intel/igbvf/igbvf.ko

updated=0
# apt-get update, once per run, and only when a look-up or download failed
# for lack of lists (none at all, or stale ones naming a file the mirror no
# longer has): the lists are usually there and the update needs the network.
apt_update_once() {
	[ "$updated" -eq 0 ] || return 1
	updated=1
	log "apt lists missing or stale: running apt-get update"
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -q >&2 || die "apt-get update failed"
	else
		sudo apt-get update -q >&2 || die "apt-get update (through sudo) failed"
	fi
}

# Whether apt has any package lists at all.
have_lists() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# The newest cached .deb whose file name matches the glob $1, or nothing.
cached_deb() {
	local f
	# shellcheck disable=SC2086 # $1 is a glob on purpose
	for f in "$DEBS"/$1; do
		if [ -f "$f" ]; then echo "$f"; fi
	done | sort -V | tail -n 1
}

# The real kernel package behind the linux-image-amd64 metapackage.
resolve_kernel_pkg() {
	apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: //p' | sed 's/[,|]/\n/g' |
		sed -n 's/^ *\(linux-image-[0-9][^ ]*-amd64\)\( .*\)\{0,1\}$/\1/p' | head -n 1 ||
		true # no lists, or no such package: the caller says so
}

# apt-get download PKG into $DEBS (through a temporary directory, so that
# only complete files appear there); prints the .deb's path.
download() {
	local pkg=$1 tmp f
	tmp=$(mktemp -d "$DEBS/.download.XXXXXX")
	# Downloading as root into a directory _apt cannot write needs no sandbox.
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
		if have_lists && ! apt-cache show --no-all-versions "$pkg" >/dev/null 2>&1; then
			rm -rf "$tmp"
			die "no package $pkg in the apt lists (apt-cache show $pkg)"
		fi
		apt_update_once || { rm -rf "$tmp"; die "apt-get download $pkg failed"; }
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			{ rm -rf "$tmp"; die "apt-get download $pkg failed (after apt-get update)"; }
	fi
	f=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
	[ -n "$f" ] || { rm -rf "$tmp"; die "apt-get download $pkg produced no ${pkg}_*.deb"; }
	mv "$f" "$DEBS/" || die "cannot move $f to $DEBS"
	rm -rf "$tmp"
	echo "$DEBS/$(basename "$f")"
}

kernel_deb() {
	local pkg=${GUEST_KERNEL_PKG:-} deb
	if [ -n "$pkg" ]; then
		deb=$(cached_deb "${pkg}_*_amd64.deb")
	else
		# Any cached kernel: the kernel is downloaded once, then kept.
		deb=$(cached_deb 'linux-image-[0-9]*-amd64_*_amd64.deb')
	fi
	if [ -z "$deb" ]; then
		if [ -z "$pkg" ]; then
			pkg=$(resolve_kernel_pkg)
			if [ -z "$pkg" ] && ! have_lists; then
				apt_update_once
				pkg=$(resolve_kernel_pkg)
			fi
			[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-cache show linux-image-amd64)"
		fi
		log "downloading $pkg"
		deb=$(download "$pkg")
	fi
	echo "$deb"
}

busybox_deb() {
	local deb
	deb=$(cached_deb 'busybox-static_*_amd64.deb')
	if [ -z "$deb" ]; then
		log "downloading busybox-static"
		deb=$(download busybox-static)
	fi
	echo "$deb"
}

# Unpack DEB into DIR with dpkg -x unless DIR already holds exactly that
# package (DIR/.deb names it); a scratch name first, then renamed.
unpack() {
	local deb=$1 dir=$2
	if [ -f "$dir/.deb" ] && [ "$(cat "$dir/.deb")" = "$(basename "$deb")" ]; then
		return 0
	fi
	log "unpacking $(basename "$deb")"
	rm -rf "$dir" "$dir.tmp"
	dpkg -x "$deb" "$dir.tmp" || { rm -rf "$dir.tmp"; die "dpkg -x $deb failed (corrupt download? delete it and retry)"; }
	basename "$deb" >"$dir.tmp/.deb"
	mv "$dir.tmp" "$dir"
}

# The unpacked kernel tree; sets KTREE, KREL (uname -r) and KDEB.
kernel_tree() {
	KDEB=$(kernel_deb)
	KTREE=$OUT/kernel
	unpack "$KDEB" "$KTREE"
	local n
	n=$(find "$KTREE/lib/modules" -mindepth 1 -maxdepth 1 -type d | wc -l)
	[ "$n" -eq 1 ] || die "$KDEB: expected one lib/modules/VERSION directory, found $n"
	KREL=$(basename "$(find "$KTREE/lib/modules" -mindepth 1 -maxdepth 1 -type d)")
	[ -f "$KTREE/boot/vmlinuz-$KREL" ] || die "$KDEB: no boot/vmlinuz-$KREL"
}

build_vmlinuz() {
	kernel_tree
	cp "$KTREE/boot/vmlinuz-$KREL" "$OUT/vmlinuz.tmp"
	local pkg ver
	pkg=$(dpkg-deb -f "$KDEB" Package)
	ver=$(dpkg-deb -f "$KDEB" Version)
	echo "$pkg $ver $KREL" >"$OUT/vmlinuz.pkg.tmp"
	mv "$OUT/vmlinuz.pkg.tmp" "$OUT/vmlinuz.pkg"
	mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
	log "$OUT/vmlinuz: $(cat "$OUT/vmlinuz.pkg")"
}

# The module file (maybe compressed) for module NAME, searched in the tree.
module_file() {
	local name=$1 alt f
	# Module names use _ where file names may use - (and the other way round).
	alt=$(echo "$name" | tr '_-' '-_')
	f=$(find "$KTREE/lib/modules/$KREL/kernel" \( -name "$name.ko*" -o -name "$alt.ko*" \) | head -n 1)
	[ -n "$f" ] || die "module $name (needed by $MODULES) not found in $KDEB"
	echo "$f"
}

# Copy module file $1 to $2 uncompressed: busybox insmod loads plain .ko only.
copy_module() {
	local src=$1 dst=$2
	case "$src" in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz)
		command -v xz >/dev/null || die "$src is xz-compressed and xz is not installed (apt-get install xz-utils)"
		xz -dc "$src" >"$dst" || die "xz -d $src failed"
		;;
	*.ko.zst)
		command -v zstd >/dev/null || die "$src is zstd-compressed and zstd is not installed (apt-get install zstd)"
		zstd -qdc "$src" >"$dst" || die "zstd -d $src failed"
		;;
	*.ko.gz) gzip -dc "$src" >"$dst" || die "gzip -d $src failed" ;;
	*) die "unknown module file type: $src" ;;
	esac
}

# The "depends=" field of a plain .ko's .modinfo section (comma-separated).
module_depends() {
	local tmp
	tmp=$(mktemp)
	objcopy -O binary --only-section=.modinfo "$1" "$tmp" ||
		{ rm -f "$tmp"; die "objcopy cannot read .modinfo of $1"; }
	tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p' | head -n 1
	rm -f "$tmp"
}

# Put module NAME and, first, everything it depends on into $ROOT/lib/modules
# and append them to load.order (dependencies before their users).
add_module() {
	local name=$1 src dst deps dep
	grep -qx "$name" "$ROOT/lib/modules/load.order" 2>/dev/null && return 0
	src=$(module_file "$name")
	dst=$ROOT/lib/modules/$name.ko
	copy_module "$src" "$dst"
	deps=$(module_depends "$dst")
	for dep in ${deps//,/ }; do
		add_module "$dep"
	done
	echo "$name" >>"$ROOT/lib/modules/load.order"
}

# A newc cpio archive holding /dev and /dev/console (char 5:1): the kernel
# opens /dev/console for init before init can mount devtmpfs, and writing the
# entry by hand needs neither root nor mknod.
console_cpio() {
	local ino=1
	entry() { # NAME MODE RDEVMAJOR RDEVMINOR
		local name=$1 n pad
		n=$((${#name} + 1))
		printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
			"$ino" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$n" 0 "$name"
		# Header (110 bytes) plus name padded to a multiple of 4.
		pad=$(((4 - (110 + n) % 4) % 4))
		head -c "$pad" /dev/zero
		ino=$((ino + 1))
	}
	entry dev $((0040000 | 0755)) 0 0
	entry dev/console $((0020000 | 0600)) 5 1
	entry 'TRAILER!!!' 0 0 0
}

# build_initrd NAME INIT VFTEST MODULE...: OUT/NAME.gz with INIT as /init;
# /bin/vftest is VFTEST, or a link to /init when VFTEST is empty.
build_initrd() {
	local name=$1 init=$2 vftest=$3 bbdir bbdeb applet m
	shift 3
	MODULES=$*
	[ -f "$init" ] || die "init script $init not found"
	[ -z "$vftest" ] || [ -f "$vftest" ] || die "vftest script $vftest not found"
	kernel_tree
	bbdir=$OUT/busybox
	bbdeb=$(busybox_deb)
	unpack "$bbdeb" "$bbdir"
	[ -x "$bbdir/bin/busybox" ] || die "busybox-static package has no bin/busybox"

	ROOT=$OUT/$name.root
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,tmp,root,etc,lib/modules}
	cp "$bbdir/bin/busybox" "$ROOT/bin/busybox"
	# One symlink per applet (bin/sh for /init's #! line, and a usable shell).
	# The static busybox runs on the build host as well, so ask it for its list.
	for applet in $("$bbdir/bin/busybox" --list-full); do
		case "$applet" in
		bin/busybox | linuxrc) continue ;;
		esac
		mkdir -p "$ROOT/$(dirname "$applet")"
		ln -sf /bin/busybox "$ROOT/$applet"
	done
	[ -L "$ROOT/bin/sh" ] || die "busybox has no sh applet"
	install -m 0755 "$init" "$ROOT/init"
	if [ -z "$vftest" ]; then
		# The init is also the `vftest ACTION,...` command of the shell.
		ln -sf /init "$ROOT/bin/vftest"
	else
		install -m 0755 "$vftest" "$ROOT/bin/vftest"
	fi

	[ -f "$KTREE/lib/modules/$KREL/$IGBVF" ] || ls "$KTREE/lib/modules/$KREL/$IGBVF".* >/dev/null 2>&1 ||
		die "$KDEB has no $IGBVF (CONFIG_IGBVF not a module?)"
	for m in "$@"; do
		add_module "$m"
	done
	echo "$KREL" >"$ROOT/lib/modules/release"
	[ -z "${BUILD_EXTRA:-}" ] || "$BUILD_EXTRA"

	# Fixed timestamps and owners: the same inputs give the same initrd.
	find "$ROOT" -exec touch -h -d @0 {} +
	{
		console_cpio
		(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --reproducible --quiet)
	} | gzip -9 -n >"$OUT/$name.gz.tmp" || die "making the cpio archive failed"
	mv "$OUT/$name.gz.tmp" "$OUT/$name.gz"
	log "$OUT/$name.gz: $(stat -c %s "$OUT/$name.gz") bytes, modules: $(tr '\n' ' ' <"$ROOT/lib/modules/load.order")"
}

# DPDK for the guest: dpdk-testpmd (in dpdk-dev), the plugins it loads with
# -d (the igb VF PMD, the ring mempool) and every library those link,
# unpacked from Debian 12's packages into OUT/dpdk. The packages are what
# Debian's dpdk-testpmd 22.11 and the two plugins list as NEEDED (and what
# those need in turn); dpdk_add checks that nothing is missing.
DPDK_PKGS=(dpdk-dev librte-net-e1000-23 librte-mempool-ring23
	librte-bitratestats23 librte-bpf23 librte-bus-auxiliary23 librte-bus-dpaa23
	librte-bus-pci23 librte-bus-vdev23 librte-cmdline23 librte-common-dpaax23
	librte-common-iavf23 librte-common-mlx5-23 librte-crypto-scheduler23 librte-cryptodev23
	librte-eal23 librte-ethdev23 librte-eventdev23 librte-gro23 librte-gso23 librte-hash23
	librte-ip-frag23 librte-kvargs23 librte-latencystats23 librte-mbuf23 librte-mempool23
	librte-mempool-dpaa23 librte-meter23 librte-metrics23 librte-net23 librte-net-bnxt23
	librte-net-bond23 librte-net-dpaa23 librte-net-i40e23 librte-net-ice23 librte-net-ixgbe23
	librte-net-mlx5-23 librte-pci23 librte-pcapng23 librte-pdump23 librte-rcu23
	librte-reorder23 librte-ring23 librte-sched23 librte-security23 librte-telemetry23
	librte-timer23 libnuma1 libfdt1 libjansson4 libbsd0 libmd0 libelf1 libpcap0.8
	libibverbs1 ibverbs-providers libnl-3-200 libnl-route-3-200 libdbus-1-3 libsystemd0)
DPDK_PMDS=usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
DPDK_PLUGINS=(librte_net_e1000.so.23 librte_mempool_ring.so.23)

dpdk_tree() {
	local pkg deb
	mkdir -p "$OUT/dpdk"
	# Absolute: ldd prints the paths it was given, and dpdk_add copies
	# what it prints.
	DTREE=$(cd "$OUT/dpdk" && pwd)
	for pkg in "${DPDK_PKGS[@]}"; do
		deb=$(cached_deb "${pkg}_*_amd64.deb")
		if [ -z "$deb" ]; then
			log "downloading $pkg"
			deb=$(download "$pkg")
		fi
		if [ ! -f "$DTREE/.${pkg}" ] || [ "$(cat "$DTREE/.${pkg}")" != "$(basename "$deb")" ]; then
			dpkg -x "$deb" "$DTREE" || die "dpkg -x $deb failed"
			basename "$deb" >"$DTREE/.${pkg}"
		fi
	done
	[ -x "$DTREE/usr/bin/dpdk-testpmd" ] || die "dpdk-dev has no usr/bin/dpdk-testpmd"
}

# dpdk-testpmd, its plugins and every library they load into $ROOT: from
# OUT/dpdk first, else the build host's (glibc: both are Debian 12's).
dpdk_add() {
	local libpath f l missing
	dpdk_tree
	libpath=$DTREE/usr/lib/x86_64-linux-gnu:$DTREE/lib/x86_64-linux-gnu
	mkdir -p "$ROOT/usr/bin" "$ROOT/$DPDK_PMDS" "$ROOT/usr/lib/x86_64-linux-gnu" "$ROOT/lib64"
	cp "$DTREE/usr/bin/dpdk-testpmd" "$ROOT/usr/bin/"
	for f in "${DPDK_PLUGINS[@]}"; do
		cp -L "$DTREE/$DPDK_PMDS/$f" "$ROOT/$DPDK_PMDS/" || die "no $f in the DPDK packages"
	done
	missing=$( (LD_LIBRARY_PATH=$libpath ldd "$DTREE/usr/bin/dpdk-testpmd" &&
		for f in "${DPDK_PLUGINS[@]}"; do LD_LIBRARY_PATH=$libpath ldd "$DTREE/$DPDK_PMDS/$f"; done) |
		sed -n 's/^\s*\([^ ]*\) => not found$/\1/p' | sort -u | tr '\n' ' ')
	[ -z "$missing" ] || die "dpdk-testpmd needs libraries no package here holds: $missing"
	for l in $( (LD_LIBRARY_PATH=$libpath ldd "$DTREE/usr/bin/dpdk-testpmd" &&
		for f in "${DPDK_PLUGINS[@]}"; do LD_LIBRARY_PATH=$libpath ldd "$DTREE/$DPDK_PMDS/$f"; done) |
		awk '/=> \//{ print $3 } /^[ \t]*\/lib64\//{ print $1 }' | sort -u); do
		case "$l" in
		/lib64/*) cp -L "$l" "$ROOT/lib64/" ;;
		*) cp -L "$l" "$ROOT/usr/lib/x86_64-linux-gnu/" ;;
		esac
	done
	[ -e "$ROOT/lib64/ld-linux-x86-64.so.2" ] || die "dpdk-testpmd's loader was not found by ldd"
	# glibc's pthread_cancel (testpmd at exit) dlopens libgcc_s.
	for l in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
		[ -f "$l" ] && { cp -L "$l" "$ROOT/usr/lib/x86_64-linux-gnu/"; break; }
	done
	[ -f "$ROOT/usr/lib/x86_64-linux-gnu/libgcc_s.so.1" ] || die "no libgcc_s.so.1 on the build host"
}

case "$what" in
vmlinuz) build_vmlinuz ;;
initrd)
	[ $# -eq 3 ] || die "usage: $0 initrd OUT INIT"
	build_initrd initrd "$3" "" igbvf
	;;
initrd-bench)
	# Linux's own PF driver too: the bench's baseline enables the VFs itself.
	[ $# -eq 4 ] || die "usage: $0 initrd-bench OUT INIT VFTEST"
	build_initrd initrd-bench "$3" "$4" igb igbvf
	;;
initrd-dpdk)
	[ $# -eq 3 ] || die "usage: $0 initrd-dpdk OUT INIT"
	BUILD_EXTRA=dpdk_add build_initrd initrd-dpdk "$3" "" igbvf uio_pci_generic
	;;
*) die "unknown target '$what' (vmlinuz, initrd, initrd-bench or initrd-dpdk)" ;;
esac
