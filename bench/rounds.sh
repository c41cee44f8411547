#!/usr/bin/env bash
# Runs JMH benchmarks in ROUNDS rounds of one fork per configuration, so that every configuration
# sees the machine's background load at about the same times (a shared 2-core machine is noisy in
# bursts; with -f N JMH runs all forks of one configuration back to back, and a burst then skews
# one configuration against the others). Then prints the ratios from all rounds merged.
#
#   bench/rounds.sh 'IsolationBench|CrossingBench|LoadBench' -wi 2 -i 4 -w 1s -r 1s
#
# Environment: ROUNDS (default 3), OUT (default /tmp/bench-rounds: round-N.json and round-N.log).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${ROUNDS:-3}"
out="${OUT:-/tmp/bench-rounds}"
mkdir -p "$out"
rm -f "$out"/round-*.json "$out"/round-*.log
for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds ($(date +%T))"
  java -jar "$here/target/benchmarks.jar" "$@" -f 1 -rf json -rff "$out/round-$r.json" > "$out/round-$r.log" 2>&1 \
    || { echo "round $r failed: see $out/round-$r.log"; exit 1; }
done
python3 "$here/ratios.py" "$out"/round-*.json
