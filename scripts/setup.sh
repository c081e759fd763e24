#!/usr/bin/env bash
# Idempotent machine set-up for descsock (run as root, no sudo): the DPDK peer the tests use,
# iproute2 and ping (the TAP bridge test), tshark (reads back `descsock capture` files), gcc and
# make (libdescsock.so and the C test_client), and a 2 MiB hugetlbfs for dma_shmem_path. Prints
# what it did and, for anything it cannot do here, why. Prerequisite: the .NET 10 SDK (`dotnet` on PATH).
set -euo pipefail

say() { echo "setup: $*"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: error: the .NET 10 SDK is required (dotnet is not on PATH)" >&2
  exit 1
fi

have_memif() { ls /usr/lib/*/dpdk/pmds-*/librte_net_memif.so* >/dev/null 2>&1 || ls /usr/lib/*/librte_net_memif.so* >/dev/null 2>&1; }
need=()
command -v dpdk-testpmd >/dev/null 2>&1 || need+=(dpdk-dev)
have_memif || need+=(librte-net-memif23)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: error: need root to install ${need[*]}" >&2
    exit 1
  fi
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  say "dpdk-testpmd, the memif driver, ip, ping, tshark, gcc and make are installed"
fi

# Hugepages: best effort. A container may forbid it; the tests then say so and use tmpfs.
want=64
have=$(awk '/HugePages_Total/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
if [ "${have:-0}" -lt "$want" ]; then
  if echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null; then
    say "reserved $(awk '/HugePages_Total/ {print $2}' /proc/meminfo) hugepages"
  else
    say "cannot reserve hugepages here (no write access to /proc/sys/vm/nr_hugepages); hugetlbfs tests will say so"
  fi
else
  say "$have hugepages reserved"
fi
if grep -q '^[^ ]* [^ ]* hugetlbfs ' /proc/mounts; then
  say "hugetlbfs mounted at $(awk '$3=="hugetlbfs" {print $2; exit}' /proc/mounts)"
elif mkdir -p /dev/hugepages 2>/dev/null && mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null; then
  say "mounted hugetlbfs at /dev/hugepages"
else
  say "cannot mount hugetlbfs here; dma_shmem_path will live on tmpfs and hugetlbfs tests will say so"
fi
