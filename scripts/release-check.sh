#!/usr/bin/env bash
# Checks what a goreleaser snapshot left in dist/ (make release-check):
# checksums, every archive of .goreleaser.yaml with the binary, README,
# LICENSE, completions and man pages, a static binary that reports the
# snapshot version, and the GitHub Action's install script (action/install.sh)
# installing from it as from a release, and refusing a corrupted archive.
set -euo pipefail
dist="$(cd "${1:-dist}" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() {
	echo "release-check: $*" >&2
	exit 1
}
version="$(jq -r .version "$dist/metadata.json")"
[ -n "$version" ] && [ "$version" != null ] || fail "no version in $dist/metadata.json"
echo "release-check: snapshot $version"

(cd "$dist" && sha256sum --check --strict --quiet checksums.txt) || fail "checksums.txt does not match the archives"

want_list() { # EXE
	printf '%s\n' "$1" README.md LICENSE \
		completions/_corsgate completions/corsgate.bash completions/corsgate.fish completions/corsgate.ps1
	(cd "$root/build/man" && ls) | sed 's|^|man/|'
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for os in linux darwin windows; do
	for arch in amd64 arm64; do
		exe=corsgate ext=tar.gz
		[ "$os" = windows ] && exe=corsgate.exe ext=zip
		archive="corsgate_${version}_${os}_${arch}.${ext}"
		grep -q "  $archive\$" "$dist/checksums.txt" || fail "checksums.txt has no $archive"
		if [ "$ext" = zip ]; then
			unzip -Z1 "$dist/$archive" | sort >"$tmp/got"
		else
			tar -tzf "$dist/$archive" | sort >"$tmp/got"
		fi
		want_list "$exe" | sort >"$tmp/want"
		diff -u "$tmp/want" "$tmp/got" || fail "$archive does not hold what it should (- missing, + extra)"
	done
done
[ -s "$root/build/man/corsgate-lint.1" ] || fail "no man page for corsgate lint"

# The host's binary: static, stamped with the snapshot version.
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 runner_arch=X64 ;;
aarch64 | arm64) arch=arm64 runner_arch=ARM64 ;;
*) fail "no release archive for $(uname -m)" ;;
esac
bin="$(jq -r --arg a "$arch" '.[] | select(.type == "Binary" and .goos == "linux" and .goarch == $a) | .path' "$dist/artifacts.json")"
[ -x "$root/$bin" ] || [ -x "$bin" ] || fail "no linux/$arch binary in artifacts.json"
[ -x "$bin" ] || bin="$root/$bin"
go version -m "$bin" | grep -q 'CGO_ENABLED=0' || fail "$bin was not built with CGO_ENABLED=0"
"$bin" version | grep -qx "corsgate $version" || fail "$bin version does not say $version: $("$bin" version | head -1)"

# The Action's installer, from this snapshot as from a release (file:// URL).
mkdir -p "$tmp/releases/v$version" "$tmp/runner"
cp "$dist/checksums.txt" "$dist"/corsgate_*.tar.gz "$dist"/corsgate_*.zip "$tmp/releases/v$version/"
RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" RUNNER_TEMP="$tmp/runner" CORSGATE_VERSION="v$version" \
	CORSGATE_DOWNLOAD_URL="file://$tmp/releases" GITHUB_PATH= GITHUB_OUTPUT= \
	bash "$root/action/install.sh" || fail "action/install.sh could not install the snapshot"
"$tmp/runner/corsgate-bin/corsgate" version | grep -qx "corsgate $version" || fail "the installed corsgate is not $version"

# A corrupted archive is refused with a clear message, and nothing is installed.
archive="corsgate_${version}_linux_${arch}.tar.gz"
printf 'corrupted' | dd of="$tmp/releases/v$version/$archive" bs=1 seek=100 conv=notrunc status=none
rm -rf "$tmp/runner" && mkdir "$tmp/runner"
if RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" RUNNER_TEMP="$tmp/runner" CORSGATE_VERSION="v$version" \
	CORSGATE_DOWNLOAD_URL="file://$tmp/releases" GITHUB_PATH= GITHUB_OUTPUT= \
	bash "$root/action/install.sh" 2>"$tmp/err"; then
	fail "action/install.sh installed a corrupted archive"
fi
grep -q "checksum mismatch for $archive" "$tmp/err" || fail "no checksum-mismatch message: $(cat "$tmp/err")"
[ ! -e "$tmp/runner/corsgate-bin/corsgate" ] || fail "a corrupted archive was installed"

# The container image's build context: what the Dockerfile copies.
[ -s "$root/build/ca-certificates.crt" ] || fail "no build/ca-certificates.crt for the container image"
grep -q '^FROM scratch$' "$root/Dockerfile" || fail "the Dockerfile must not pull a base image"
echo "release-check: dist/ is complete; the Action installs from it and refuses a corrupted archive"
