#!/usr/bin/env python3
"""Ratios to NONE from one JMH JSON result file (java -jar benchmarks.jar ... -rf json -rff FILE, or
the bench.json that ./testbed bench writes), or from the round files of one bench/rounds.sh session,
merged.

    python3 bench/ratios.py /tmp/bench.json
    python3 bench/ratios.py reports/latest/bench.json
    python3 bench/ratios.py /tmp/bench-rounds/round-*.json

IsolationBench: every (workload, mode, metered) score divided by the same workload's
(NONE, metered=false) score from the same file, and each metered score divided by the same
mode's unmetered one (the cost of metering). The error of a ratio combines the two scores'
relative errors (JMH's 99.9% half-widths) in quadrature: a rough guide, not a confidence interval.
The median columns use the median of all measurement iterations of all forks instead of the
mean: on a shared machine, bursts of load from other processes inflate a few iterations, and the
median ignores them. The min columns use the fastest iteration: for CPU-bound code, other
processes can only add time, so on a loaded machine the minimum is the least disturbed estimate
(but one lucky iteration can flatter it). Quote the median or min ratios when the mean's error
bars are wide, and say which.
CrossingBench: each score, and the same minus plainCall. Anything else: the score as JMH gave it.
"""
import json
import math
import sys
from collections import defaultdict

GOALS = {"SFI_MASK": 1.05, "SFI_MASK_STORES": 1.02, "SFI_CHECK": 1.15, "BOUNDS": 1.15}


def ratio(a, b):
    (sa, ea), (sb, eb) = a, b
    r = sa / sb
    rel = math.sqrt((ea / sa) ** 2 + (eb / sb) ** 2) if sa and sb else float("nan")
    return r, r * rel


def err(e):
    return 0.0 if e is None or (isinstance(e, float) and math.isnan(e)) else e


def load(paths):
    """JMH runs from one file, or merged from several (rounds of one session): same benchmark and
    params -> all forks' iterations together, score = their mean, error = 3.29 standard errors
    (a normal 99.9% half-width, JMH's level)."""
    merged = {}
    order = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
            # ./testbed bench's bench.json keeps JMH's own results under "benchmarks".
            for run in data["benchmarks"] if isinstance(data, dict) else data:
                key = (run["benchmark"], tuple(sorted(run.get("params", {}).items())))
                if key not in merged:
                    merged[key] = run
                    order.append(key)
                else:
                    merged[key]["primaryMetric"]["rawData"] += run["primaryMetric"]["rawData"]
                    merged[key]["merged"] = True
    runs = []
    for key in order:
        run = merged[key]
        if run.get("merged"):
            m = run["primaryMetric"]
            raw = [x for fork in m["rawData"] for x in fork]
            mean = sum(raw) / len(raw)
            sd = math.sqrt(sum((x - mean) ** 2 for x in raw) / (len(raw) - 1)) if len(raw) > 1 else 0.0
            m["score"] = mean
            m["scoreError"] = 3.29 * sd / math.sqrt(len(raw))
        runs.append(run)
    return runs


def main(paths):
    runs = load(paths)
    iso = {}
    others = defaultdict(list)
    for run in runs:
        cls, method = run["benchmark"].rsplit(".", 1)
        cls = cls.rsplit(".", 1)[-1]
        m = run["primaryMetric"]
        score = (m["score"], err(m.get("scoreError")))
        raw = [x for fork in m.get("rawData", []) for x in fork]
        median = sorted(raw)[len(raw) // 2] if raw else m["score"]
        best = min(raw) if raw else m["score"]
        params = run.get("params", {})
        if cls == "IsolationBench":
            work = params.get("workload", method)
            iso[(work, params["mode"], params["metered"] == "true")] = (score, m["scoreUnit"], median, best)
        else:
            others[cls].append((method, params, score, m["scoreUnit"], median))

    if iso:
        print("IsolationBench: ratios to NONE (unmetered) of the same run")
        print(f"{'workload':12} {'mode':16} {'metered':7} {'score':>22}         {'x NONE':>14}   {'metering':>14}"
              f"  {'median x NONE':>13} {'median metering':>15}  {'min x NONE':>10} {'min metering':>12}  goal")
        modes = ["NONE", "SFI_MASK", "SFI_MASK_STORES", "SFI_CHECK", "BOUNDS"]
        for work in sorted({k[0] for k in iso}):
            base = iso.get((work, "NONE", False))
            for mode in modes:
                for metered in (False, True):
                    row = iso.get((work, mode, metered))
                    if row is None:
                        continue
                    (s, e), unit, med, best = row
                    line = f"{work:12} {mode:16} {str(metered).lower():7} {s:12.1f} ± {e:7.1f} {unit:5}"
                    if base:
                        r, re_ = ratio((s, e), base[0])
                        goal = GOALS.get(mode)
                        flag = "" if goal is None else ("ok" if r <= goal else f"ABOVE {goal:.2f}x")
                        line += f"   {r:6.3f} ± {re_:5.3f}"
                    else:
                        flag = ""
                        line += " " * 17
                    unmetered = iso.get((work, mode, False))
                    if metered and unmetered:
                        mr, me = ratio((s, e), unmetered[0])
                        line += f"   {mr:6.3f} ± {me:5.3f}"
                        if mr > 1.05:
                            flag += " metering ABOVE +5%"
                    else:
                        line += " " * 17
                    line += f"  {med / base[2]:13.3f}" if base else " " * 15
                    line += f" {med / unmetered[2]:15.3f}" if metered and unmetered else " " * 16
                    line += f"  {best / base[3]:10.3f}" if base else " " * 12
                    line += f" {best / unmetered[3]:12.3f}" if metered and unmetered else " " * 13
                    print(line + "  " + flag)
        print()

    for cls, rows in others.items():
        print(cls)
        plain = next((r[2] for r in rows if r[0] == "plainCall"), None)
        for method, params, (s, e), unit, med in rows:
            p = " ".join(f"{k}={v}" for k, v in params.items())
            line = f"  {method:28} {p:16} {s:12.3f} ± {e:8.3f} {unit}  (median {med:10.3f})"
            if cls == "CrossingBench" and plain and method != "plainCall":
                line += f"   (minus plainCall: {s - plain[0]:8.1f})"
            print(line)
        print()


if __name__ == "__main__":
    main(sys.argv[1:] or ["/tmp/bench.json"])
