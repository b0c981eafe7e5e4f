#!/usr/bin/env bash
# Installs corsgate for the GitHub Action (action.yml), and puts it on PATH.
#
# With CORSGATE_VERSION (a release tag such as v1.2.3): downloads the release
# archive for the runner's OS and architecture and checksums.txt, verifies the
# archive's SHA-256 against checksums.txt and refuses to install on a mismatch.
# Without it: builds corsgate from CORSGATE_SOURCE_DIR (the action's own
# checkout, so the action's ref) with `go install`.
#
# Environment:
#   CORSGATE_VERSION       release tag; empty: build from source
#   CORSGATE_DOWNLOAD_URL  base URL of the releases (http(s):// or file://), to
#                          which /TAG is appended; default
#                          https://github.com/corsgate/corsgate/releases/download
#   CORSGATE_SOURCE_DIR    module to build when no version is given (default:
#                          GITHUB_ACTION_PATH, else this script's repository)
#   RUNNER_OS, RUNNER_ARCH Linux|macOS|Windows, X64|ARM64 (set by GitHub Actions)
#   RUNNER_TEMP            where to install (default: a new temporary directory)
#   GITHUB_PATH, GITHUB_OUTPUT  written when set: the bin directory, and
#                          path=<the corsgate binary>
# Needs bash, curl, tar (unzip on Windows) and sha256sum or shasum.
set -euo pipefail

fail() {
	echo "::error title=corsgate install::$*" >&2
	exit 1
}

exe=corsgate
[ "${RUNNER_OS:-}" = Windows ] && exe=corsgate.exe
dest="${RUNNER_TEMP:-$(mktemp -d)}/corsgate-bin"
mkdir -p "$dest"

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

download() { # URL FILE
	curl --fail --silent --show-error --location --retry 3 --output "$2" "$1" ||
		fail "could not download $1"
}

install_release() {
	local tag="$1" version os arch ext archive base work expected actual
	case "$tag" in v*) ;; *) tag="v$tag" ;; esac
	version="${tag#v}"
	case "${RUNNER_OS:-}" in
	Linux) os=linux ;;
	macOS) os=darwin ;;
	Windows) os=windows ;;
	*) fail "no corsgate release for RUNNER_OS='${RUNNER_OS:-}' (Linux, macOS or Windows); leave version empty to build from source" ;;
	esac
	case "${RUNNER_ARCH:-}" in
	X64) arch=amd64 ;;
	ARM64) arch=arm64 ;;
	*) fail "no corsgate release for RUNNER_ARCH='${RUNNER_ARCH:-}' (X64 or ARM64); leave version empty to build from source" ;;
	esac
	ext=tar.gz
	[ "$os" = windows ] && ext=zip
	# The name .goreleaser.yaml gives archives.
	archive="corsgate_${version}_${os}_${arch}.${ext}"
	base="${CORSGATE_DOWNLOAD_URL:-https://github.com/corsgate/corsgate/releases/download}"
	base="${base%/}/$tag"
	work="$(mktemp -d)"
	download "$base/checksums.txt" "$work/checksums.txt"
	download "$base/$archive" "$work/$archive"
	expected="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$work/checksums.txt")"
	[ -n "$expected" ] || fail "checksums.txt of $tag has no entry for $archive ($base/checksums.txt)"
	actual="$(sha256 "$work/$archive")"
	if [ "$actual" != "$expected" ]; then
		fail "checksum mismatch for $archive: checksums.txt says $expected, the download is $actual; not installing it ($base/$archive)"
	fi
	echo "verified $archive: sha256 $actual"
	mkdir "$work/x"
	if [ "$ext" = zip ]; then
		unzip -q "$work/$archive" -d "$work/x"
	else
		tar -xzf "$work/$archive" -C "$work/x"
	fi
	[ -f "$work/x/$exe" ] || fail "$archive holds no $exe"
	mv "$work/x/$exe" "$dest/$exe"
	chmod +x "$dest/$exe"
	rm -rf "$work"
}

install_source() {
	local src="${CORSGATE_SOURCE_DIR:-${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}}"
	command -v go >/dev/null 2>&1 || fail "no Go toolchain to build corsgate from source; set the version input to a release tag"
	[ -f "$src/go.mod" ] || fail "$src is not the corsgate module (no go.mod)"
	echo "building corsgate from $src${GITHUB_ACTION_REF:+ (ref $GITHUB_ACTION_REF)} with $(go version)"
	local ldflags=""
	# An action checkout has no .git: name the ref, or the version would say (devel).
	[ -n "${GITHUB_ACTION_REF:-}" ] && ldflags="-X main.version=${GITHUB_ACTION_REF}"
	(cd "$src" && GOBIN="$dest" CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" ./cmd/corsgate) ||
		fail "go install ./cmd/corsgate failed in $src"
}

if [ -n "${CORSGATE_VERSION:-}" ]; then
	install_release "$CORSGATE_VERSION"
else
	install_source
fi

"$dest/$exe" version
[ -n "${GITHUB_PATH:-}" ] && echo "$dest" >>"$GITHUB_PATH"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "path=$dest/$exe" >>"$GITHUB_OUTPUT"
exit 0
