#!/usr/bin/env bash
# Side-by-side lint timing: corsgate against Stoplight Spectral and Redocly CLI
# on generated Cloud Endpoints specs, in one run on one machine.
#
#   bench/lint/run.sh                      # N = 1000 5000 20000, corsgate 3 runs
#   SIZES="1000 5000" RUNS=5 bench/lint/run.sh
#   OUT=results.md bench/lint/run.sh       # also write the Markdown report there
#   PEERS= bench/lint/run.sh               # corsgate only, no npm install
#   PEER_DIR=dir bench/lint/run.sh         # reuse peers installed in dir/node_modules
#
# What it does:
#   1. builds corsgate from this checkout;
#   2. generates one spec per size with bench/gen (seed 1, ~3.8 kB of YAML per path);
#   3. installs @stoplight/spectral-cli and @redocly/cli from npm into a
#      temporary folder (nothing global; versions pinned below, overridable);
#   4. times every tool on every size with /usr/bin/time -v (wall time, CPU
#      time, peak RSS), corsgate RUNS times (best and median reported), each
#      peer once, under `timeout` (TIMEOUT seconds, default 300).
#   A run cut off by the timeout is reported with the CPU time and memory it
#   used until then, and gives lower bounds for the ratios. A peer is skipped
#   at a size when it timed out at a smaller size, or when its time at the
#   previous size, scaled linearly, exceeds twice TIMEOUT; the report says
#   which and why.
#
# Spectral runs with bench/lint/spectral/.spectral.yaml (spectral:oas plus a
# custom function for x-google-endpoints[].name == host); Redocly with
# bench/lint/redocly.yaml (recommended). corsgate runs its whole catalogue.
# Every tool writes its default output format to a file.
#
# Needs: go, node + npm (registry access), /usr/bin/time (installed with apt
# when missing and running as root), coreutils timeout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

SIZES=${SIZES:-"1000 5000 20000"}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-300}
SEED=${SEED:-1}
SPECTRAL_VERSION=${SPECTRAL_VERSION:-6.16.3}
REDOCLY_VERSION=${REDOCLY_VERSION:-2.77.0}
PEERS=${PEERS-"spectral redocly"}
OUT=${OUT:-}

log() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		log "installing GNU time with apt-get"
		apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
	else
		log "error: /usr/bin/time (GNU time) is missing; install the 'time' package"
		exit 2
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/corsgate-bench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then
	trap 'rm -rf "$work"' EXIT
else
	log "keeping $work"
fi

log "building corsgate"
(cd "$root" && go build -o "$work/corsgate" ./cmd/corsgate)
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(cd "$root" && git status --porcelain -- internal lint rules cmd 2>/dev/null | head -1)
[[ -n $dirty ]] && commit="$commit (+ uncommitted changes)"
nrules=$("$work/corsgate" rules --format json 2>/dev/null | grep -cE '^[[:space:]]*"id":' || true)

for n in $SIZES; do
	log "generating N=$n"
	(cd "$root" && go run ./bench/gen -paths "$n" -seed "$SEED" -o "$work/spec-$n.yaml")
done

spectral="" redocly=""
if [[ -n $PEERS ]]; then
	log "installing peers from npm into $work/npm (spectral-cli@$SPECTRAL_VERSION, redocly/cli@$REDOCLY_VERSION)"
	npm_dir=$work/npm
	if [[ -n ${PEER_DIR:-} ]]; then
		# Reuse an earlier install (e.g. a KEEP=1 run's npm folder).
		npm_dir=$PEER_DIR
	else
		mkdir -p "$npm_dir"
		(cd "$npm_dir" && npm init -y >/dev/null &&
			npm install --no-audit --no-fund --loglevel=error \
				"@stoplight/spectral-cli@$SPECTRAL_VERSION" "@redocly/cli@$REDOCLY_VERSION" >/dev/null)
	fi
	spectral="$npm_dir/node_modules/.bin/spectral"
	redocly="$npm_dir/node_modules/.bin/redocly"
	SPECTRAL_VERSION=$("$spectral" --version 2>/dev/null | tail -1)
	REDOCLY_VERSION=$(node -p "require('$npm_dir/node_modules/@redocly/cli/package.json').version")
	cp -r "$here/spectral" "$work/spectral"
	cp "$here/redocly.yaml" "$work/redocly.yaml"
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1

# command TOOL N prints the command line for a tool on a spec.
command_for() {
	local tool=$1 spec=$2
	case $tool in
	corsgate) echo "$work/corsgate lint --max-size 1000000000 --fail-on none $spec" ;;
	spectral) echo "$spectral lint --ruleset $work/spectral/.spectral.yaml $spec" ;;
	redocly) echo "$redocly lint --config $work/redocly.yaml $spec" ;;
	esac
}

# measure TOOL N RUN: runs one timed command; prints "wall cpu rss_mb exit".
measure() {
	local tool=$1 n=$2 run=$3
	local spec="$work/spec-$n.yaml" t="$work/time-$tool-$n-$run.txt" o="$work/out-$tool-$n-$run.txt"
	local rc=0
	# timeout runs under time, so a run that is cut off still reports the CPU
	# time and peak memory it used until then (exit status 124).
	# shellcheck disable=SC2046
	/usr/bin/time -v -o "$t" timeout "$TIMEOUT" $(command_for "$tool" "$spec") >"$o" 2>&1 || rc=$?
	local wall cpu rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}' "$t")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$t")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$t")
	echo "$wall $cpu $rss $rc"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

declare -A best_wall best_cpu best_rss prev_wall prev_n skipped timed_out
rows=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

for n in $SIZES; do
	size_mb=$(awk -v b="$(stat -c %s "$work/spec-$n.yaml")" 'BEGIN {printf "%.1f", b/1e6}')
	for tool in corsgate $PEERS; do
		runs=1
		[[ $tool == corsgate ]] && runs=$RUNS
		if [[ -n ${skipped[$tool]:-} ]]; then
			rows+=("| $n | $size_mb | $tool | skipped | | | | | ${skipped[$tool]} |")
			continue
		fi
		if [[ -n ${prev_wall[$tool]:-} ]]; then
			proj=$(awk -v w="${prev_wall[$tool]}" -v p="${prev_n[$tool]}" -v n="$n" 'BEGIN {printf "%.0f", w*n/p}')
			if ((proj > 2 * TIMEOUT)); then
				skipped[$tool]="projected ${proj} s from N=${prev_n[$tool]} (scaled linearly), more than twice the ${TIMEOUT} s limit"
				rows+=("| $n | $size_mb | $tool | skipped | | | | | ${skipped[$tool]} |")
				continue
			fi
		fi
		walls=() cpus=() rsss=() rcs=()
		for ((r = 1; r <= runs; r++)); do
			log "N=$n $tool run $r/$runs"
			read -r w c m rc <<<"$(measure "$tool" "$n" "$r")"
			if [[ $rc == 124 ]]; then
				skipped[$tool]="timed out after ${TIMEOUT} s at N=$n"
				break
			fi
			walls+=("$w") cpus+=("$c") rsss+=("$m") rcs+=("$rc")
		done
		if [[ ${#walls[@]} == 0 ]]; then
			rows+=("| $n | $size_mb | $tool | >${TIMEOUT} | >$c | >$m | | | timed out: killed after ${TIMEOUT} s, having used $c CPU s and $m MB so far |")
			timed_out[$tool,$n]="$c $m"
			continue
		fi
		bw=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
		mw=$(printf '%s\n' "${walls[@]}" | median)
		bc=$(printf '%s\n' "${cpus[@]}" | sort -g | head -1)
		br=$(printf '%s\n' "${rsss[@]}" | sort -g | tail -1)
		per=$(awk -v w="$bw" -v n="$n" 'BEGIN {printf "%.3f", w*1000/n}')
		cper=$(awk -v c="$bc" -v n="$n" 'BEGIN {printf "%.3f", c*1000/n}')
		findings=$(tail -c 2000 "$work/out-$tool-$n-1.txt" | tr -d '\r' | grep -Eo '[0-9]+ (errors?|problems?)[^.]*|Validation failed[^.]*|Woohoo[^.]*' | tail -1 || true)
		note="exit ${rcs[0]}${findings:+; $findings}"
		if ((runs > 1)); then
			note="$runs runs, wall median $mw s, all: ${walls[*]}; $note"
		fi
		rows+=("| $n | $size_mb | $tool | $bw | $bc | $br | $per | $cper | $note |")
		best_wall[$tool,$n]=$bw best_rss[$tool,$n]=$br best_cpu[$tool,$n]=$bc
		prev_wall[$tool]=$bw
		prev_n[$tool]=$n
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

report() {
	local peers=""
	[[ -n $PEERS ]] && peers="; spectral-cli $SPECTRAL_VERSION, redocly/cli $REDOCLY_VERSION, node $(node --version 2>/dev/null || echo none)"
	echo "Run at $started on $(nproc) cores; corsgate $commit with $nrules rules$peers."
	echo "Load average (1/5/15 min) before: $load_before, after: $load_after."
	echo
	echo "| N paths | YAML MB | tool | wall s (best) | CPU s (user+sys) | peak RSS MB | wall ms/path | CPU ms/path | notes |"
	echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Ratios (peer / corsgate, best of each; peak RSS corsgate vs peer):"
	echo
	for n in $SIZES; do
		local cw=${best_wall[corsgate,$n]:-} cr=${best_rss[corsgate,$n]:-} cc=${best_cpu[corsgate,$n]:-}
		[[ -z $cw ]] && continue
		for tool in $PEERS; do
			local pw=${best_wall[$tool,$n]:-} pr=${best_rss[$tool,$n]:-} pc=${best_cpu[$tool,$n]:-}
			if [[ -n ${timed_out[$tool,$n]:-} ]]; then
				local tc tr
				read -r tc tr <<<"${timed_out[$tool,$n]}"
				awk -v n="$n" -v t="$tool" -v cw="$cw" -v to="$TIMEOUT" -v cc="$cc" -v tc="$tc" -v cr="$cr" -v tr="$tr" \
					'BEGIN {printf "- N=%s vs %s: %s timed out, so at least: wall %.1f× faster, CPU %.1f× less; peak RSS %s MB vs more than %s MB\n", n, t, t, to/cw, tc/cc, cr, tr}'
				continue
			fi
			if [[ -z $pw ]]; then
				echo "- N=$n: $tool not measured (${skipped[$tool]:-skipped})"
				continue
			fi
			awk -v n="$n" -v t="$tool" -v cw="$cw" -v pw="$pw" -v cr="$cr" -v pr="$pr" -v cc="$cc" -v pc="$pc" \
				'BEGIN {printf "- N=%s vs %s: wall %.1f× faster, CPU %.1f× less; peak RSS %s MB vs %s MB (%.2f×)\n", n, t, pw/cw, pc/cc, cr, pr, cr/pr}'
		done
	done
	echo
	echo "Commands (paths shortened):"
	echo
	echo '```'
	for tool in corsgate $PEERS; do
		command_for "$tool" "spec-N.yaml" | sed "s#$work/##g; s#${npm_dir:-//}/#npm/#g"
	done
	echo '```'
}

if [[ -n $OUT ]]; then
	report | tee "$OUT"
else
	report
fi
