#!/usr/bin/env bash
# The main job, on defaults: the software DMA agent (`descsock agent`, shipped configuration
# config/agent.json) and a C# tenant exchanging 100,000 self-checking frames through its echo
# service (svc_id 0), then the agent's per-service counters (`descsock stats`).
# Extra arguments go to `descsock ping` (e.g. --count 1000000 --max-size 9004).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build src/Descsock.Host -c Release -v quiet -nologo >/dev/null
descsock() { dotnet src/Descsock.Host/bin/Release/net10.0/descsock.dll "$@"; }

work=$(mktemp -d /tmp/descsock-demo.XXXXXX)
socket="$work/agent.sock"
shm_dir=/dev/hugepages; grep -q " $shm_dir hugetlbfs " /proc/mounts || shm_dir=/dev/shm
agent_pid=""
cleanup() { [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "demo: starting the DMA agent on $socket (config/agent.json)"
descsock agent --config config/agent.json --socket "$socket" >"$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "demo: the agent did not start:"; cat "$work/agent.log"; exit 1; }

echo "demo: tenant on svc_id 0 (echo), dma_shmem_path $shm_dir/descsock-demo"
descsock ping --socket "$socket" --svc-id 0 --shm "$shm_dir/descsock-demo" --count 100000 "$@"

echo "demo: the agent's counters (descsock stats, from its stats socket $socket.stats):"
descsock stats --socket "$socket" | sed 's/^/  /'

echo "demo: stopping the agent (SIGTERM)"
kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=""
