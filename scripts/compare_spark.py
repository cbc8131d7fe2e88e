#!/usr/bin/env python3
"""Checks that the Spark SQL aikg generates gives aikg's own answers.

For a dataset (the built-in one, or a folder such as `aikg gen` writes) it exports the graph with
`aikg export --to parquet`, then, in one Spark session in local mode, runs the scripts of
`aikg ... --as spark-sql` through spark/aikg_spark.py and compares every answer with aikg's own
(`--timeless`, the model the Spark SQL computes):

- upstream and downstream tiers: the exact set of (node, tier) from each start node;
- impact: the verdict on every dependant (breaks / loses supply / keeps supply), and for
  `loses supply` the share, to the 0.1% aikg prints;
- concentration: every market's latest point: holders, covered share, HHI, top 1 and its holder,
  top 3, to the decimals aikg prints;
- path: the length of the shortest path (any direction, and --upstream) for a few pairs.

Start nodes: the nodes with the most supply edges and a fixed sample of the rest (--starts of
each). --recursive also runs the tiers through WITH RECURSIVE (small graphs only). Exit 1 on any
mismatch. Usage: compare_spark.py --aikg PATH [--data DIR] [--starts K] [--recursive] [--min-tier TIER]
[--include-unverified].
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "spark"))

import aikg_spark  # noqa: E402


class Aikg:
    def __init__(self, exe, data=None, flags=()):
        self.exe, self.data, self.flags = exe, data, list(flags)

    def run(self, *args):
        cmd = [self.exe] + (["--data", self.data] if self.data else []) + self.flags + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"aikg failed: {' '.join(cmd)}\n{out.stderr}")
        return out.stdout

    def json(self, *args):
        return json.loads(self.run("--format", "json", *args))


def near(a, b, decimals):
    """Whether `a` rounds to `b` at `decimals` (b as aikg printed it)."""
    return a is not None and b is not None and abs(a - b) <= 0.5 * 10 ** -decimals + 1e-9


class Check:
    def __init__(self):
        self.failures = 0
        self.compared = 0

    def same(self, what, got, want):
        self.compared += 1
        if got != want:
            self.failures += 1
            only_spark = sorted(set(got) - set(want))[:10] if isinstance(got, (set, dict)) else got
            only_aikg = sorted(set(want) - set(got))[:10] if isinstance(want, (set, dict)) else want
            print(f"MISMATCH {what}: spark only {only_spark}; aikg only {only_aikg}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aikg", required=True)
    ap.add_argument("--data", help="a dataset folder (default: the built-in data)")
    ap.add_argument("--starts", type=int, default=3, help="hubs, and as many sampled nodes, to start from")
    ap.add_argument("--recursive", action="store_true", help="also run the tiers through WITH RECURSIVE")
    ap.add_argument("--min-tier", default="weak", help="the evidence policy of both sides")
    ap.add_argument("--include-unverified", action="store_true", help="the evidence policy of both sides")
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()
    flags = ["--min-tier", a.min_tier] + (["--include-unverified"] if a.include_unverified else [])
    aikg = Aikg(a.aikg, a.data, flags)
    check = Check()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        pq = os.path.join(tmp, "parquet")
        Aikg(a.aikg, a.data).run("export", "--to", "parquet", "-o", pq)
        spark = aikg_spark.session(a.master, "aikg-compare")
        aikg_spark.register(spark, pq)

        def spark_answer(*args, recursive=False):
            script = aikg.run(*args, "--as", "spark-sql")
            return aikg_spark.Runner(spark, recursive=recursive).run(script).collect()

        # Start nodes: the hubs of the supply graph (most supply edges as supplier), then every
        # n-th of the other nodes with a supply edge, in id order.
        rows = spark.sql(
            "SELECT node, COUNT(*) AS n FROM ("
            " SELECT `from` AS node FROM edges UNION ALL SELECT `to` AS node FROM edges)"
            " GROUP BY node ORDER BY n DESC, node"
        ).collect()
        ids = [r.node for r in rows]
        hubs = ids[: a.starts]
        rest = sorted(ids[a.starts:])
        step = max(1, len(rest) // max(1, a.starts))
        starts = hubs + rest[step // 2 :: step][: a.starts]
        print(f"{len(ids)} connected nodes; starts: {', '.join(starts)}", flush=True)

        for node in starts:
            for flow in ("upstream", "downstream"):
                want = {(r["id"], r["tier"]) for r in aikg.json(flow, node, "--timeless")}
                got = {(r.id, r.tier) for r in spark_answer(flow, node)}
                check.same(f"{flow} {node}", got, want)
                if a.recursive:
                    got = {(r.id, r.tier) for r in spark_answer(flow, node, recursive=True)}
                    check.same(f"{flow} {node} (WITH RECURSIVE)", got, want)
            want_rows = aikg.json("impact", node, "--timeless", "--all")
            got_rows = {r.id: r for r in spark_answer("impact", node)}
            check.same(f"impact {node}: dependants", set(got_rows), {r["id"] for r in want_rows})
            for w in want_rows:
                g = got_rows.get(w["id"])
                if g is None:
                    continue
                check.same(f"impact {node}: verdict on {w['id']}", g.verdict, w["verdict"])
                check.same(f"impact {node}: tier of {w['id']}", g.tier, w["tier"])
                if w["verdict"] == "loses supply":
                    pct = float(w["why"].split("loses ", 1)[1].split("%", 1)[0])
                    if not near(g.share * 100 if g.share is not None else None, pct, 1):
                        check.same(f"impact {node}: share lost by {w['id']}", g.share, pct / 100)
            print(f"  {node}: tiers and impact compared ({time.perf_counter() - t_start:.0f} s)", flush=True)

        want = aikg.json("concentration", "--timeless")
        got = spark_answer("concentration")
        check.same("concentration: markets", {(r.market, r.as_of) for r in got}, {(m["market"], m["as_of"]) for m in want})
        by_key = {(r.market, r.as_of): r for r in got}
        for m in want:
            r = by_key.get((m["market"], m["as_of"]))
            if r is None:
                continue
            key = f"concentration {m['market']} {m['as_of']}"
            check.same(f"{key}: holders", r.holders, m["holders"])
            check.same(f"{key}: top holder", r.top1_holder, m["top 1"])
            for col, val, dec in (("covered %", r.covered, 2), ("hhi", r.hhi, 1), ("top 1 %", r.top1, 2), ("top 3 %", r.top3, 2)):
                if not near(val, m[col], dec):
                    check.same(f"{key}: {col}", val, m[col])
        print(f"  concentration: {len(want)} markets compared", flush=True)

        # Paths: aikg's path views the graph as of the data's today, so compare where the
        # timeless and dated graphs agree on the supply arcs: the generated data.
        if a.data:
            for i, (x, y) in enumerate(zip(starts, reversed(starts))):
                if x == y:
                    continue
                for extra in ([], ["--upstream"]):
                    want = aikg.json("path", x, y, *extra)
                    got = spark_answer("path", x, y, *extra)
                    check.same(f"path {x} {y} {' '.join(extra)}", [r.length for r in got], [max(s["step"] for s in want)] if want else [])
        spark.stop()
    took = time.perf_counter() - t_start
    print(f"{check.compared} answers compared in {took:.0f} s; {check.failures} mismatches", flush=True)
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
