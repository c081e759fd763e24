#!/usr/bin/env bash
# The benchmark (issue #5): our tenant and agent side by side with DPDK's testpmd, in one run.
# Needs both CPUs of the machine and nothing else running: the tenant side is pinned to CPU 0 and
# the agent side to CPU 1 (change with --tenant-cpu / --agent-cpu), and each busy-polls its core.
# Sets the machine up first (DPDK, hugepages), builds, then runs `descsock bench` with the
# arguments given (see `descsock bench --help`); the table goes to stdout, progress to stderr,
# the figures as JSON to bench/results.json unless --json or --no-json says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
dotnet build src/Descsock.Host -c Release -v quiet -nologo >/dev/null
exec dotnet src/Descsock.Host/bin/Release/net10.0/descsock.dll bench "$@"
