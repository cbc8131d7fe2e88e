#!/usr/bin/env python3
"""Checks aikg's supply-chain algorithms against networkx, an independent implementation.

For a dataset (the built-in one, and a generated one of a few thousand nodes) it exports the graph
with `aikg export --to json`, rebuilds it in networkx and compares:

- shortest paths (`aikg path --all`): lengths and the exact set of shortest node sequences, over
  every edge taken undirected, for a fixed sample of pairs;
- dominators (`aikg chokepoints`, `aikg impact`): for each node, the exact set of nodes it
  dominates in the supply graph under a virtual root above every node with no supplier;
- articulation points (`aikg chokepoints`): exact, on the supply graph taken undirected;
- betweenness (`aikg rank --by betweenness`): raw and normalised, within 1e-9;
- PageRank (`aikg rank --by pagerank`): within 1e-6.

The supply graph has one arc per supply edge, from the upstream to the downstream node (the
relation's `supply` direction in the schema); centrality runs on the dependency graph, the same
arcs reversed. Usage: compare_networkx.py [--aikg PATH]. Exit 1 on any mismatch.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import networkx as nx

ROOT = "__root__"
# The view's day: late enough that every dated node and edge has begun; what ended is gone.
AS_OF = "2100"


class Aikg:
    def __init__(self, exe, data=None):
        self.exe, self.data = exe, data

    def run(self, *args):
        # Every edge, unverified ones included, and one day for every command (the export too):
        # networkx is built from the JSON export of the graph that the analytics see.
        cmd = [self.exe, "--include-unverified", "--as-of", AS_OF] + (["--data", self.data] if self.data else []) + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"aikg failed: {' '.join(cmd)}\n{out.stderr}")
        return out.stdout

    def json(self, *args):
        return json.loads(self.run("--format", "json", *args))


def build(doc):
    supply = {r["id"]: r["supply"] for r in doc["relations"]}
    nodes = [n["id"] for n in doc["nodes"]]
    arcs = []
    for e in doc["edges"]:
        s = supply.get(e["rel"])
        if s == "forward":
            arcs.append((e["from"], e["to"]))
        elif s == "reverse":
            arcs.append((e["to"], e["from"]))
    every = nx.MultiGraph()
    every.add_nodes_from(nodes)
    every.add_edges_from((e["from"], e["to"]) for e in doc["edges"])
    return nodes, arcs, every


def check_paths(aikg, nodes, every, pairs, failures):
    rng = random.Random(7)
    compared = 0
    for _ in range(pairs):
        a, b = rng.sample(nodes, 2)
        rows = aikg.json("path", a, b, "--all")
        ours = {}
        for r in rows:
            seq = ours.setdefault(r["path"], [r["from"]])
            seq.append(r["to"])
        ours = {tuple(s) for s in ours.values()}
        if nx.has_path(every, a, b):
            theirs = set()
            for p in nx.all_shortest_paths(every, a, b):
                theirs.add(tuple(p))
                if len(theirs) > 10_000:
                    break
            if len(theirs) > 10_000:
                continue
        else:
            theirs = set()
        compared += 1
        if ours != theirs:
            failures.append(f"path {a} -> {b}: aikg {sorted(ours)[:3]}… ({len(ours)}) vs networkx {sorted(theirs)[:3]}… ({len(theirs)})")
    return compared


def check_dominators_and_cuts(aikg, nodes, arcs, failures):
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from(arcs)
    roots = [v for v in nodes if g.in_degree(v) == 0]
    g.add_node(ROOT)
    g.add_edges_from((ROOT, r) for r in roots)
    idom = nx.immediate_dominators(g, ROOT)
    dominated = {v: set() for v in nodes}
    for y in idom:
        if y == ROOT:
            continue
        d = idom[y]
        while d != ROOT:
            dominated[d].add(y)
            d = idom[d]
    rows = aikg.json("chokepoints")
    listed = {r["id"]: r for r in rows}
    for v in nodes:
        expect = len(dominated[v])
        got = listed[v]["sole route to"] if v in listed else 0
        if got != expect:
            failures.append(f"dominators of {v}: aikg counts {got}, networkx {expect}")
        elif expect:
            impact = aikg.json("impact", v, "--all")
            # impact names the nodes it dominates in each verdict's reason, except those time
            # spares (an artifact released before v reached it, a model already trained).
            ours = {r["id"] for r in impact if "every supply route into it passes through" in r["why"]}
            spared = {r["id"] for r in impact if r["verdict"] == "spared"}
            # impact walks through a designer only from the designer itself (DESIGNS carries no
            # supply through), so it may reach fewer nodes than the plain graph's dominators.
            reached = {r["id"] for r in impact}
            if ours != (dominated[v] - spared) & reached:
                failures.append(f"dominated by {v}: aikg {sorted(ours)} vs networkx {sorted(dominated[v])}")
    u = nx.Graph()
    u.add_edges_from(arcs)
    theirs = set(nx.articulation_points(u))
    ours = {r["id"] for r in rows if r["cut vertex"] == "yes"}
    if ours != theirs:
        failures.append(f"articulation points differ: only aikg {sorted(ours - theirs)}, only networkx {sorted(theirs - ours)}")
    return sum(1 for v in nodes if dominated[v]), len(theirs)


def check_centrality(aikg, nodes, arcs, failures):
    dep = nx.DiGraph()
    dep.add_nodes_from(nodes)
    dep.add_edges_from((b, a) for a, b in arcs)
    top = str(len(nodes))
    ours = {r["id"]: r for r in aikg.json("rank", "--by", "betweenness", "--top", top)}
    raw = nx.betweenness_centrality(dep, normalized=False)
    norm = nx.betweenness_centrality(dep, normalized=True)
    for v in nodes:
        if abs(ours[v]["betweenness"] - raw[v]) > 1e-9 or abs(ours[v]["normalised"] - norm[v]) > 1e-9:
            failures.append(f"betweenness of {v}: aikg {ours[v]['betweenness']} / {ours[v]['normalised']}, networkx {raw[v]} / {norm[v]}")
    ours = {r["id"]: r["pagerank"] for r in aikg.json("rank", "--by", "pagerank", "--top", top)}
    pr = nx.pagerank(dep, alpha=0.85, tol=1e-13, max_iter=10_000)
    worst = max(abs(ours[v] - pr[v]) for v in nodes)
    if worst > 1e-6:
        failures.append(f"pagerank differs by up to {worst}")
    return worst


def generate(folder, n_nodes, n_edges, seed):
    """A supply-chain-shaped dataset: fabs and suppliers feed chips, networks use chips, with
    skewed degrees (a few hubs) and some non-supply investment edges."""
    rng = random.Random(seed)
    schema_src = os.path.join(os.path.dirname(__file__), "..", "data", "schema.toml")
    with open(schema_src, encoding="utf-8") as f:
        schema = f.read()
    with open(os.path.join(folder, "schema.toml"), "w", encoding="utf-8") as f:
        f.write(schema)
    with open(os.path.join(folder, "sources.toml"), "w", encoding="utf-8") as f:
        f.write('[[source]]\nid = "generated"\ntitle = "Generated test data"\nurl = "https://example.com/generated"\ndate = "2026"\nkind = "aggregator"\n')
    kinds = [("Company", "semiconductors", "foundry")] * 3 + [("Chip", "hardware", "accelerator")] * 3 + [("Project", "crypto", "compute")] * 4
    nodes = []
    out = []
    for i in range(n_nodes):
        kind, layer, seg = rng.choice(kinds)
        nid = f"n{i}"
        nodes.append((nid, kind))
        out.append(f'[[node]]\nid = "{nid}"\nkind = "{kind}"\nlayer = "{layer}"\nsegment = "{seg}"\nname = "Node {i}"\nsources = ["generated"]\n')
    by_kind = {}
    for nid, kind in nodes:
        by_kind.setdefault(kind, []).append(nid)
    rules = [("Company", "Company", "SUPPLIES"), ("Company", "Chip", "MANUFACTURES"), ("Company", "Chip", "DESIGNS"),
             ("Project", "Chip", "USES"), ("Project", "Project", "AGGREGATES"), ("Company", "Project", "INVESTS_IN")]
    seen = set()

    def pick(pool):
        # Skewed: squaring a uniform favours the first nodes of each pool (the hubs).
        return pool[int(len(pool) * rng.random() ** 2)]

    while len(seen) < n_edges:
        fk, tk, rel = rng.choice(rules)
        a, b = pick(by_kind[fk]), pick(by_kind[tk])
        if a == b or (a, b, rel) in seen:
            continue
        seen.add((a, b, rel))
        out.append(f'[[edge]]\nfrom = "{a}"\nto = "{b}"\nrel = "{rel}"\nsources = ["generated"]\n')
    with open(os.path.join(folder, "graph.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def compare(aikg, label, pairs):
    doc = json.loads(aikg.run("export", "--to", "json"))
    nodes, arcs, every = build(doc)
    failures = []
    n_paths = check_paths(aikg, nodes, every, pairs, failures)
    n_dom, n_cut = check_dominators_and_cuts(aikg, nodes, arcs, failures)
    worst = check_centrality(aikg, nodes, arcs, failures)
    print(f"{label}: {len(nodes)} nodes, {len(doc['edges'])} edges, {len(arcs)} supply arcs; "
          f"{n_paths} path pairs, {n_dom} dominators, {n_cut} articulation points, "
          f"betweenness and pagerank on every node (pagerank max diff {worst:.1e}): "
          f"{'ok' if not failures else f'{len(failures)} MISMATCHES'}")
    for f in failures[:20]:
        print("  " + f)
    return not failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aikg", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "aikg"))
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=5000)
    args = ap.parse_args()
    results = [compare(Aikg(args.aikg), "built-in data", 150)]
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, args.nodes, args.edges, seed=42)
        results.append(compare(Aikg(args.aikg, tmp), f"generated ({args.nodes} nodes)", 60))
    passed = sum(results)
    print(f"networkx: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
