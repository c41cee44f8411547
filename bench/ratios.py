#!/usr/bin/env python3
"""Ratios to NONE from one JMH JSON result file (java -jar benchmarks.jar ... -rf json -rff FILE).

    python3 bench/ratios.py /tmp/bench.json

IsolationBench: every (workload, mode, metered) score divided by the same workload's
(NONE, metered=false) score from the same file, and each metered score divided by the same
mode's unmetered one (the cost of metering). The error of a ratio combines the two scores'
relative errors (JMH's 99.9% half-widths) in quadrature: a rough guide, not a confidence interval.
CrossingBench: each score, and the same minus plainCall. Anything else: the score as JMH gave it.
"""
import json
import math
import sys
from collections import defaultdict

GOALS = {"SFI_MASK": 1.05, "SFI_MASK_STORES": 1.05, "SFI_CHECK": 1.15, "BOUNDS": 1.15}


def ratio(a, b):
    (sa, ea), (sb, eb) = a, b
    r = sa / sb
    rel = math.sqrt((ea / sa) ** 2 + (eb / sb) ** 2) if sa and sb else float("nan")
    return r, r * rel


def err(e):
    return 0.0 if e is None or (isinstance(e, float) and math.isnan(e)) else e


def main(path):
    with open(path) as f:
        runs = json.load(f)
    iso = {}
    others = defaultdict(list)
    for run in runs:
        cls, method = run["benchmark"].rsplit(".", 1)
        cls = cls.rsplit(".", 1)[-1]
        m = run["primaryMetric"]
        score = (m["score"], err(m.get("scoreError")))
        params = run.get("params", {})
        if cls == "IsolationBench":
            iso[(method, params["mode"], params["metered"] == "true")] = (score, m["scoreUnit"], run.get("forks"))
        else:
            others[cls].append((method, params, score, m["scoreUnit"]))

    if iso:
        print("IsolationBench: ratios to NONE (unmetered) of the same run")
        print(f"{'workload':9} {'mode':16} {'metered':7} {'score':>22}   {'x NONE':>14}   {'metering':>14}  goal")
        modes = ["NONE", "SFI_MASK", "SFI_MASK_STORES", "SFI_CHECK", "BOUNDS"]
        for work in sorted({k[0] for k in iso}):
            base = iso.get((work, "NONE", False))
            for mode in modes:
                for metered in (False, True):
                    row = iso.get((work, mode, metered))
                    if row is None:
                        continue
                    (s, e), unit, _ = row
                    line = f"{work:9} {mode:16} {str(metered).lower():7} {s:12.1f} ± {e:7.1f} {unit:5}"
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
                    print(line + "  " + flag)
        print()

    for cls, rows in others.items():
        print(cls)
        plain = next((r[2] for r in rows if r[0] == "plainCall"), None)
        for method, params, (s, e), unit in rows:
            p = " ".join(f"{k}={v}" for k, v in params.items())
            line = f"  {method:28} {p:16} {s:12.3f} ± {e:8.3f} {unit}"
            if cls == "CrossingBench" and plain and method != "plainCall":
                line += f"   (minus plainCall: {s - plain[0]:8.1f})"
            print(line)
        print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench.json")
