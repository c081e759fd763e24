#!/usr/bin/env bash
# The main job, on defaults: a C# descsock tenant exchanges 100,000 frames with a DMA agent.
# Until the project's own agent lands (issue #3) the agent is dpdk-testpmd as a memif server
# echoing every frame (forward mode io), started and stopped by this script.
# Extra arguments go to `descsock ping` (e.g. --count 1000000 --max-size 9004).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build src/Descsock.Host -c Release -v quiet -nologo >/dev/null

work=$(mktemp -d /tmp/descsock-demo.XXXXXX)
socket="$work/agent.sock"
shm_dir=/dev/hugepages; grep -q " $shm_dir hugetlbfs " /proc/mounts || shm_dir=/dev/shm
pmd_pid=""
cleanup() { [ -n "$pmd_pid" ] && kill -INT "$pmd_pid" 2>/dev/null && wait "$pmd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "demo: starting the agent: dpdk-testpmd, memif server on $socket, echoing (io)"
dpdk-testpmd --no-huge -m 1024 --no-pci --file-prefix="demo$$" --lcores=0@1,1@1 \
  --vdev="net_memif0,role=server,socket=$socket,id=0,socket-abstract=no" -- \
  --total-num-mbufs=16384 --no-mlockall --forward-mode=io --stats-period 5 >"$work/testpmd.log" 2>&1 &
pmd_pid=$!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "demo: testpmd did not start:"; cat "$work/testpmd.log"; exit 1; }

echo "demo: tenant: dma_shmem_path $shm_dir/descsock-demo, svc_id 0"
dotnet src/Descsock.Host/bin/Release/net10.0/descsock.dll ping --socket "$socket" --svc-id 0 \
  --shm "$shm_dir/descsock-demo" --count 100000 "$@"
