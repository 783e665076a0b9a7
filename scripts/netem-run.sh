#!/usr/bin/env bash
# Runs a command in a private network namespace whose loopback delays every packet by the kernel
# (tc netem), so venue latency is real kernel delay rather than the venue servers' scheduler:
#
#   scripts/netem-run.sh DELAY_US -- COMMAND [ARGS...]
#   scripts/netem-run.sh 100 -- sh -c 'npx hft venues --port 9100 --fixed-delay-us NYSE-SIM=0 & \
#       sleep 2; npx hft run --source venues:ws://127.0.0.1:9100 --duration 20'
#
# Inside the namespace both directions cross `lo`, so a round trip gains 2 x DELAY_US.
# Needs root (or CAP_NET_ADMIN), iproute2 and the kernel's sch_netem module. Where any of these is
# missing the script changes nothing, prints one line starting "netem unavailable:" with the
# reason on stderr and exits 3, so callers (and test/venues/netem.test.ts) can skip cleanly.
# `scripts/netem-run.sh --probe` only checks.
set -u

unavailable() {
  echo "netem unavailable: $*" >&2
  exit 3
}

probe_only=0
if [ "${1:-}" = "--probe" ]; then
  probe_only=1
  delay_us=100
else
  delay_us="${1:-}"
  shift || true
  [ "${1:-}" = "--" ] && shift
  case "$delay_us" in
    '' | *[!0-9]*) echo "usage: scripts/netem-run.sh DELAY_US -- COMMAND [ARGS...] | --probe" >&2; exit 2 ;;
  esac
  [ $# -gt 0 ] || { echo "netem-run: no command given" >&2; exit 2; }
fi

command -v ip >/dev/null 2>&1 || unavailable "ip (iproute2) is not installed"
command -v tc >/dev/null 2>&1 || unavailable "tc (iproute2) is not installed"

ns="hft-netem-$$"
err=$(ip netns add "$ns" 2>&1) || unavailable "cannot create a network namespace (${err:-needs root or CAP_NET_ADMIN})"
# On exit, stop whatever the command left running in the namespace (e.g. a venue server started
# with &), then remove the namespace.
cleanup() {
  pids=$(ip netns pids "$ns" 2>/dev/null)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  ip netns del "$ns" >/dev/null 2>&1
}
trap cleanup EXIT
err=$(ip netns exec "$ns" ip link set lo up 2>&1) || unavailable "cannot bring up loopback in the namespace ($err)"
err=$(ip netns exec "$ns" tc qdisc add dev lo root netem delay "${delay_us}us" 2>&1) ||
  unavailable "tc netem refused: ${err} (is the sch_netem kernel module available?)"

if [ "$probe_only" = 1 ]; then
  echo "netem available"
  exit 0
fi
ip netns exec "$ns" "$@"
