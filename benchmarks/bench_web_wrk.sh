#!/usr/bin/env bash
# Load the web UI with wrk (a C load generator: a Python client on the same 2 cores measures
# itself more than the server). Needs Debian's wrk and a store built by bench_web.py:
#   python benchmarks/bench_web.py --seconds 5      # builds .bench/web-10000-0.db once
#   bash benchmarks/bench_web_wrk.sh [DB] [SECONDS]
# Bounded: 50 connections, loopback only, stops after SECONDS per page.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-.bench/web-10000-0.db}
secs=${2:-15}
command -v wrk >/dev/null || { echo "bench_web_wrk: wrk is not installed (apt-get install wrk)"; exit 1; }
[ -f "$db" ] || { echo "bench_web_wrk: $db missing; run benchmarks/bench_web.py first"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HF_HUB_OFFLINE=1 .venv/bin/storyline serve --db "$db" --host 127.0.0.1 --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
story=$(curl -s "http://127.0.0.1:$port/api/stories?per_page=5" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][2]["id"])')
echo "store $db; 50 connections, ${secs}s per page, loopback; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for path in "/" "/?page=7" "/stories/$story"; do
  echo "== GET $path"
  wrk -t1 -c50 -d"${secs}s" --latency "http://127.0.0.1:$port$path" \
    | grep -E "requests in|Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
done
