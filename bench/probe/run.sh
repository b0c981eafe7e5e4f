#!/usr/bin/env bash
# bench/probe/run.sh: corsgate probe against corsgate serve, on loopback.
#
# A generated 201-operation spec (bench/gen, seed 1, PATHS=75 paths), three
# origins, serve configured with ESPv2's basic preset for one of them in front
# of bench/probe/backend (every answer after DELAY, so requests the proxy does
# not answer itself stay in flight), and probe given the same flags (so every
# answer is predicted too). One row per setting of --concurrency
# and --rate; each row gets its own serve, whose --report records every
# request it saw (arrival time and duration).
#
# Per row: the operations probed, the exchanges and requests probe reports,
# the requests serve saw, probe's wall and CPU time (/usr/bin/time), and from
# serve's report the most requests in flight at once, the most that arrived
# within any one second, and the mean arrival rate: --concurrency and --rate
# hold when the first is at most the concurrency and the others at most the
# rate (arrivals can bunch by a request or two on a busy machine).
#
# Usage: bench/probe/run.sh                 (from anywhere)
# Environment: PATHS (75), DELAY (20ms), ROWS ("8:0 4:0 2:0 4:200 4:50 4:10": concurrency:rate),
#              OUT=file also writes the table there; KEEP=1 keeps the temp dir.
# Needs: go, /usr/bin/time. Binds 127.0.0.1 only; stops what it started by PID.
set -euo pipefail

PATHS=${PATHS:-75}
DELAY=${DELAY:-20ms}
ROWS=${ROWS:-"8:0 4:0 2:0 4:200 4:50 4:10"}
ORIGIN=https://app.example.com

command -v go >/dev/null || { echo "run.sh: go not found" >&2; exit 3; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time not found (apt-get install -y time)" >&2; exit 3; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
serve_pid=""
backend_pid=""

cleanup() {
	local p
	for p in $serve_pid $backend_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ "${KEEP:-}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building" >&2
(cd "$repo" && go build -trimpath -o "$work/corsgate" ./cmd/corsgate && go build -trimpath -o "$work/analyze" ./bench/probe/analyze \
	&& go build -trimpath -o "$work/backend" ./bench/probe/backend && go run ./bench/gen -paths "$PATHS" -o "$work/openapi.yaml")

"$work/backend" -listen 127.0.0.1:0 -delay "$DELAY" 2>"$work/backend.err" &
backend_pid=$!
for i in $(seq 1 100); do
	grep -q 'listening on' "$work/backend.err" 2>/dev/null && break
	sleep 0.1
done
backend=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/backend.err")
[ -n "$backend" ] || { echo "run.sh: the backend did not start" >&2; cat "$work/backend.err" >&2; exit 3; }

flags=(--cors_preset=basic "--cors_allow_origin=$ORIGIN")

start_serve() { # report-file; sets serve_pid and base
	rm -f "$work/serve.err"
	"$work/corsgate" serve "$work/openapi.yaml" --backend "$backend" --listen 127.0.0.1:0 -q --report "$1" "${flags[@]}" >/dev/null 2>"$work/serve.err" &
	serve_pid=$!
	local i
	for i in $(seq 1 100); do
		if grep -q 'listening on' "$work/serve.err" 2>/dev/null; then
			base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.err")
			return 0
		fi
		sleep 0.1
	done
	echo "run.sh: serve did not start:" >&2
	cat "$work/serve.err" >&2
	exit 3
}

stop_serve() {
	kill -TERM "$serve_pid"
	wait "$serve_pid" 2>/dev/null || true
	serve_pid=""
}

table="$work/table.md"
{
	echo "| setting | operations | exchanges | requests (probe) | requests (serve) | wall s | CPU s | max in flight | max per 1 s | mean rate /s |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$table"

for row in $ROWS; do
	conc=${row%%:*}
	rate=${row#*:}
	label="--concurrency $conc --rate $rate"
	echo "== $label" >&2
	start_serve "$work/serve-$conc-$rate.jsonl"
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$work/corsgate" probe "$base" "$work/openapi.yaml" \
		--origin "$ORIGIN" --origin https://admin.example.com --origin http://localhost:3000 \
		"${flags[@]}" --concurrency "$conc" --rate "$rate" --deadline 10m \
		--format json --fail-on none >"$work/probe-$conc-$rate.json" 2>"$work/probe.err" || {
		echo "run.sh: probe failed:" >&2
		cat "$work/probe.err" >&2
		exit 3
	}
	stop_serve
	read -r wall user sys <"$work/time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	"$work/analyze" -serve "$work/serve-$conc-$rate.jsonl" -probe "$work/probe-$conc-$rate.json" \
		-label "$label" -wall "$wall" -cpu "$cpu" >>"$table"
done

cat "$table"
if [ -n "${OUT:-}" ]; then cp "$table" "$OUT"; fi
