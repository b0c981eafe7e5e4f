#!/usr/bin/env bash
# Runs corsgate lint for the GitHub Action (action.yml): the findings in the
# chosen format (annotations by default) in the log, a SARIF file for code
# scanning, a Markdown table of findings in the job summary, and the step
# outputs. It never fails the step itself: the verdict (corsgate's exit code)
# is the output exit-code, which action/verdict.sh turns into the step's
# result after the SARIF upload.
#
# Environment (the action's inputs):
#   INPUT_FILES        specs, directories or globs, separated by spaces or
#                      newlines (default "."; a directory is searched for
#                      specs; ** in a glob spans directories)
#   INPUT_TARGET       endpoints-espv2 | endpoints-esp | api-gateway
#   INPUT_CONFIG       configuration file (default: .corsgate.yaml upwards)
#   INPUT_FAIL_ON      error (default) | warning | info | none
#   INPUT_FORMAT       github (default: annotations) | text | json | sarif | junit
#   INPUT_PROXY_ARGS   ESP/ESPv2 flags checked with the specs (lint --proxy-args)
#   INPUT_SARIF_FILE   where to write SARIF (default RUNNER_TEMP/corsgate.sarif)
#   CORSGATE           the corsgate binary (default: corsgate on PATH)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  written when set
# Outputs: errors, warnings, infos, sarif-file, exit-code.
# Needs bash and jq (both on GitHub-hosted runners).
set -euo pipefail

corsgate="${CORSGATE:-corsgate}"
command -v jq >/dev/null 2>&1 || { echo "::error title=corsgate::jq is needed to count findings and is not installed" >&2; exit 1; }
out="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sarif="${INPUT_SARIF_FILE:-${RUNNER_TEMP:-$tmp}/corsgate.sarif}"

# Files: words of INPUT_FILES, unexpanded (corsgate expands * ? [ ] itself)
# except patterns with **, which bash expands across directories.
files=()
set -f
for word in ${INPUT_FILES:-.}; do
	if [[ "$word" == *"**"* ]]; then
		set +f
		shopt -s globstar nullglob
		matches=($word)
		shopt -u globstar nullglob
		set -f
		if [ ${#matches[@]} -eq 0 ]; then
			files+=("$word") # corsgate reports that nothing matches
		else
			files+=("${matches[@]}")
		fi
	else
		files+=("$word")
	fi
done
set +f

# Every spec of the repository is checked as a deployment of its own (files
# deployed together are grouped with deployments: in .corsgate.yaml).
args=(--separate)
[ -n "${INPUT_TARGET:-}" ] && args+=(--target "$INPUT_TARGET")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_PROXY_ARGS:-}" ] && args+=(--proxy-args "$INPUT_PROXY_ARGS")
fail_on="${INPUT_FAIL_ON:-error}"

# The findings for the log, in the chosen format; its exit code is the verdict.
code=0
"$corsgate" lint --format "${INPUT_FORMAT:-github}" --fail-on "$fail_on" ${args[@]+"${args[@]}"} -- "${files[@]}" || code=$?

# JSON for counting and the summary, SARIF for code scanning. Their exit codes
# repeat the verdict's and are not needed.
"$corsgate" lint --format json --fail-on none ${args[@]+"${args[@]}"} -- "${files[@]}" >"$tmp/lint.json" 2>/dev/null || true
"$corsgate" lint --format sarif --fail-on none ${args[@]+"${args[@]}"} -- "${files[@]}" >"$tmp/lint.sarif" 2>/dev/null || true

# Counts come from summary, else from the diagnostics (a future JSON without
# summary), else they are unknown (corsgate wrote no JSON: a usage error).
# jq 1.6 accepts an empty file, hence -s first.
count() { # SEVERITY KEY
	jq -r --arg s "$1" --arg k "$2" '
		if (.summary? | type) == "object" and (.summary[$k] | type) == "number" then .summary[$k]
		else [(.diagnostics? // [])[] | select(.severity == $s)] | length end' "$tmp/lint.json" 2>/dev/null
}
errors="" warnings="" infos=""
if [ -s "$tmp/lint.json" ] && jq -e 'type == "object"' "$tmp/lint.json" >/dev/null 2>&1; then
	errors="$(count error errors)"
	warnings="$(count warning warnings)"
	infos="$(count info infos)"
fi

sarif_out=""
if [ -s "$tmp/lint.sarif" ] && jq -e '.runs | type == "array"' "$tmp/lint.sarif" >/dev/null 2>&1; then
	mkdir -p "$(dirname "$sarif")"
	cp "$tmp/lint.sarif" "$sarif"
	sarif_out="$sarif"
fi

{
	echo "errors=$errors"
	echo "warnings=$warnings"
	echo "infos=$infos"
	echo "sarif-file=$sarif_out"
	echo "exit-code=$code"
} >>"$out"

plural() { # N WORD
	if [ "$1" = 1 ]; then echo "1 $2"; else echo "$1 $2s"; fi
}

# The job summary: a verdict line and a table of findings.
{
	echo "## corsgate lint"
	echo
	case "$code" in
	0) verdict="passed" ;;
	1) verdict="failed: findings at or above \`$fail_on\`" ;;
	2) verdict="failed: usage or configuration error (exit 2; the log says which)" ;;
	3) verdict="failed: an input could not be read (exit 3; the log names it)" ;;
	*) verdict="failed (exit $code)" ;;
	esac
	if [ -n "$errors" ]; then
		echo "**$(plural "$errors" error), $(plural "$warnings" warning), $(plural "$infos" info)**: $verdict"
	else
		echo "**no findings could be counted**: $verdict"
	fi
	if [ -n "$errors" ] && jq -e '(.diagnostics? // []) | length > 0' "$tmp/lint.json" >/dev/null; then
		echo
		jq -r --arg server "${GITHUB_SERVER_URL:-}" --arg repo "${GITHUB_REPOSITORY:-}" --arg sha "${GITHUB_SHA:-}" --argjson max 500 '
			def cell: tostring | gsub("[\r\n]+"; " ") | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;") | gsub("\\|"; "\\|");
			def where:
				(.file // "") as $f | (.line // 0) as $l |
				(if $l > 0 then "\($f):\($l):\(.column // 0)" else $f end | cell) as $text |
				if $server != "" and $repo != "" and $sha != "" and $l > 0 and ($f | test("^[^<]")) and ($f | startswith("/") | not)
				then "[\($text)](\($server)/\($repo)/blob/\($sha)/\($f | ltrimstr("./") | @uri | gsub("%2F"; "/"))#L\($l))"
				else $text end;
			(.diagnostics // []) as $d |
			"| severity | rule | location | message |",
			"|---|---|---|---|",
			($d[:$max][] | "| \(.severity | cell) | `\(.rule | cell)` | \(where) | \(.message | cell) |"),
			(if ($d | length) > $max then "", "… and \(($d | length) - $max) more: see the log or the SARIF results." else empty end)
		' "$tmp/lint.json"
	fi
} >>"$summary"
exit 0
