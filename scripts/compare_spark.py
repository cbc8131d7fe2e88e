#!/usr/bin/env python3
"""Checks that the Spark SQL aikg generates gives aikg's own answers.

For a dataset (the built-in one, or a folder such as `aikg gen` writes) it exports the graph with
`aikg export --to parquet`, then, in one Spark session in local mode, runs the scripts of
`aikg ... --as spark-sql` through spark/aikg_spark.py and compares every answer with aikg's own,
in each view of time: aikg's default (the data's today, with its rules of time), each `--as-of`
date given, and `--timeless` (every edge counts):

- upstream and downstream tiers: the exact set of (node, tier) from each start node, and
  downstream the nodes time spares, with the reason (released before the start existed; not in
  its chain when released);
- impact: the verdict on every dependant (breaks / loses supply / keeps supply / spared, with
  the reason), its tier, and for `loses supply` the share, to the 0.1% aikg prints;
- concentration: every market's latest point: holders, covered share, HHI, top 1 and its holder,
  top 3, to the decimals aikg prints;
- path: the length of the shortest path (any direction, and --upstream) for a few pairs (not
  timeless: aikg's path has no such view).

Start nodes: the nodes with the most supply edges and a fixed sample of the rest (--starts of
each), and any --start given. --recursive also runs the tiers through WITH RECURSIVE (small
graphs only). Exit 1 on any mismatch. Usage: compare_spark.py --aikg PATH [--data DIR]
[--starts K] [--start NODE]... [--as-of DATE]... [--no-timeless] [--recursive] [--min-tier TIER]
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

    def run(self, *args, bad_input_ok=False):
        """aikg's standard output; None for bad input (exit 2) when `bad_input_ok`."""
        cmd = [self.exe] + (["--data", self.data] if self.data else []) + self.flags + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode == 2 and bad_input_ok:
            return None
        if out.returncode != 0:
            raise SystemExit(f"aikg failed: {' '.join(cmd)}\n{out.stderr}")
        return out.stdout

    def json(self, *args, bad_input_ok=False):
        out = self.run("--format", "json", *args, bad_input_ok=bad_input_ok)
        return None if out is None else json.loads(out)


def spared_reason(text):
    """The reason time spares a node, from aikg's words (see `cli::impact::spared_why`), as the
    Spark scripts name it; None when it is not spared."""
    if not text:
        return None
    if "before" in text and "existed" in text:
        return "before it existed"
    if "no supply route" in text:
        return "not in its chain"
    if "already made" in text:
        return "already made"
    return "?" + text


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
    ap.add_argument("--start", action="append", default=[], help="also start from this node")
    ap.add_argument("--as-of", action="append", default=[], help="also compare the graph as of this date")
    ap.add_argument("--no-timeless", action="store_true", help="do not compare --timeless")
    ap.add_argument("--recursive", action="store_true", help="also run the tiers through WITH RECURSIVE")
    ap.add_argument("--min-tier", default="weak", help="the evidence policy of both sides")
    ap.add_argument("--include-unverified", action="store_true", help="the evidence policy of both sides")
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()
    flags = ["--min-tier", a.min_tier] + (["--include-unverified"] if a.include_unverified else [])
    aikg = Aikg(a.aikg, a.data, flags)
    check = Check()
    counts = {}
    t_start = time.perf_counter()
    # Views of time: (label, global flags, command flags); path has no timeless view.
    views = [("default", [], [])] + [(f"as of {d}", ["--as-of", d], []) for d in a.as_of]
    if not a.no_timeless:
        views.append(("timeless", [], ["--timeless"]))
    with tempfile.TemporaryDirectory() as tmp:
        pq = os.path.join(tmp, "parquet")
        Aikg(a.aikg, a.data).run("export", "--to", "parquet", "-o", pq)
        spark = aikg_spark.session(a.master, "aikg-compare")
        aikg_spark.register(spark, pq)

        # The views every script of one view of time shares are computed once.
        cache = {}

        def spark_answer(*args, recursive=False):
            script = aikg.run(*args, "--as", "spark-sql")
            return aikg_spark.Runner(spark, recursive=recursive, cache=cache).run(script).collect()

        def count(view, what, n=1):
            counts[(view, what)] = counts.get((view, what), 0) + n

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
        starts = hubs + rest[step // 2 :: step][: a.starts] + [s for s in a.start if s not in hubs]
        print(f"{len(ids)} connected nodes; starts: {', '.join(starts)}", flush=True)

        for label, glob, cmd in views:
            for node in starts:
                for flow in ("upstream", "downstream"):
                    want_rows = aikg.json(*glob, flow, node, *cmd)
                    want = {(r["id"], r["tier"]) for r in want_rows}
                    got_rows = spark_answer(*glob, flow, node, *cmd)
                    got = {(r.id, r.tier) for r in got_rows}
                    check.same(f"{label}: {flow} {node}", got, want)
                    count(label, f"{flow} nodes", len(want))
                    if flow == "downstream":
                        want_sp = {(r["id"], spared_reason(r.get("time"))) for r in want_rows if r.get("time")}
                        got_sp = {(r.id, r.spared) for r in got_rows if r.spared is not None}
                        check.same(f"{label}: downstream {node}: spared", got_sp, want_sp)
                        count(label, "downstream spared", len(want_sp))
                    if a.recursive:
                        got = {(r.id, r.tier) for r in spark_answer(*glob, flow, node, *cmd, recursive=True)}
                        check.same(f"{label}: {flow} {node} (WITH RECURSIVE)", got, want)
                want_rows = aikg.json(*glob, "impact", node, *cmd, "--all")
                got_rows = {r.id: r for r in spark_answer(*glob, "impact", node, *cmd)}
                check.same(f"{label}: impact {node}: dependants", set(got_rows), {r["id"] for r in want_rows})
                for w in want_rows:
                    g = got_rows.get(w["id"])
                    if g is None:
                        continue
                    count(label, f"impact {w['verdict']}")
                    check.same(f"{label}: impact {node}: verdict on {w['id']}", g.verdict, w["verdict"])
                    check.same(f"{label}: impact {node}: tier of {w['id']}", g.tier, w["tier"])
                    if w["verdict"] == "spared":
                        check.same(f"{label}: impact {node}: why {w['id']} is spared", g.spared, spared_reason(w["why"]))
                    if w["verdict"] == "loses supply":
                        pct = float(w["why"].split("loses ", 1)[1].split("%", 1)[0])
                        if not near(g.share * 100 if g.share is not None else None, pct, 1):
                            check.same(f"{label}: impact {node}: share lost by {w['id']}", g.share, pct / 100)
                print(f"  {label}: {node}: tiers and impact compared ({time.perf_counter() - t_start:.0f} s)", flush=True)

            want = aikg.json(*glob, "concentration", *cmd)
            got = spark_answer(*glob, "concentration", *cmd)
            check.same(f"{label}: concentration: markets", {(r.market, r.as_of) for r in got}, {(m["market"], m["as_of"]) for m in want})
            by_key = {(r.market, r.as_of): r for r in got}
            for m in want:
                r = by_key.get((m["market"], m["as_of"]))
                if r is None:
                    continue
                key = f"{label}: concentration {m['market']} {m['as_of']}"
                check.same(f"{key}: holders", r.holders, m["holders"])
                check.same(f"{key}: top holder", r.top1_holder, m["top 1"])
                for col, val, dec in (("covered %", r.covered, 2), ("hhi", r.hhi, 1), ("top 1 %", r.top1, 2), ("top 3 %", r.top3, 2)):
                    if not near(val, m[col], dec):
                        check.same(f"{key}: {col}", val, m[col])
            count(label, "markets", len(want))
            print(f"  {label}: concentration: {len(want)} markets compared", flush=True)

            if cmd:
                continue
            # Paths between the start nodes, both ways of walking; a node that does not exist on
            # the view's day is bad input to aikg (and gets no path on Spark).
            for x, y in zip(starts, reversed(starts)):
                if x == y:
                    continue
                for extra in ([], ["--upstream"]):
                    want = aikg.json(*glob, "path", x, y, *extra, bad_input_ok=True)
                    if want is None:
                        continue
                    got = spark_answer(*glob, "path", x, y, *extra)
                    check.same(f"{label}: path {x} {y} {' '.join(extra)}", [r.length for r in got], [max(s["step"] for s in want)] if want else [])
                    count(label, "paths")
        spark.stop()
    took = time.perf_counter() - t_start
    for (label, what), n in sorted(counts.items()):
        print(f"  {label}: {what}: {n}")
    print(f"{check.compared} answers compared in {took:.0f} s; {check.failures} mismatches", flush=True)
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
