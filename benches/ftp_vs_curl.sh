#!/usr/bin/env bash
# hinternet's FTP client side by side with curl, against vsftpd on loopback, A/B alternating
# within one run (the order flips every round), reporting medians and the median ratio:
#
#   * RETR of 1 GiB: `ftp_walk get` = InternetOpenUrl + blocking InternetReadFile with one
#     64 KiB buffer, vs `curl -o /dev/null`;
#   * STOR of 100 MiB: `ftp_walk put` = InternetConnect + FtpPutFile, vs `curl -T`;
#   * listing a 10,000-entry directory: `ftp_walk list` = FtpFindFirstFile +
#     InternetFindNextFile, vs `curl ftp://.../dir/` (LIST).
#
# Needs root (vsftpd runs as root with a generated configuration: anonymous, a writable
# incoming/, isolate=NO isolate_network=NO seccomp_sandbox=NO, background=NO) and
# `apt-get install -y vsftpd curl`. Files live on /dev/shm.
#
#   ROUNDS=5 benches/ftp_vs_curl.sh
set -euo pipefail

ROUNDS=${ROUNDS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VSFTPD=${VSFTPD:-/usr/sbin/vsftpd}
[ -x "$VSFTPD" ] || { echo "vsftpd missing: apt-get install -y vsftpd" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing" >&2; exit 1; }

cargo build --quiet --release --example ftp_walk --manifest-path "$ROOT/Cargo.toml"
BIN=$CARGO_TARGET_DIR/release/examples/ftp_walk

WORK=$(mktemp -d /dev/shm/hinternet-ftp-bench.XXXXXX)
VSFTPD_PID=""
cleanup() {
    if [ -n "$VSFTPD_PID" ]; then kill "$VSFTPD_PID" 2>/dev/null || true; wait "$VSFTPD_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

ANON=$WORK/anon
mkdir -p "$ANON/incoming" "$ANON/many"
chmod 755 "$WORK" "$ANON"
chown ftp:ftp "$ANON/incoming"
head -c $((1024 * 1024 * 1024)) /dev/zero > "$ANON/big.bin"
head -c $((100 * 1024 * 1024)) /dev/zero > "$WORK/up.bin"
(cd "$ANON/many" && seq -f 'entry-%05g.dat' 1 10000 | xargs touch)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
PASV=$(free_port)
cat > "$WORK/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$PORT
background=NO
anonymous_enable=YES
local_enable=NO
no_anon_password=YES
anon_root=$ANON
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_umask=022
pasv_enable=YES
pasv_min_port=$PASV
pasv_max_port=$((PASV + 50))
isolate=NO
isolate_network=NO
seccomp_sandbox=NO
xferlog_enable=NO
CONF
"$VSFTPD" "$WORK/vsftpd.conf" </dev/null >/dev/null 2>&1 &
VSFTPD_PID=$!
for _ in $(seq 1 500); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.01
done
URL=ftp://127.0.0.1:$PORT

now() { date +%s.%N; }
# secs CMD...: runs CMD quietly, prints the wall time in seconds.
secs() {
    local s e
    s=$(now)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    e=$(now)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f\n", e - s }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# bench NAME MIB CURL-CMD -- OURS-CMD (commands get the round number appended as $R via eval)
bench() {
    local name=$1 mib=$2 curl_cmd=$3 ours_cmd=$4
    local tc=() to=() ratios=()
    for R in $(seq 1 "$ROUNDS"); do
        if [ $((R % 2)) -eq 1 ]; then
            c=$(eval secs "$curl_cmd"); o=$(eval secs "$ours_cmd")
        else
            o=$(eval secs "$ours_cmd"); c=$(eval secs "$curl_cmd")
        fi
        tc+=("$c"); to+=("$o")
        ratios+=("$(awk -v o="$o" -v c="$c" 'BEGIN { printf "%.4f\n", o / c }')")
        rm -f "$ANON"/incoming/* 2>/dev/null || true
    done
    local mc mo mr
    mc=$(printf '%s\n' "${tc[@]}" | median)
    mo=$(printf '%s\n' "${to[@]}" | median)
    mr=$(printf '%s\n' "${ratios[@]}" | median)
    if [ "$mib" != 0 ]; then
        printf '%-28s curl %8.1f MiB/s  hinternet %8.1f MiB/s  time ratio hinternet/curl (median of %d) %.3f\n' \
            "$name" "$(awk -v m="$mib" -v t="$mc" 'BEGIN { print m / t }')" \
            "$(awk -v m="$mib" -v t="$mo" 'BEGIN { print m / t }')" "$ROUNDS" "$mr"
    else
        printf '%-28s curl %8.3f s      hinternet %8.3f s      time ratio hinternet/curl (median of %d) %.3f\n' \
            "$name" "$mc" "$mo" "$ROUNDS" "$mr"
    fi
}

echo "vsftpd on 127.0.0.1:$PORT, $ROUNDS rounds, A/B alternating"
bench "RETR 1 GiB (64 KiB reads)" 1024 \
    'curl -s -o /dev/null "$URL/big.bin"' \
    '"$BIN" get "$URL/big.bin"'
bench "STOR 100 MiB" 100 \
    'curl -s -T "$WORK/up.bin" "$URL/incoming/c$R.bin"' \
    '"$BIN" put "$WORK/up.bin" "$URL/incoming/h$R.bin"'
bench "LIST 10,000 entries" 0 \
    'curl -s -o /dev/null "$URL/many/"' \
    '"$BIN" list "$URL/many/"'
