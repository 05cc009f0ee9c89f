#!/usr/bin/env bash
# inetsync side by side with `lftp -c mirror --parallel=8` over vsftpd and with `wget -m` over
# nginx, on 2,000 small files (1 B .. 8 KiB in 40 folders), A/B alternating within one run (the
# order flips every round), reporting medians and the median time ratio:
#
#   * FTP full pull:   lftp mirror --parallel=8        vs  inetsync pull --transfers 8
#   * HTTP full pull:  wget -m -np (one connection)    vs  inetsync pull --transfers 8
#   * no-op re-sync:   inetsync pull into an up-to-date copy, as a share of its full pull
#
# Targets (issue 8): FTP >= 2x faster than lftp at the same parallelism; a no-op re-sync under
# 10% of a full pull. Needs root (vsftpd and nginx run with generated configurations:
# anonymous vsftpd with isolate=NO isolate_network=NO seccomp_sandbox=NO; nginx autoindex) and
# `apt-get install -y vsftpd nginx lftp wget`. Trees and copies live on /dev/shm.
#
#   ROUNDS=3 benches/mirror_vs_lftp.sh
set -euo pipefail

ROUNDS=${ROUNDS:-3}
FILES=${FILES:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VSFTPD=${VSFTPD:-/usr/sbin/vsftpd}
NGINX=${NGINX:-/usr/sbin/nginx}
for t in "$VSFTPD" "$NGINX"; do [ -x "$t" ] || { echo "$t missing: apt-get install -y vsftpd nginx" >&2; exit 1; }; done
for t in lftp wget python3; do command -v $t >/dev/null || { echo "$t missing: apt-get install -y $t" >&2; exit 1; }; done

cargo build --quiet --release --example inetsync --manifest-path "$ROOT/Cargo.toml"
BIN=$CARGO_TARGET_DIR/release/examples/inetsync

WORK=$(mktemp -d /dev/shm/inetsync-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

ANON=$WORK/anon
TREE=$ANON/tree
mkdir -p "$TREE"
chmod 755 "$WORK" "$ANON"
python3 - "$TREE" "$FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(8)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8192))))
PY
chmod -R a+rX "$ANON"
BYTES=$(du -sb "$TREE" | cut -f1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 500); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.01; done; return 1; }

FTP_PORT=$(free_port)
PASV=$(free_port)
cat > "$WORK/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$FTP_PORT
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$ANON
write_enable=NO
pasv_enable=YES
pasv_min_port=$PASV
pasv_max_port=$((PASV + 200))
isolate=NO
isolate_network=NO
seccomp_sandbox=NO
xferlog_enable=NO
max_clients=200
max_per_ip=200
CONF
"$VSFTPD" "$WORK/vsftpd.conf" </dev/null >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$FTP_PORT"

HTTP_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    server {
        listen 127.0.0.1:$HTTP_PORT;
        root $ANON;
        autoindex on;
    }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" </dev/null >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$HTTP_PORT"

FTP_URL=ftp://127.0.0.1:$FTP_PORT/tree/
HTTP_URL=http://127.0.0.1:$HTTP_PORT/tree/
OUT=$WORK/out

now() { date +%s.%N; }
secs() {
    local s e
    s=$(now)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    e=$(now)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f\n", e - s }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
check() { diff -r "$TREE" "$1" >/dev/null || { echo "copy in $1 differs from the tree" >&2; exit 1; }; }

lftp_pull() { lftp -c "set ftp:passive-mode on; mirror --parallel=8 $FTP_URL $OUT"; }
ours_ftp() { "$BIN" pull "$FTP_URL" "$OUT" --transfers 8 -q; }
wget_pull() { wget -q -m -np -nH --cut-dirs=1 -R 'index.html*' -P "$OUT" "$HTTP_URL"; }
ours_http() { "$BIN" pull "$HTTP_URL" "$OUT" --transfers 8 -q; }
ours_noop() { "$BIN" pull "$FTP_URL" "$OUT" --transfers 8 -q; }

# Full pulls start from an empty target, emptied before the clock starts (removing 2,000
# files is not part of either tool's time).
fresh() { rm -rf "$OUT"; secs "$@"; }

# bench NAME A B: A/B alternating; prints medians and the median ratio B/A.
bench() {
    local name=$1 a=$2 b=$3 ta=() tb=() ratios=()
    for R in $(seq 1 "$ROUNDS"); do
        if [ $((R % 2)) -eq 1 ]; then
            x=$(fresh "$a"); check "$OUT"; y=$(fresh "$b"); check "$OUT"
        else
            y=$(fresh "$b"); check "$OUT"; x=$(fresh "$a"); check "$OUT"
        fi
        ta+=("$x"); tb+=("$y")
        ratios+=("$(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.4f\n", a / b }')")
    done
    printf '%-34s %-8s %7.3f s   inetsync %7.3f s   speed-up (median of %d) %.2fx\n' "$name" "$a" \
        "$(printf '%s\n' "${ta[@]}" | median)" "$(printf '%s\n' "${tb[@]}" | median)" "$ROUNDS" \
        "$(printf '%s\n' "${ratios[@]}" | median)"
}

echo "$FILES files, $BYTES bytes; vsftpd 127.0.0.1:$FTP_PORT, nginx 127.0.0.1:$HTTP_PORT; $ROUNDS rounds, A/B alternating"
bench "FTP full pull, 8 parallel" lftp_pull ours_ftp
bench "HTTP full pull" wget_pull ours_http

# No-op re-sync against a full pull, alternating too.
full=() noop=() shares=()
for R in $(seq 1 "$ROUNDS"); do
    f=$(fresh ours_ftp); check "$OUT"
    n=$(secs ours_noop); check "$OUT"
    full+=("$f"); noop+=("$n")
    shares+=("$(awk -v f="$f" -v n="$n" 'BEGIN { printf "%.4f\n", n / f }')")
done
printf '%-34s full %7.3f s   no-op %7.3f s   no-op/full (median of %d) %.1f%%\n' "FTP no-op re-sync" \
    "$(printf '%s\n' "${full[@]}" | median)" "$(printf '%s\n' "${noop[@]}" | median)" "$ROUNDS" \
    "$(printf '%s\n' "${shares[@]}" | median | awk '{ print $1 * 100 }')"
