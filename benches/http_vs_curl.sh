#!/usr/bin/env bash
# Times curl against examples/http_get (blocking InternetReadFile, 64 KiB buffer) on the same
# loopback nginx, A/B alternating within one run, and prints the median ratio per case
# (ours / curl: below 1 is faster than curl). The order flips every run.
#
#   benches/http_vs_curl.sh            # RUNS=5 by default
#   RUNS=9 PORT=18080 benches/http_vs_curl.sh
#   PLACEMENTS="same" RUNS=21 benches/http_vs_curl.sh
#
# Cases: a 1 GiB file; 10,000 keep-alive GETs of 1 KiB one after the other; the same 10,000
# GETs 64 at a time (the async Rust API, MAX_CONNS_PER_SERVER raised to 64; curl --parallel).
#
# Placements (PLACEMENTS, all three by default), because on a virtual machine where the client
# and nginx run decides more than the client does:
#   same   nginx's worker and the client pinned to CPU 0: every request is a plain context
#          switch; the time is the CPU both sides spend.
#   other  nginx on CPU 0, the client on CPU 1: every request wakes the other CPU. On a VM
#          that costs tens of microseconds per round trip whoever the client is (a raw-socket
#          loop that does nothing else is then only 10-25 % faster than curl on serial GETs).
#   free   nobody pinned: the scheduler picks, and the run mixes the two above.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/examples/http_get
RUNS=${RUNS:-5}
PORT=${PORT:-18080}
command -v nginx >/dev/null || { echo "nginx missing (apt-get install -y nginx)"; exit 1; }
command -v curl >/dev/null || { echo "curl missing (apt-get install -y curl)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (apt-get install -y time)"; exit 1; }
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --example http_get)

WORK=$(mktemp -d /dev/shm/hinternet-bench.XXXXXX)
cleanup() { [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/www" "$WORK/logs"
head -c $((1 << 30)) /dev/zero > "$WORK/www/big"
head -c 1024 /dev/urandom > "$WORK/www/small"
chmod -R a+rX "$WORK"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $WORK/logs;
    proxy_temp_path $WORK/logs;
    fastcgi_temp_path $WORK/logs;
    uwsgi_temp_path $WORK/logs;
    scgi_temp_path $WORK/logs;
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/www;
    }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/logs/error.log"
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/small" && break; sleep 0.1; done

URL=http://127.0.0.1:$PORT
# "wall cpu" seconds of one command (cpu = user + system of the process and its children).
timeit() {
    /usr/bin/time -o "$WORK/time" -f '%e %U %S' "$@" >/dev/null 2>&1
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$WORK/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Pins nginx's worker and sets PIN, the prefix that pins a client, for placement $1.
place() {
    local worker cpus
    worker=$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -1)
    cpus=$(nproc)
    case $1 in
        same) taskset -cp 0 "$worker" >/dev/null; PIN="taskset -c 0" ;;
        other) taskset -cp 0 "$worker" >/dev/null; PIN="taskset -c 1" ;;
        free) taskset -cp "0-$((cpus - 1))" "$worker" >/dev/null; PIN="" ;;
        *) echo "unknown placement $1 (same, other, free)"; exit 2 ;;
    esac
}

run_case() {
    local name=$1; shift
    local curl_cmd="$PIN $1" ours_cmd="$PIN $2"
    local ratios=() cpu_ratios=() c o
    for r in $(seq 1 "$RUNS"); do
        # The order flips every run, so neither side always runs on a warmer machine.
        if [ $((r % 2)) -eq 1 ]; then
            read -r cw cc <<<"$(timeit bash -c "$curl_cmd")"
            read -r ow oc <<<"$(timeit bash -c "$ours_cmd")"
        else
            read -r ow oc <<<"$(timeit bash -c "$ours_cmd")"
            read -r cw cc <<<"$(timeit bash -c "$curl_cmd")"
        fi
        ratios+=("$(echo "$ow / $cw" | bc -l)")
        cpu_ratios+=("$(echo "$oc / ($cc + 0.001)" | bc -l)")
        printf '  %-28s curl %7.3f s (cpu %6.3f)   ours %7.3f s (cpu %6.3f)\n' "$name" "$cw" "$cc" "$ow" "$oc"
    done
    printf '%-30s median ratio ours/curl = %.3f   cpu ratio = %.3f\n' "$name" \
        "$(printf '%s\n' "${ratios[@]}" | median)" "$(printf '%s\n' "${cpu_ratios[@]}" | median)"
}

PLACEMENTS=${PLACEMENTS:-same other free}
[ "$(nproc)" -ge 2 ] || PLACEMENTS=${PLACEMENTS//other/}
command -v taskset >/dev/null || { echo "taskset missing (apt-get install -y util-linux)"; exit 1; }
for placement in $PLACEMENTS; do
    place "$placement"
    echo "== placement: $placement"
    run_case "1 GiB file" \
        "curl -s -o /dev/null $URL/big" \
        "$BIN $URL/big"
    run_case "10000 keep-alive GETs 1 KiB" \
        "curl -s -o /dev/null '$URL/small?[1-10000]'" \
        "$BIN --repeat 10000 $URL/small"
    run_case "10000 GETs 1 KiB, 64 at a time" \
        "curl -s --no-progress-meter -Z --parallel-max 64 -o /dev/null '$URL/small?[1-10000]'" \
        "$BIN --concurrent 64 --total 10000 $URL/small"
done
