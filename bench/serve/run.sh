#!/usr/bin/env bash
# bench/serve/run.sh: corsgate serve against nginx configured the way ESP v1
# configures itself, side by side in one run, on loopback, with wrk.
#
# Rows (alternated, repeated ROUNDS times):
#   direct    the bench backend itself (no proxy)
#   nginx     nginx with ESP v1's CORS block for the same policy
#             (start_esp/nginx-auto.conf.template: preflights `return 204`,
#             headers added with `always`, upstream keepalive 128,
#             worker_processes 1 = ESP's default, see NGINX_WORKERS)
#   corsgate  corsgate serve --proxy espv2 with the same policy, --quiet
#             (no per-request line or check; nginx's access_log is off too)
#   corsgate-1p   the same with GOMAXPROCS=1 (one P: fewer cross-thread
#             wake-ups between the server, transport and netpoller goroutines)
#   corsgate-log  the same with its default output: every exchange checked
#             by the browser-rules checker and one line per request (to a file)
#   corsgate-std  corsgate with net/http's server and httputil.ReverseProxy
#             for every request (hidden flags --std-server --std-forward),
#             as it was before its own HTTP/1.1 server and direct forwarding
# and two request kinds:
#   preflight OPTIONS + Origin + Access-Control-Request-Method (answered by the proxy)
#   get       GET + Origin, proxied to the backend
#
# For each row: requests/s, p50 and p99 latency (wrk --latency), and the
# proxy's CPU time per request (utime+stime of its processes from
# /proc/PID/stat before and after the run, divided by the requests wrk made).
#
# Usage: bench/serve/run.sh            (from the repository root or anywhere)
# Environment: DURATION (10s) ROUNDS (3) CONNS (32) THREADS (1) WARMUP (3s)
#              NGINX_WORKERS (1) TARGETS ("direct nginx corsgate corsgate-1p corsgate-log")
#              OUT=dir copies the raw results there; KEEP=1 keeps the temp dir;
#              CORSGATE_GOMAXPROCS=n runs corsgate with GOMAXPROCS=n;
#              CORSGATE_ENV="K=V ..." adds environment variables to every
#              corsgate row (e.g. GODEBUG settings);
#              KINDS ("preflight get") the request kinds to run;
#              PROFILE=1 adds a perf profile (perf record -g) of corsgate and
#              nginx under each load after the rounds.
# Needs: go, wrk, nginx. Binds 127.0.0.1 only; stops what it started by PID.
set -euo pipefail

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-3s}
NGINX_WORKERS=${NGINX_WORKERS:-1}
TARGETS=${TARGETS:-direct nginx corsgate corsgate-1p corsgate-log corsgate-std}
KINDS=${KINDS:-preflight get}
CORSGATE_ENV=${CORSGATE_ENV:-}
ORIGIN=http://app.example.com
ALLOW_METHODS='GET, POST, PUT, PATCH, DELETE, OPTIONS'
ALLOW_HEADERS='DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization'
EXPOSE_HEADERS='Content-Length,Content-Range'
PATH_GET=/v1/items/42

for tool in go wrk nginx; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 3; }
done

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
started=()

cleanup() {
	local p
	for p in "${started[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${started[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${KEEP:-}" = 1 ]; then
		echo "kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building" >&2
(cd "$repo" && go build -trimpath -o "$work/corsgate" ./cmd/corsgate && go build -trimpath -o "$work/backend" ./bench/serve/backend)

freeport() { "$work/backend" -freeport; }
BP=$(freeport)
NP=$(freeport)
CP=$(freeport)
while [ "$NP" = "$BP" ]; do NP=$(freeport); done
while [ "$CP" = "$BP" ] || [ "$CP" = "$NP" ]; do CP=$(freeport); done

waitport() { # port
	local i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "run.sh: nothing listens on 127.0.0.1:$1" >&2
	exit 3
}

# --- backend
"$work/backend" -listen "127.0.0.1:$BP" 2>"$work/backend.log" &
BPID=$!
started+=("$BPID")

has() { case " $TARGETS " in *" $1 "*) return 0 ;; esac; return 1; }

# --- nginx, as ESP v1 writes its config for --cors_preset=basic
if has nginx; then
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $NGINX_WORKERS;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 10240; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream app_server0 {
    server 127.0.0.1:$BP;
    keepalive 128;
  }
  server {
    listen 127.0.0.1:$NP backlog=16384;
    location / {
      set \$cors "unset";
      set \$cors "true";
      set \$allow_origin "$ORIGIN";
      if (\$request_method = 'OPTIONS') {
        set \$cors "\${cors}options";
      }
      if (\$cors = "trueoptions") {
        add_header 'Access-Control-Max-Age' 1728000;
        add_header 'Access-Control-Allow-Origin' "\$allow_origin";
        add_header 'Access-Control-Allow-Methods' '$ALLOW_METHODS';
        add_header 'Access-Control-Allow-Headers' '$ALLOW_HEADERS';
        add_header 'Content-Type' 'text/plain; charset=utf-8';
        add_header 'Content-Length' 0;
        return 204;
      }
      if (\$cors = "true") {
        add_header 'Access-Control-Allow-Origin' "\$allow_origin" always;
        add_header 'Access-Control-Allow-Methods' '$ALLOW_METHODS' always;
        add_header 'Access-Control-Allow-Headers' '$ALLOW_HEADERS' always;
        add_header 'Access-Control-Expose-Headers' '$EXPOSE_HEADERS' always;
      }
      proxy_pass http://app_server0;
      proxy_redirect off;
      proxy_set_header Host \$host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/logs/stderr.log" &
NPID=$!
started+=("$NPID")
waitport "$NP"
fi

# --- corsgate serve, ESPv2 semantics, same policy
start_corsgate() { # port logfile extra-flags...
	local port=$1 log=$2
	shift 2
	# shellcheck disable=SC2086
	env $CORSGATE_ENV ${CORSGATE_GOMAXPROCS:+GOMAXPROCS=$CORSGATE_GOMAXPROCS} "$work/corsgate" serve "$here/spec.yaml" --backend "http://127.0.0.1:$BP" \
		--listen "127.0.0.1:$port" --proxy espv2 \
		--cors_preset=basic --cors_allow_origin="$ORIGIN" \
		--cors_allow_methods="$ALLOW_METHODS" --cors_allow_headers="$ALLOW_HEADERS" \
		--cors_expose_headers="$EXPOSE_HEADERS" --color=never "$@" \
		>"$log.out" 2>"$log" &
}
if has corsgate; then
	start_corsgate "$CP" "$work/corsgate.log" --quiet
	CPID=$!
	started+=("$CPID")
	waitport "$CP"
fi
PP=$(freeport)
if has corsgate-1p; then
	CORSGATE_GOMAXPROCS=1 start_corsgate "$PP" "$work/corsgate-1p.log" --quiet
	PPID_1P=$!
	started+=("$PPID_1P")
	waitport "$PP"
fi
LP=$(freeport)
if has corsgate-log; then
	start_corsgate "$LP" "$work/corsgate-lines.log"
	LPID=$!
	started+=("$LPID")
	waitport "$LP"
fi
SP=$(freeport)
if has corsgate-std; then
	start_corsgate "$SP" "$work/corsgate-std.log" --quiet --std-server --std-forward
	SPID=$!
	started+=("$SPID")
	waitport "$SP"
fi
waitport "$BP"

cat >"$work/preflight.lua" <<LUA
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "$ORIGIN"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type"
LUA
cat >"$work/get.lua" <<LUA
wrk.method = "GET"
wrk.headers["Origin"] = "$ORIGIN"
LUA

port_of() { case $1 in direct) echo "$BP" ;; nginx) echo "$NP" ;; corsgate) echo "$CP" ;; corsgate-1p) echo "$PP" ;; corsgate-log) echo "$LP" ;; corsgate-std) echo "$SP" ;; esac; }
pids_of() { # the processes whose CPU counts for a target
	case $1 in
	direct) echo "$BPID" ;;
	nginx) echo "$NPID" $(ps -o pid= --ppid "$NPID") ;;
	corsgate) echo "$CPID" ;;
	corsgate-1p) echo "$PPID_1P" ;;
	corsgate-log) echo "$LPID" ;;
	corsgate-std) echo "$SPID" ;;
	esac
}
ticks() { # total utime+stime (clock ticks) of the given PIDs
	local t=0 p v
	for p in "$@"; do
		v=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')
		t=$((t + v))
	done
	echo "$t"
}
tck=$(getconf CLK_TCK)

echo "== sample responses" >&2
for target in $TARGETS; do
	echo "-- $target preflight"
	curl -s -o /dev/null -D - -X OPTIONS -H "Origin: $ORIGIN" -H "Access-Control-Request-Method: PUT" \
		-H "Access-Control-Request-Headers: content-type" "http://127.0.0.1:$(port_of $target)$PATH_GET" | tr -d '\r' | grep -iv '^date:'
	echo "-- $target get"
	curl -s -o /dev/null -D - -H "Origin: $ORIGIN" "http://127.0.0.1:$(port_of $target)$PATH_GET" | tr -d '\r' | grep -iv '^date:'
done >"$work/samples.txt"
cat "$work/samples.txt"

to_us() { # wrk latency like 123.45us / 1.23ms / 1.01s -> microseconds
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n
	}'
}

rows="$work/rows.tsv"
printf 'round\ttarget\tkind\trps\tp50_us\tp99_us\tcpu_us_per_req\trequests\tnon2xx\n' >"$rows"

run() { # round target kind duration
	local round=$1 target=$2 kind=$3 dur=$4 url out before after reqs rps p50 p99 non cpu
	url="http://127.0.0.1:$(port_of "$target")$PATH_GET"
	out="$work/wrk-$round-$target-$kind.txt"
	# shellcheck disable=SC2046
	before=$(ticks $(pids_of "$target"))
	wrk -t"$THREADS" -c"$CONNS" -d"$dur" --latency -s "$work/$kind.lua" "$url" >"$out"
	# shellcheck disable=SC2046
	after=$(ticks $(pids_of "$target"))
	[ "$round" = warmup ] && return 0
	reqs=$(awk '/requests in/ {print $1}' "$out")
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	p50=$(to_us "$(awk '$1 == "50%" {print $2}' "$out")")
	p99=$(to_us "$(awk '$1 == "99%" {print $2}' "$out")")
	non=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	cpu=$(awk -v d=$((after - before)) -v t="$tck" -v n="$reqs" 'BEGIN {printf "%.2f", d / t * 1e6 / n}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$target" "$kind" "$rps" "$p50" "$p99" "$cpu" "$reqs" "${non:-0}" >>"$rows"
	printf '%-8s %-12s %-9s %10s req/s  p50 %8s us  p99 %8s us  cpu %7s us/req  non2xx %s\n' \
		"$round" "$target" "$kind" "$rps" "$p50" "$p99" "$cpu" "${non:-0}" >&2
}

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNS -d$DURATION; rounds $ROUNDS; nginx workers $NGINX_WORKERS" >&2
for target in $TARGETS; do
	for kind in $KINDS; do run warmup "$target" "$kind" "$WARMUP"; done
done
for round in $(seq 1 "$ROUNDS"); do
	if [ $((round % 2)) = 1 ]; then order=$TARGETS; else order=$(echo "$TARGETS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
	for kind in $KINDS; do
		for target in $order; do run "$round" "$target" "$kind" "$DURATION"; done
	done
done
echo "== done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Medians over rounds, and corsgate/nginx ratios against the issue's targets.
awk -F'\t' '
function median(key,   n, i, j, a, t) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR > 1 {
	for (c = 4; c <= 7; c++) vals[$2 SUBSEP $3 SUBSEP c] = vals[$2 SUBSEP $3 SUBSEP c] " " $c
	non[$2 SUBSEP $3] += $9
}
END {
	print "| kind | target | req/s | p50 µs | p99 µs | proxy CPU µs/req | non-2xx |"
	print "|---|---|---:|---:|---:|---:|---:|"
	split("preflight get", kinds, " "); nt = split("direct nginx corsgate corsgate-1p corsgate-log corsgate-std", targets, " ")
	for (k = 1; k <= 2; k++) for (t = 1; t <= nt; t++) {
		K = targets[t] SUBSEP kinds[k]
		if (!((K SUBSEP 4) in vals)) continue
		for (c = 4; c <= 7; c++) m[K, c] = median(K SUBSEP c)
		printf "| %s | %s | %.0f | %.0f | %.0f | %s | %d |\n", kinds[k], targets[t], m[K, 4], m[K, 5], m[K, 6], (targets[t] == "direct" ? "(backend) " : "") sprintf("%.1f", m[K, 7]), non[K]
	}
	print ""
	print "| kind | proxy | req/s vs nginx | target | p99 vs nginx | target | CPU per request vs nginx |"
	print "|---|---|---:|---|---:|---|---:|"
	for (k = 1; k <= 2; k++) for (t = 3; t <= nt; t++) {
		c = targets[t] SUBSEP kinds[k]; n = "nginx" SUBSEP kinds[k]
		if (!((c SUBSEP 4) in vals) || !((n SUBSEP 4) in vals)) continue
		r = m[c, 4] / m[n, 4]; p = m[c, 6] / m[n, 6]; u = m[c, 7] / m[n, 7]
		# GETs: 0.75 for -q (issue 6); 0.8 with the default output, every exchange judged and logged (issue 17).
		want = kinds[k] == "preflight" ? 0.9 : (targets[t] == "corsgate-log" ? 0.8 : 0.75)
		printf "| %s | %s | %.2f | >= %.2f %s | %.2f | <= 1.50 %s | %.2f |\n", kinds[k], targets[t], r, want, (r >= want ? "met" : "MISSED"), p, (p <= 1.5 ? "met" : "MISSED"), u
	}
}' "$rows" | tee "$work/summary.md"

if [ "${PROFILE:-}" = 1 ] && command -v perf >/dev/null; then
	for target in corsgate nginx; do
		has "$target" || continue
		for kind in preflight get; do
			prof="$work/profile-$target-$kind"
			# shellcheck disable=SC2046
			pids=$(pids_of "$target" | tr ' ' ',' | sed 's/,*$//')
			perf record -q -F 499 -g -p "$pids" -o "$prof.data" -- sleep 8 2>/dev/null &
			perfpid=$!
			sleep 0.5
			wrk -t"$THREADS" -c"$CONNS" -d7s -s "$work/$kind.lua" "http://127.0.0.1:$(port_of "$target")$PATH_GET" >"$prof.wrk"
			wait "$perfpid" || true
			{
				echo "### $target $kind: $(awk '/^Requests\/sec:/ {print $2}' "$prof.wrk") req/s under perf"
				echo "by DSO (kernel vs process):"
				perf report -i "$prof.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -6
				echo "self time by component:"
				perf report -i "$prof.data" --no-children --sort symbol --stdio -g none 2>/dev/null | awk '
					/%/ && $1 ~ /%$/ {
						p = $1 + 0; t = $2; s = $3
						if (t == "[k]") g = "kernel (TCP, syscalls, scheduling, hypervisor irq)"
						else if (s ~ /corsgate/) g = "corsgate code (cors engine, proxy, cli)"
						else if (s ~ /^(net\/http|net\/textproto|bufio|net\.|internal\/poll|syscall|net\/url|internal\/runtime\/syscall)/) g = "Go net/http, net, poll, syscall wrappers"
						else if (s ~ /^(runtime|internal\/runtime|gcWriteBarrier|aeshash|memeqbody|indexbyte|sync)/) g = "Go runtime (scheduler, GC, malloc, maps)"
						else if (s ~ /^ngx_/) g = "nginx code"
						else g = "other (libc, vdso, unresolved)"
						sum[g] += p
					}
					END { for (g in sum) printf "  %6.2f%%  %s\n", sum[g], g }' | sort -rn
				echo "top symbols (self):"
				perf report -i "$prof.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -25
			} >"$prof.txt" || true # head closes the pipe early (pipefail)
			cat "$prof.txt"
		done
	done
fi

if [ -n "${OUT:-}" ]; then
	mkdir -p "$OUT"
	cp "$rows" "$work/summary.md" "$work/samples.txt" "$OUT/"
	cp "$work"/wrk-*.txt "$OUT/" 2>/dev/null || true
	cp "$work"/profile-*.txt "$OUT/" 2>/dev/null || true
	echo "results copied to $OUT" >&2
fi
