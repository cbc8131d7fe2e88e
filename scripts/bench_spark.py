#!/usr/bin/env python3
"""The Spark row of the benchmark: tiers and impact on a generated graph, aikg beside the Spark
SQL of `--as spark-sql` on Spark local[N] over the Parquet export, with Spark's per-stage costs
(each fixed point: rounds and seconds). A benchmark, not a test: it fails only when the answers
differ. Usage: bench_spark.py --aikg PATH [--nodes 200000 --edges 1000000] [--master local[2]]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "spark"))

import aikg_spark  # noqa: E402


def timed(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return out.stdout, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aikg", required=True)
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--markdown", help="also write the table here")
    ap.add_argument("--timeless", action="store_true", help="both sides with --timeless (every edge counts)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, pq = os.path.join(tmp, "data"), os.path.join(tmp, "parquet")
        _, t_gen = timed([a.aikg, "gen", "--nodes", str(a.nodes), "--edges", str(a.edges), "--seed", str(a.seed), "-o", data])
        _, t_export = timed([a.aikg, "--data", data, "export", "--to", "parquet", "-o", pq])
        size = sum(os.path.getsize(os.path.join(pq, f)) for f in os.listdir(pq))
        t0 = time.perf_counter()
        spark = aikg_spark.session(a.master, "aikg-bench")
        aikg_spark.register(spark, pq)
        spark.sql("SELECT COUNT(*) FROM edges").collect()
        t_start = time.perf_counter() - t0
        hub = spark.sql(
            "SELECT node FROM (SELECT `from` AS node FROM edges UNION ALL SELECT `to` AS node FROM edges)"
            " GROUP BY node ORDER BY COUNT(*) DESC, node LIMIT 1"
        ).collect()[0].node
        # aikg reads the TOML once and keeps a binary cache beside it: warm it first.
        timed([a.aikg, "--data", data, "stats"])
        rows = []
        # Both sides in the same view of time: aikg's default (the data's today, with its rules of
        # time), or with --timeless every edge.
        when = ["--timeless"] if a.timeless else []
        for args in (["upstream", hub], ["downstream", hub], ["impact", hub, "--all"]):
            out, t_aikg = timed([a.aikg, "--data", data, "--format", "tsv", *args, *when])
            script, _ = timed([a.aikg, "--data", data, *args, *when, "--as", "spark-sql"])
            runner = aikg_spark.Runner(spark)
            t0 = time.perf_counter()
            answer = runner.run(script).collect()
            t_spark = time.perf_counter() - t0
            n_aikg = len(out.splitlines()) - 1
            if n_aikg != len(answer):
                raise SystemExit(f"{' '.join(args)}: aikg lists {n_aikg} nodes, Spark {len(answer)}")
            stages = "; ".join(f"{name} {rounds} rounds {secs:.1f} s" if rounds > 1 else f"{name} {secs:.1f} s" for name, secs, rounds in runner.stages)
            rows.append((" ".join(args[:1]), n_aikg, t_aikg, t_spark, stages))
        spark.stop()
    lines = [
        f"Generated graph: {a.nodes} nodes, {a.edges} edges (seed {a.seed}); start: the hub `{hub}`; "
        f"{'--timeless' if a.timeless else 'the default view of time (the data's today, with its rules of time)'}. "
        f"gen {t_gen:.1f} s; export --to parquet {t_export:.1f} s ({size / 1e6:.0f} MB); Spark {a.master} session and first scan {t_start:.1f} s.",
        "",
        f"| analytic | nodes reached | aikg (release, whole process) | Spark {a.master} | Spark stages |",
        "|---|---:|---:|---:|---|",
    ]
    for what, n, ta, ts, stages in rows:
        lines.append(f"| {what} | {n} | {ta:.2f} s | {ts:.1f} s | {stages} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
