#!/usr/bin/env bash
# Side-by-side: toggling allowCors with corsgate transform, yq -i and sed -i,
# on the 5000-path generated spec, plus the collateral damage each tool does
# (changed lines that are not the intended ones), also on the real-world
# corpus.
#
#   bench/transform/run.sh                     # N=5000, 3 runs per tool
#   PATHS=1000 RUNS=5 bench/transform/run.sh
#   RESULTS=bench/RESULTS.md bench/transform/run.sh   # also update the transform section
#   YQ=/path/to/yq bench/transform/run.sh      # use this yq (mikefarah v4 or Debian's)
#   TOOLS="corsgate sed" bench/transform/run.sh # time only these tools
#
# What it does:
#   1. builds corsgate from this checkout;
#   2. generates the spec with bench/gen (if bench/gen is missing, a simple
#      generator below writes a comparable spec);
#   3. finds yq: $YQ, else mikefarah/yq v4 installed with `go install` into a
#      temporary GOBIN (a benchmark tool, never a project dependency), else
#      Debian's /usr/bin/yq (kislyuk's jq wrapper, which re-dumps YAML);
#   4. times each tool RUNS times on its own copy (toggle off, then on again;
#      both directions are timed; wall and user+sys CPU from bash's time);
#   5. diffs each tool's output of one toggle against the input and counts
#      changed lines that are not about x-google-endpoints/name/allowCors/host;
#   6. does the same for "allowCors on" on every spec in the real-world corpus.
#
# Needs: go, diff, sed; network access to the Go module proxy for yq unless
# $YQ is given.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
PATHS=${PATHS:-5000}
RUNS=${RUNS:-3}
YQ_VERSION=${YQ_VERSION:-v4.54.3}
CORPUS=${CORPUS:-$root/../shared/corpus/real-world}
RESULTS=${RESULTS:-}

log() { printf '%s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/corsgate-tbench.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; else log "keeping $work"; fi

log "building corsgate"
(cd "$root" && go build -o "$work/corsgate" ./cmd/corsgate)
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)

spec=$work/spec.yaml
if [[ -f $root/bench/gen/main.go ]]; then
	log "generating $PATHS paths with bench/gen"
	(cd "$root" && go run ./bench/gen -paths "$PATHS" -seed 1 -o "$spec")
	gen="go run ./bench/gen -paths $PATHS -seed 1"
else
	log "bench/gen missing: generating $PATHS paths with the fallback generator"
	{
		printf 'swagger: "2.0"\ninfo:\n  title: "Bench"\n  version: "1.0.0"\nhost: "bench.endpoints.p.cloud.goog"\n'
		printf 'x-google-endpoints:\n- name: "bench.endpoints.p.cloud.goog"\n  allowCors: true\npaths:\n'
		for ((i = 0; i < PATHS; i++)); do
			printf '  /r%d/{id}:\n    get:\n      operationId: "get%d"  # read\n      parameters:\n      - name: id\n        in: path\n        required: true\n        type: string\n      responses:\n        200:\n          description: "OK"\n' "$i" "$i"
		done
	} >"$spec"
	gen="fallback generator in bench/transform/run.sh"
fi
grep -q '^  allowCors: true$' "$spec" || { log "error: the spec has no '  allowCors: true' line to toggle"; exit 2; }

# yq
yq=${YQ:-}
if [[ -z $yq ]]; then
	log "installing mikefarah/yq $YQ_VERSION with go install (temporary GOBIN)"
	if (cd "$work" && GOBIN=$work/bin GOFLAGS=-mod=mod go install "github.com/mikefarah/yq/v4@$YQ_VERSION") >&2; then
		yq=$work/bin/yq
	elif [[ -x /usr/bin/yq ]]; then
		log "go install failed; using /usr/bin/yq"
		yq=/usr/bin/yq
	fi
fi
yq_kind=none
if [[ -n $yq ]]; then
	if "$yq" --version 2>&1 | grep -q mikefarah; then yq_kind=mikefarah; else yq_kind=kislyuk; fi
fi
yq_version=$([[ -n $yq ]] && "$yq" --version 2>&1 | head -1 || echo none)
log "yq: $yq_version ($yq_kind)"

# One toggle with each tool: $1 = tool, $2 = file, $3 = on|off.
toggle() {
	local tool=$1 f=$2 dir=$3 from=true
	[[ $dir == on ]] && from=false
	case $tool in
	corsgate) "$work/corsgate" transform allow-cors "$dir" -w "$f" ;;
	yq)
		if [[ $yq_kind == mikefarah ]]; then
			"$yq" -i ".[\"x-google-endpoints\"][0].allowCors = $([[ $dir == on ]] && echo true || echo false)" "$f"
		else
			"$yq" -y -i ".[\"x-google-endpoints\"][0].allowCors = $([[ $dir == on ]] && echo true || echo false)" "$f"
		fi
		;;
	sed) sed -i "s/^\(  allowCors: \)$from\$/\1$([[ $dir == on ]] && echo true || echo false)/" "$f" ;;
	esac
}

# Changed lines (diff -U0 body) not about the keys the transform edits.
intended='x-google-endpoints|[^a-zA-Z_]name[^a-zA-Z_]|allowCors|allow_cors|[^a-zA-Z_]host[^a-zA-Z_]|^[-+][[:space:]]*[][{},]+[[:space:]]*$'
difflines() { { diff -U0 "$1" "$2" || true; } | { grep -E '^[-+]' || true; } | { grep -vE '^(\+\+\+|---) ' || true; }; }
changed() { difflines "$1" "$2" | wc -l; }
unintended() { difflines "$1" "$2" | { grep -cvE "$intended" || true; }; }

tools="corsgate sed"
[[ $yq_kind != none ]] && tools="corsgate yq sed"
tools=${TOOLS:-$tools}

# timed TOOL FILE DIR: run one toggle, print "wall user+sys".
TIMEFORMAT='%R %U %S'
timed() {
	local t
	t=$({ time toggle "$1" "$2" "$3" >/dev/null 2>"$work/err"; } 2>&1) || { log "$1 failed: $(cat "$work/err")"; exit 1; }
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<<"$t"
}

declare -A best_off best_on med_off med_on cpu_off chg unint
for tool in $tools; do
	offs=() ons=() cpus=()
	for ((r = 0; r < RUNS; r++)); do
		cp "$spec" "$work/$tool.yaml"
		read -r w c < <(timed "$tool" "$work/$tool.yaml" off)
		offs+=("$w") cpus+=("$c")
		if ((r == 0)); then
			chg[$tool]=$(changed "$spec" "$work/$tool.yaml")
			unint[$tool]=$(unintended "$spec" "$work/$tool.yaml")
		fi
		read -r w c < <(timed "$tool" "$work/$tool.yaml" on)
		ons+=("$w")
		cmp -s "$spec" "$work/$tool.yaml" || log "$tool: off then on does not give the input back"
		log "$tool run $((r + 1)): off ${offs[-1]} s, on ${ons[-1]} s"
	done
	sorted_off=$(printf '%s\n' "${offs[@]}" | sort -g)
	sorted_on=$(printf '%s\n' "${ons[@]}" | sort -g)
	best_off[$tool]=$(head -1 <<<"$sorted_off")
	best_on[$tool]=$(head -1 <<<"$sorted_on")
	med_off[$tool]=$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted_off")
	med_on[$tool]=$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted_on")
	cpu_off[$tool]=$(printf '%s\n' "${cpus[@]}" | sort -g | head -1)
done

# Corpus: "allowCors on" with corsgate and yq, collateral lines per file.
corpus_rows=""
corpus_total_cg=0 corpus_total_yq=0
if [[ -d $CORPUS ]]; then
	for f in "$CORPUS"/*.yaml "$CORPUS"/*.yml "$CORPUS"/*.json; do
		[[ -f $f ]] || continue
		b=$(basename "$f")
		cp "$f" "$work/c-cg-$b"
		chmod u+w "$work/c-cg-$b" # the corpus is read-only; corsgate (like yq) refuses read-only files
		if "$work/corsgate" transform allow-cors on -w "$work/c-cg-$b" 2>/dev/null; then
			cg="$(changed "$f" "$work/c-cg-$b") / $(unintended "$f" "$work/c-cg-$b")"
			corpus_total_cg=$((corpus_total_cg + $(unintended "$f" "$work/c-cg-$b")))
		else
			cg="refused"
		fi
		yqr="n/a"
		if [[ $yq_kind == mikefarah ]]; then
			cp "$f" "$work/c-yq-$b"
			chmod u+w "$work/c-yq-$b"
			if "$yq" -i '.["x-google-endpoints"][0].name = .host | .["x-google-endpoints"][0].allowCors = true' "$work/c-yq-$b" 2>/dev/null; then
				yqr="$(changed "$f" "$work/c-yq-$b") / $(unintended "$f" "$work/c-yq-$b")"
				corpus_total_yq=$((corpus_total_yq + $(unintended "$f" "$work/c-yq-$b")))
			else
				yqr="error"
			fi
		fi
		corpus_rows+="| $b | $(wc -l <"$f") | $cg | $yqr |"$'\n'
	done
fi

cpus=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
report=$(
	cat <<EOF
Toggle \`allowCors\` on the generated spec ($PATHS paths, $(wc -c <"$spec") bytes, $(wc -l <"$spec") lines;
\`$gen\`), each tool on its own copy, $RUNS runs, best / median wall time in seconds. Commit $commit,
$cpus CPUs, load average $load at the end of the run (the machine is shared: compare tools within this table,
not with other runs). yq: $yq_version.

| tool | command | off: best / median | on: best / median | CPU s (best off) | diff lines (- and +) | of which unintended |
|---|---|---|---|---|---|---|
EOF
	for tool in $tools; do
		case $tool in
		corsgate) cmd='`corsgate transform allow-cors off -w spec.yaml`' ;;
		yq) cmd="\`yq -i '.[\"x-google-endpoints\"][0].allowCors = false' spec.yaml\`" ;;
		sed) cmd="\`sed -i 's/^\\(  allowCors: \\)true\$/\\1false/' spec.yaml\`" ;;
		esac
		printf '| %s | %s | %.2f / %.2f | %.2f / %.2f | %s | %s | %s |\n' "$tool" "$cmd" \
			"${best_off[$tool]}" "${med_off[$tool]}" "${best_on[$tool]}" "${med_on[$tool]}" "${cpu_off[$tool]}" "${chg[$tool]}" "${unint[$tool]}"
	done
	if [[ -n $corpus_rows ]]; then
		cat <<EOF

Real-world corpus, \`allowCors on\` (entry named host with allowCors: true): diff lines (- and +) / of
which unintended, per file. corsgate: \`corsgate transform allow-cors on -w FILE\`; yq:
\`yq -i '.["x-google-endpoints"][0].name = .host | .["x-google-endpoints"][0].allowCors = true' FILE\`.
sed has no general one-liner for this (it cannot add an entry), so it is not in this table.
Unintended total: corsgate $corpus_total_cg, yq $corpus_total_yq.

| file | lines | corsgate | yq |
|---|---|---|---|
$corpus_rows
EOF
	fi
	printf '\nReproduce: `bench/transform/run.sh` (PATHS=%s RUNS=%s).\n' "$PATHS" "$RUNS"
)
printf '%s\n' "$report"

if [[ -n $RESULTS ]]; then
	[[ -f $RESULTS ]] || printf '# Benchmark results\n\n## transform\n\n<!-- transform:begin -->\n<!-- transform:end -->\n' >"$RESULTS"
	tmp=$(mktemp "$RESULTS.XXXXXX")
	REPORT="$report" awk '
		/<!-- transform:begin -->/ { print; print ENVIRON["REPORT"]; skip = 1; next }
		/<!-- transform:end -->/ { skip = 0 }
		!skip { print }
	' "$RESULTS" >"$tmp"
	mv "$tmp" "$RESULTS"
	log "updated $RESULTS"
fi
