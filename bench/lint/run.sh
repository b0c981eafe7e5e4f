#!/usr/bin/env bash
# Side-by-side lint timing: corsgate against Stoplight Spectral and Redocly CLI
# on generated Cloud Endpoints specs of several shapes, in one run on one
# machine.
#
#   bench/lint/run.sh                      # sample-yaml, N = 1000 5000 20000
#   SHAPES=all SIZES="1000 5000" RUNS=3 PEER_RUNS=3 PEERS=redocly bench/lint/run.sh
#   SHAPES=sample-oas3 SIZES=5000 PEER_RUNS=3 SPECTRAL_RUNS=1 bench/lint/run.sh
#   OUT=results.md bench/lint/run.sh       # also write the Markdown report there
#   PEERS= bench/lint/run.sh               # corsgate only, no npm install
#   PEER_DIR=dir bench/lint/run.sh         # reuse peers installed in dir/node_modules
#   VARIANTS="nohuge yamlv3" bench/lint/run.sh   # corsgate built or run other ways too
#
# Shapes (SHAPES, space-separated, or "all"): STYLE-FORMAT with STYLE sample
# (bench/gen's first generator, Google's samples' style) or catalog (the
# second: four-space indentation, single quotes, shared parameters and
# responses by $ref, block-scalar descriptions, flow maps) and FORMAT yaml,
# json (indented) or json-compact:
#   sample-yaml catalog-yaml sample-json catalog-json sample-json-compact catalog-json-compact
# and the OpenAPI 3.0 shapes sample-oas3 and catalog-oas3 (not in "all"):
# the STYLE's Swagger 2.0 YAML rewritten by `corsgate transform to-openapi3`
# (YAML in the same layout; Google's extensions in their 3.x places).
#
# Variants of corsgate (VARIANTS, space-separated), each a row of its own:
#   nohuge      the same binary with --no-huge-pages (no huge-page hint for the heap)
#   yamlv3      built with -X ...spec.parserChoice=yaml.v3: yaml.v3 only (in
#               chunks on both CPUs for block YAML), as before the fast parsers
#   sequential  built with -X ...spec.parserChoice=sequential: yaml.v3 on one CPU
#
# What it does:
#   1. builds corsgate (and the variants) from this checkout;
#   2. generates one spec per shape and size with bench/gen (seed SEED);
#   3. installs @stoplight/spectral-cli and @redocly/cli from npm into a
#      temporary folder (nothing global; versions pinned below, overridable);
#   4. per shape and size, runs round after round, alternating the tools in
#      each round (corsgate and its variants first in odd rounds, last in even
#      ones): corsgate RUNS times, each peer PEER_RUNS times (SPECTRAL_RUNS
#      and REDOCLY_RUNS override it per peer), every run under
#      /usr/bin/time -v (wall time, CPU time, peak RSS) and `timeout`
#      (TIMEOUT seconds, default 300).
#   The report has one table per shape with medians and bests, the load
#   average before and after the shape, and ratios of medians.
#   A run cut off by the timeout is reported with the CPU time and memory it
#   used until then, and gives lower bounds for the ratios. A peer is skipped
#   at a size when it timed out at a smaller size, or when its median at the
#   previous size, scaled linearly, exceeds twice TIMEOUT.
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
SHAPES=${SHAPES:-sample-yaml}
RUNS=${RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
SPECTRAL_RUNS=${SPECTRAL_RUNS:-$PEER_RUNS}
REDOCLY_RUNS=${REDOCLY_RUNS:-$PEER_RUNS}
TIMEOUT=${TIMEOUT:-300}
SEED=${SEED:-1}
SPECTRAL_VERSION=${SPECTRAL_VERSION:-6.16.3}
REDOCLY_VERSION=${REDOCLY_VERSION:-2.77.0}
PEERS=${PEERS-"spectral redocly"}
VARIANTS=${VARIANTS:-}
OUT=${OUT:-}

[[ $SHAPES == all ]] && SHAPES="sample-yaml catalog-yaml sample-json catalog-json sample-json-compact catalog-json-compact"

log() { printf '%s\n' "$*" >&2; }

for shape in $SHAPES; do
	case $shape in
	sample-yaml | catalog-yaml | sample-json | catalog-json | sample-json-compact | catalog-json-compact) ;;
	sample-oas3 | catalog-oas3) ;;
	*) log "error: unknown shape $shape"; exit 2 ;;
	esac
done
for v in $VARIANTS; do
	case $v in
	nohuge | yamlv3 | sequential) ;;
	*) log "error: unknown variant $v"; exit 2 ;;
	esac
done

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
choice=github.com/corsgate/corsgate/internal/spec.parserChoice
(cd "$root" && go build -o "$work/corsgate" ./cmd/corsgate)
for v in $VARIANTS; do
	case $v in
	yamlv3) (cd "$root" && go build -ldflags "-X $choice=yaml.v3" -o "$work/corsgate-yamlv3" ./cmd/corsgate) ;;
	sequential) (cd "$root" && go build -ldflags "-X $choice=sequential" -o "$work/corsgate-sequential" ./cmd/corsgate) ;;
	esac
done
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(cd "$root" && git status --porcelain -- internal lint rules cmd 2>/dev/null | head -1)
[[ -n $dirty ]] && commit="$commit (+ uncommitted changes)"
nrules=$("$work/corsgate" rules --format json 2>/dev/null | grep -cE '^[[:space:]]*"id":' || true)

# spec_for SHAPE N prints the spec's path.
spec_for() {
	local shape=$1 n=$2 ext=yaml
	[[ $shape == *json* ]] && ext=json
	echo "$work/spec-$shape-$n.$ext"
}

for shape in $SHAPES; do
	style=${shape%%-*} format=${shape#*-}
	for n in $SIZES; do
		log "generating $shape N=$n"
		if [[ $format == oas3 ]]; then
			# OpenAPI 3.0: the same generator's Swagger 2.0, rewritten.
			(cd "$root" && go run ./bench/gen -paths "$n" -seed "$SEED" -style "$style" -o "$work/swagger2-$style-$n.yaml")
			"$work/corsgate" transform to-openapi3 --max-size 1000000000 "$work/swagger2-$style-$n.yaml" >"$(spec_for "$shape" "$n")"
			rm "$work/swagger2-$style-$n.yaml"
			continue
		fi
		(cd "$root" && go run ./bench/gen -paths "$n" -seed "$SEED" -style "$style" -format "$format" -o "$(spec_for "$shape" "$n")")
	done
done

spectral="" redocly=""
if [[ -n $PEERS ]]; then
	npm_dir=$work/npm
	if [[ -n ${PEER_DIR:-} ]]; then
		# Reuse an earlier install (e.g. a KEEP=1 run's npm folder).
		npm_dir=$PEER_DIR
		log "using the peers installed in $npm_dir"
	else
		log "installing peers from npm into $npm_dir (spectral-cli@$SPECTRAL_VERSION, redocly/cli@$REDOCLY_VERSION)"
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

# The corsgate rows: corsgate and its variants.
mine="corsgate"
for v in $VARIANTS; do mine="$mine corsgate-$v"; done

# command_for TOOL SPEC prints the command line for a tool on a spec.
command_for() {
	local tool=$1 spec=$2
	case $tool in
	corsgate) echo "$work/corsgate lint --max-size 1000000000 --fail-on none $spec" ;;
	corsgate-nohuge) echo "$work/corsgate lint --max-size 1000000000 --fail-on none --no-huge-pages $spec" ;;
	corsgate-yamlv3 | corsgate-sequential) echo "$work/$tool lint --max-size 1000000000 --fail-on none $spec" ;;
	spectral) echo "$spectral lint --ruleset $work/spectral/.spectral.yaml $spec" ;;
	redocly) echo "$redocly lint --config $work/redocly.yaml $spec" ;;
	esac
}

# measure TOOL SHAPE N RUN: runs one timed command; prints "wall cpu rss_mb exit".
measure() {
	local tool=$1 shape=$2 n=$3 run=$4
	local spec t="$work/time-$tool-$shape-$n-$run.txt" o="$work/out-$tool-$shape-$n-$run.txt"
	spec=$(spec_for "$shape" "$n")
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

declare -A med_wall med_cpu med_rss prev_wall prev_n skipped timed_out
declare -A tables loads
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

for shape in $SHAPES; do
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	rows=()
	prev_wall=() prev_n=() skipped=()
	for n in $SIZES; do
		spec=$(spec_for "$shape" "$n")
		size_mb=$(awk -v b="$(stat -c %s "$spec")" 'BEGIN {printf "%.1f", b/1e6}')
		# Which tools run at this size.
		tools=""
		for tool in $mine $PEERS; do
			if [[ -n ${skipped[$tool]:-} ]]; then
				rows+=("| $n | $size_mb | $tool | skipped | | | | | | ${skipped[$tool]} |")
				continue
			fi
			if [[ -n ${prev_wall[$tool]:-} ]]; then
				proj=$(awk -v w="${prev_wall[$tool]}" -v p="${prev_n[$tool]}" -v n="$n" 'BEGIN {printf "%.0f", w*n/p}')
				if ((proj > 2 * TIMEOUT)); then
					skipped[$tool]="projected ${proj} s from N=${prev_n[$tool]} (scaled linearly), more than twice the ${TIMEOUT} s limit"
					rows+=("| $n | $size_mb | $tool | skipped | | | | | | ${skipped[$tool]} |")
					continue
				fi
			fi
			tools="$tools $tool"
		done
		declare -A walls=() cpus=() rsss=() rcs=()
		rounds=$RUNS
		((SPECTRAL_RUNS > rounds)) && rounds=$SPECTRAL_RUNS
		((REDOCLY_RUNS > rounds)) && rounds=$REDOCLY_RUNS
		for ((r = 1; r <= rounds; r++)); do
			order=$tools
			((r % 2 == 0)) && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
			for tool in $order; do
				limit=$RUNS
				[[ $tool == spectral ]] && limit=$SPECTRAL_RUNS
				[[ $tool == redocly ]] && limit=$REDOCLY_RUNS
				((r > limit)) && continue
				[[ -n ${timed_out[$tool,$shape,$n]:-} ]] && continue
				log "$shape N=$n $tool run $r/$limit"
				read -r w c m rc <<<"$(measure "$tool" "$shape" "$n" "$r")"
				if [[ $rc == 124 ]]; then
					timed_out[$tool,$shape,$n]="$c $m"
					skipped[$tool]="timed out after ${TIMEOUT} s at N=$n"
					continue
				fi
				walls[$tool]="${walls[$tool]:-} $w" cpus[$tool]="${cpus[$tool]:-} $c" rsss[$tool]="${rsss[$tool]:-} $m"
				[[ -z ${rcs[$tool]:-} ]] && rcs[$tool]=$rc
			done
		done
		for tool in $tools; do
			if [[ -n ${timed_out[$tool,$shape,$n]:-} ]]; then
				read -r c m <<<"${timed_out[$tool,$shape,$n]}"
				rows+=("| $n | $size_mb | $tool | >${TIMEOUT} | | >$c | >$m | | | timed out: killed after ${TIMEOUT} s, having used $c CPU s and $m MB so far |")
				continue
			fi
			# shellcheck disable=SC2086
			mw=$(printf '%s\n' ${walls[$tool]} | median)
			# shellcheck disable=SC2086
			bw=$(printf '%s\n' ${walls[$tool]} | sort -g | head -1)
			# shellcheck disable=SC2086
			mc=$(printf '%s\n' ${cpus[$tool]} | median)
			# shellcheck disable=SC2086
			mr=$(printf '%s\n' ${rsss[$tool]} | median | awk '{printf "%.0f", $1}')
			per=$(awk -v w="$mw" -v n="$n" 'BEGIN {printf "%.3f", w*1000/n}')
			mbs=$(awk -v w="$mw" -v s="$size_mb" 'BEGIN {if (w > 0) printf "%.1f", s/w; else print "-"}')
			findings=$(tail -c 2000 "$work/out-$tool-$shape-$n-1.txt" | tr -d '\r' | grep -Eo '[0-9]+ (errors?|problems?)[^.]*|Validation failed[^.]*|Woohoo[^.]*' | tail -1 || true)
			# shellcheck disable=SC2086
			nruns=$(printf '%s\n' ${walls[$tool]} | wc -l)
			# shellcheck disable=SC2086
			note="$nruns runs, wall: $(echo ${walls[$tool]}); exit ${rcs[$tool]}${findings:+; $findings}"
			rows+=("| $n | $size_mb | $tool | $mw | $bw | $mc | $mr | $per | $mbs | $note |")
			med_wall[$tool,$shape,$n]=$mw med_cpu[$tool,$shape,$n]=$mc med_rss[$tool,$shape,$n]=$mr
			prev_wall[$tool]=$mw
			prev_n[$tool]=$n
		done
		unset walls cpus rsss rcs
	done
	tables[$shape]=$(printf '%s\n' "${rows[@]}")
	loads[$shape]="$load_before → $(cut -d' ' -f1-3 /proc/loadavg)"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

shape_doc() {
	local style=${1%%-*} format=${1#*-}
	if [[ $format == oas3 ]]; then
		echo "go run ./bench/gen -paths N -seed $SEED -style $style -o 2.yaml && corsgate transform to-openapi3 --max-size 1000000000 2.yaml"
		return
	fi
	echo "go run ./bench/gen -paths N -seed $SEED -style $style -format $format"
}

report() {
	local peers=""
	[[ -n $PEERS ]] && peers="; spectral-cli $SPECTRAL_VERSION, redocly/cli $REDOCLY_VERSION, node $(node --version 2>/dev/null || echo none)"
	echo "Run at $started on $(nproc) cores; corsgate $commit with $nrules rules$peers."
	echo "Load average (1/5/15 min) at the start: $load_start, at the end: $load_end."
	local runs="corsgate (and each variant) $RUNS"
	[[ " $PEERS " == *" spectral "* ]] && runs="$runs, Spectral $SPECTRAL_RUNS"
	[[ " $PEERS " == *" redocly "* ]] && runs="$runs, Redocly $REDOCLY_RUNS"
	echo "Runs per size: $runs, alternating within each round; figures are medians (best wall time too)."
	for shape in $SHAPES; do
		echo
		echo "#### $shape"
		echo
		echo "Spec: \`$(shape_doc "$shape")\`. Load average before and after: ${loads[$shape]}."
		echo
		echo "| N paths | MB | tool | wall s (median) | wall s (best) | CPU s (median) | peak RSS MB (median) | wall ms/path | MB/s | notes |"
		echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|"
		echo "${tables[$shape]}"
		echo
		echo "Ratios (medians; peer / corsgate for time, corsgate / peer for memory):"
		echo
		for n in $SIZES; do
			local cw=${med_wall[corsgate,$shape,$n]:-} cr=${med_rss[corsgate,$shape,$n]:-} cc=${med_cpu[corsgate,$shape,$n]:-}
			[[ -z $cw ]] && continue
			for tool in $PEERS; do
				local pw=${med_wall[$tool,$shape,$n]:-} pr=${med_rss[$tool,$shape,$n]:-} pc=${med_cpu[$tool,$shape,$n]:-}
				if [[ -n ${timed_out[$tool,$shape,$n]:-} ]]; then
					local tc tr
					read -r tc tr <<<"${timed_out[$tool,$shape,$n]}"
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
			for v in $VARIANTS; do
				local vw=${med_wall[corsgate-$v,$shape,$n]:-} vc=${med_cpu[corsgate-$v,$shape,$n]:-} vr=${med_rss[corsgate-$v,$shape,$n]:-}
				[[ -z $vw ]] && continue
				awk -v n="$n" -v t="corsgate-$v" -v cw="$cw" -v vw="$vw" -v cc="$cc" -v vc="$vc" -v cr="$cr" -v vr="$vr" \
					'BEGIN {printf "- N=%s, %s against corsgate: wall %.2f×, CPU %.2f×, peak RSS %.2f×\n", n, t, vw/cw, vc/cc, vr/cr}'
			done
		done
	done
	echo
	echo "Commands (paths shortened; spec-SHAPE-N from the generator commands above):"
	echo
	echo '```'
	for tool in $mine $PEERS; do
		command_for "$tool" "spec-SHAPE-N.yaml" | sed "s#$work/##g; s#${npm_dir:-//}/#npm/#g"
	done
	for v in $VARIANTS; do
		case $v in
		yamlv3 | sequential) echo "# corsgate-$v: go build -ldflags \"-X $choice=${v/yamlv3/yaml.v3}\" ./cmd/corsgate" ;;
		esac
	done
	echo '```'
}

if [[ -n $OUT ]]; then
	report | tee "$OUT"
else
	report
fi
