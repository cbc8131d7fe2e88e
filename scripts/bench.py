#!/usr/bin/env python3
"""Runs aikg and the engines a user would otherwise pick (Kùzu, LadybugDB, igraph, rustworkx, networkx) side
by side on the same generated graphs, checks that they agree on the answers, and prints the
times, the ratios (aikg / peer: lower is better) and a verdict per target.

A benchmark, not a test: it never fails on a missed target (only on a wrong answer or a broken
engine). Usage (scripts/bench installs the peers and builds aikg first):

    scripts/bench.py [--sizes 10k,200k] [--markdown FILE] [--json FILE] [--update BENCHMARKS.md]
    scripts/bench.py --from-json FILE [--update BENCHMARKS.md]     # re-render saved results

For each size it generates a dataset with `aikg gen` (fixed seed), exports it with
`aikg export --to csv` (the input every engine loads), picks 100 start nodes and 100 node pairs
with a seeded random generator, and measures, each engine in its own process (so that its peak
resident memory is its own, read with wait4):

load        aikg: `aikg import nodes.csv edges.csv sources.csv -o DIR`, whole process (parse the
            CSV, validate, write the TOML files and the binary cache). Kùzu: CREATE the tables and
            COPY FROM CSV into a new database, in-process (from kuzu.Database() to the last COPY;
            the interpreter start and `import kuzu` excluded), from CSV files split per table
            beforehand (not timed); both layouts below are timed and the faster one is compared.
            igraph, rustworkx, networkx: parse edges.csv in Python and build the graph.
cold start  aikg: `aikg --data DIR query "MATCH (n:Label {id: ...})--(m) RETURN count(*)"`, whole
            process (exec, read and decode the cache, build the graph, run, print). Kùzu:
            kuzu.Database(path) + Connection + the same query + fetching the row, in-process (the
            interpreter start and `import kuzu`, reported apart, excluded). Also aikg's in-process
            open alone (benches/scale.rs, the first open of a fresh process), for reference.
3-hop       for each of the 100 starts, the number of distinct nodes within 3 hops over edges in
            either direction (start excluded); total time for the 100. aikg:
            KnowledgeGraph::neighborhood_sizes (a count, Reach::count per start; its
            `neighbors`, which also keeps the edge that reached each node and orders each layer
            by id as `aikg neighbors` prints, is timed apart in a note); igraph:
            neighborhood_size(order=3, mode="all"); networkx:
            single_source_shortest_path_length(cutoff=3) on the undirected graph. (rustworkx has
            no depth-bounded BFS: not run.)
path        for each of the 100 pairs, one unweighted shortest path over edges in either
            direction; total for the 100. aikg: shortest_paths(limit 1) (the first shortest path in
            id order, as `aikg path` returns it); igraph:
            get_shortest_path(mode="all"); rustworkx: digraph_dijkstra_shortest_paths(
            as_undirected=True, weight 1); networkx: bidirectional_shortest_path.
pagerank    on the dependency graph of `aikg rank --by pagerank` (customer -> supplier over the
            schema's supply relations, parallel arcs merged), damping 0.85, dangling rank spread
            uniformly, stop at an L1 change below 1e-12 (networkx and rustworkx: tol = 1e-12 / n,
            their test being L1 < n * tol; igraph: PRPACK, a direct solver without a tolerance).
            aikg's time includes building the arcs from the graph; the peers' graph of arcs is
            built beforehand (not timed).
cypher      MATCH (a:Project)-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)
            <-[:MANUFACTURES]-(m:Company) RETURN m.id, count(*), count(DISTINCT a) ORDER BY .. LIMIT
            10, the same text on both, repeated in one open database/graph. aikg: aikg::query::run;
            Kùzu: Connection.execute + fetching the rows (per-label tables, its default of one
            thread per core). The filter on segment keeps the matches (225k on the 200k graph)
            under aikg's cap of 1M intermediate rows; without it the 200k graph has 3.8M matches
            and aikg stops with an error.
LadybugDB   (`ladybug` on PyPI, Kùzu's maintained fork since Kùzu was archived in October 2025)
            runs every Kùzu measurement above the same way: same layouts, same queries, same answers
            checked. The targets stay against Kùzu; the notes give aikg /
            LadybugDB as well. Both cannot be imported into one process, so each worker loads one.
memory      peak resident set size: of the load process (aikg import vs the Kùzu COPY process),
            and of a process that opens the graph and runs the Cypher 3-hop once (`aikg query`
            vs a Kùzu process that opens the database and runs it). The Python processes
            include the interpreter and the library (about 30-60 MB).
command     `aikg show h100` on the built-in data, whole process (spawn to exit, output to
            /dev/null), median of --show-runs runs; `true` timed the same way for the spawn cost.

Every time is the fastest of the repetitions (the machine is shared, so the slower ones mostly
measure other work; the peers run each algorithm once on a tiny graph first, so that first-call
costs such as networkx importing scipy are not counted), except `aikg show h100`, the median of its runs. Peak memory is GNU time's
%M of each process (/usr/bin/time wraps every measured process except `aikg show h100`, adding
about a millisecond to whole-process times). 3-hop, path and PageRank
run 5 times on the 10k graph and once on the 200k graph; load 3 times / once; cold start 5 / 3.

Kùzu layouts: "label": one node table per node kind (id STRING PRIMARY KEY, name, layer,
segment) and one relationship table per relation with a FROM/TO pair per (kind, kind) it joins,
so that the Cypher query runs unchanged; "single": one node table (id, label, name, layer,
segment) and one relationship table (type), loaded with two COPY statements.
"""

import argparse
import collections
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SIZES = {
    "10k": dict(nodes=10_000, edges=50_000, seed=10),
    "200k": dict(nodes=200_000, edges=1_000_000, seed=200),
}
SAMPLE = 100
CYPHER = (
    "MATCH (a:Project {segment: 'training'})-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company) "
    "RETURN m.id AS maker, count(*) AS paths, count(DISTINCT a) AS projects "
    "ORDER BY paths DESC, maker LIMIT 10"
)
ENGINES = ["aikg", "kuzu", "ladybug", "igraph", "rustworkx", "networkx"]
# The embedded Cypher engines: Kùzu 0.11.3 and LadybugDB, its fork (same Python API).
GRAPH_DBS = {"kuzu": "Kùzu", "ladybug": "LadybugDB"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Child processes, each measured on its own
# --------------------------------------------------------------------------------------------

# Linux counts in a child's peak RSS the memory of the process it was forked from (the high-water
# mark survives exec), so a child forked from this (large) Python process would report at least
# this process's size. GNU time forks a tiny child for the command and reports that one's peak.
GNU_TIME = "/usr/bin/time"


def run_child(cmd, want_json=False):
    """Runs cmd; returns (stdout text or parsed JSON, wall seconds, peak RSS in MB)."""
    err = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False)
    rss_file.close()
    full = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd] if os.path.exists(GNU_TIME) else cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    if p.returncode != 0:
        err.seek(0)
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{err.read().decode(errors='replace')[-3000:]}")
    err.close()
    peak = ru.ru_maxrss / 1024.0
    if full is not cmd:
        with open(rss_file.name) as f:
            peak = int(f.read().split()[-1]) / 1024.0
    os.unlink(rss_file.name)
    text = out.decode()
    if want_json:
        text = json.loads(text.strip().splitlines()[-1])
    return text, wall, peak


def worker(engine, task, spec, *extra):
    return [sys.executable, os.path.abspath(__file__), "--worker", engine, task, spec, *extra]


# --------------------------------------------------------------------------------------------
# Shared by the workers: the CSV export as plain lists
# --------------------------------------------------------------------------------------------

def read_nodes(csv_dir):
    with open(os.path.join(csv_dir, "nodes.csv"), newline="") as f:
        r = csv.reader(f)
        head = next(r)
        col = {h.split(":")[0] if h.split(":")[0] else h: i for i, h in enumerate(head)}
        rows = [(row[0], row[1], row[col["name"]], row[col["layer"]], row[col["segment"]]) for row in r]
    return rows


def read_edges(csv_dir):
    with open(os.path.join(csv_dir, "edges.csv"), newline="") as f:
        r = csv.reader(f)
        next(r)
        return [(row[0], row[1], row[2]) for row in r]


def dependency_arcs(spec, index, edges):
    """customer -> supplier over the supply relations, parallel arcs merged, sorted."""
    supply = spec["supply"]
    arcs = set()
    for a, b, rel in edges:
        s = supply.get(rel)
        if s == "forward":  # a supplies b: b depends on a
            arcs.add((index[b], index[a]))
        elif s == "reverse":  # b supplies a
            arcs.add((index[a], index[b]))
    return sorted(arcs)


def top10(ids, scores):
    order = sorted(range(len(scores)), key=lambda v: (-scores[v], ids[v]))
    return [[ids[v], scores[v]] for v in order[:10]]


def median(xs):
    return statistics.median(xs) if xs else None


# --------------------------------------------------------------------------------------------
# Workers (run as `bench.py --worker ENGINE TASK SPEC`), print one JSON object
# --------------------------------------------------------------------------------------------

def kuzu_rows(conn, query):
    r = conn.execute(query)
    rows = []
    while r.has_next():
        rows.append(r.get_next())
    return rows


def work_kuzu(task, spec, db_path, module="kuzu"):
    t0 = time.perf_counter()
    kuzu = __import__(module)
    import_s = time.perf_counter() - t0
    if task in ("load-label", "load-single"):
        shutil.rmtree(db_path, ignore_errors=True)
        if os.path.exists(db_path):
            os.remove(db_path)
        plan = spec["kuzu_plan"]
        t0 = time.perf_counter()
        db = kuzu.Database(db_path)
        conn = kuzu.Connection(db)
        if task == "load-label":
            for k in plan["kinds"]:
                conn.execute(f"CREATE NODE TABLE {k}(id STRING PRIMARY KEY, name STRING, layer STRING, segment STRING)")
            for rel, pairs in plan["rels"].items():
                conn.execute(f"CREATE REL TABLE {rel}(" + ", ".join(f"FROM {a} TO {b}" for a, b in pairs) + ")")
            for k, path in plan["kind_files"].items():
                conn.execute(f"COPY {k} FROM '{path}' (header=false)")
            for rel, a, b, path in plan["rel_files"]:
                conn.execute(f"COPY {rel} FROM '{path}' (header=false, from='{a}', to='{b}')")
        else:
            conn.execute("CREATE NODE TABLE N(id STRING PRIMARY KEY, label STRING, name STRING, layer STRING, segment STRING)")
            conn.execute("CREATE REL TABLE E(FROM N TO N, type STRING)")
            conn.execute(f"COPY N FROM '{plan['single_nodes']}' (header=false)")
            conn.execute(f"COPY E FROM '{plan['single_edges']}' (header=false)")
        load_s = time.perf_counter() - t0
        counts = (kuzu_rows(conn, "MATCH (n) RETURN count(*)")[0][0], kuzu_rows(conn, "MATCH ()-[r]->() RETURN count(*)")[0][0])
        conn.close()
        db.close()
        return {"load_s": load_s, "import_s": import_s, "counts": counts}
    if task == "cold":
        t0 = time.perf_counter()
        db = kuzu.Database(db_path)
        conn = kuzu.Connection(db)
        rows = kuzu_rows(conn, spec["first_query"])
        return {"cold_s": time.perf_counter() - t0, "import_s": import_s, "answer": rows[0][0]}
    if task == "cypher":
        t0 = time.perf_counter()
        db = kuzu.Database(db_path)
        conn = kuzu.Connection(db)
        times, rows = [], None
        for _ in range(spec["cypher_reps"]):
            t = time.perf_counter()
            rows = kuzu_rows(conn, spec["cypher"])
            times.append(time.perf_counter() - t)
        return {"cypher_ms": [x * 1e3 for x in times], "cypher_rows": rows, "import_s": import_s,
                "threads": os.cpu_count()}
    raise SystemExit(f"unknown {module} task {task}")


def load_peer(spec):
    nodes = read_nodes(spec["csv"])
    ids = [n[0] for n in nodes]
    index = {v: i for i, v in enumerate(ids)}
    edges = read_edges(spec["csv"])
    pairs = [(index[a], index[b]) for a, b, _ in edges]
    return ids, index, edges, pairs


def warm_up(engine):
    """Runs each algorithm once on a tiny graph, so that first-call costs (networkx imports scipy
    in its first pagerank, igraph sets PRPACK up) are not counted: a long-running program pays
    them once."""
    tiny = [(0, 1), (1, 2), (2, 0), (2, 3)]
    if engine == "igraph":
        import igraph as ig
        g = ig.Graph(n=4, edges=tiny, directed=True)
        g.neighborhood_size(vertices=[0], order=3, mode="all")
        g.get_shortest_path(0, 3, mode="all")
        g.pagerank(damping=0.85, directed=True)
    elif engine == "rustworkx":
        import rustworkx as rx
        u = rx.PyGraph()
        u.add_nodes_from(range(4))
        u.add_edges_from_no_data(tiny)
        rx.graph_dijkstra_shortest_paths(u, 0, target=3, default_weight=1.0)
        d = rx.PyDiGraph()
        d.add_nodes_from(range(4))
        d.add_edges_from_no_data(tiny)
        rx.pagerank(d, alpha=0.85)
    else:
        import networkx as nx
        d = nx.DiGraph(tiny)
        nx.pagerank(d, alpha=0.85)
        u = nx.Graph(tiny)
        nx.single_source_shortest_path_length(u, 0, cutoff=3)
        nx.bidirectional_shortest_path(u, 0, 3)


def work_peer(engine, spec):
    reps, limit = spec["reps"], spec["limits"].get(engine, SAMPLE)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    ids, index, edges, pairs = load_peer(spec)
    n = len(ids)
    if engine == "igraph":
        import igraph as ig
        g = ig.Graph(n=n, edges=pairs, directed=True)
    elif engine == "rustworkx":
        import rustworkx as rx
        g = rx.PyGraph(multigraph=True)
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(pairs)
    else:
        import networkx as nx
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(pairs)
    load_s = time.perf_counter() - t0
    warm_up(engine)
    starts = [index[v] for v in spec["starts"]][:limit]
    ends = [(index[a], index[b]) for a, b in spec["pairs"]][:limit]
    out = {"engine": engine, "load_s": load_s, "limit": limit}

    if engine != "rustworkx":
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            if engine == "igraph":
                sizes = [s - 1 for s in g.neighborhood_size(vertices=starts, order=3, mode="all")]
            else:
                sizes = [len(nx.single_source_shortest_path_length(g, s, cutoff=3)) - 1 for s in starts]
            times.append(time.perf_counter() - t)
        out["hop3_ms"], out["hop3_sizes"] = [x * 1e3 for x in times], sizes

    times = []
    for _ in range(reps):
        t = time.perf_counter()
        lengths = []
        for s, e in ends:
            if engine == "igraph":
                p = g.get_shortest_path(s, e, mode="all")
                lengths.append(len(p) - 1 if p else -1)
            elif engine == "rustworkx":
                p = rx.graph_dijkstra_shortest_paths(g, s, target=e, default_weight=1.0)
                lengths.append(len(p[e]) - 1 if e in p else -1)
            else:
                try:
                    lengths.append(len(nx.bidirectional_shortest_path(g, s, e)) - 1)
                except nx.NetworkXNoPath:
                    lengths.append(-1)
        times.append(time.perf_counter() - t)
    out["path_ms"], out["path_lengths"] = [x * 1e3 for x in times], lengths

    if spec["pagerank"].get(engine, True):
        arcs = dependency_arcs(spec, index, edges)
        del edges, pairs
        if engine == "igraph":
            dep = ig.Graph(n=n, edges=arcs, directed=True)
        elif engine == "rustworkx":
            dep = rx.PyDiGraph()
            dep.add_nodes_from(range(n))
            dep.add_edges_from_no_data(arcs)
        else:
            dep = nx.DiGraph()
            dep.add_nodes_from(range(n))
            dep.add_edges_from(arcs)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            if engine == "igraph":
                scores = dep.pagerank(damping=0.85, directed=True)
            elif engine == "rustworkx":
                pr = rx.pagerank(dep, alpha=0.85, tol=1e-12 / n, max_iter=1000)
                scores = [pr[v] for v in range(n)]
            else:
                pr = nx.pagerank(dep, alpha=0.85, tol=1e-12 / n, max_iter=1000)
                scores = [pr[v] for v in range(n)]
            times.append(time.perf_counter() - t)
        out["pagerank_ms"], out["pagerank_top"] = [x * 1e3 for x in times], top10(ids, scores)
    return out


def worker_main(argv):
    engine, task, spec_path = argv[:3]
    with open(spec_path) as f:
        spec = json.load(f)
    if engine in GRAPH_DBS:
        out = work_kuzu(task, spec, argv[3], module=engine)
    else:
        out = work_peer(engine, spec)
    print(json.dumps(out))


# --------------------------------------------------------------------------------------------
# The parent: prepare, run, check, report
# --------------------------------------------------------------------------------------------

class Aikg:
    def __init__(self, exe):
        self.exe = exe

    def __call__(self, *args, data=None):
        cmd = [self.exe] + (["--data", data] if data else []) + list(args)
        return run_child(cmd)


def prepare(aikg, size, work):
    p = SIZES[size]
    d = os.path.join(work, size)
    os.makedirs(d, exist_ok=True)
    gen, csv_dir = os.path.join(d, "gen"), os.path.join(d, "csv")
    stamp_file = os.path.join(d, "params.json")
    # Generate again whenever aikg changes (its generator or CSV export may have).
    st = os.stat(aikg.exe)
    params = json.dumps(dict(p, aikg=[st.st_size, st.st_mtime_ns]), sort_keys=True)
    if not (os.path.exists(stamp_file) and open(stamp_file).read() == params and os.path.exists(os.path.join(csv_dir, "edges.csv"))):
        log(f"[{size}] generating {p['nodes']} nodes, {p['edges']} edges (seed {p['seed']})")
        aikg("gen", "--nodes", str(p["nodes"]), "--edges", str(p["edges"]), "--seed", str(p["seed"]), "-o", gen, "--force")
        shutil.rmtree(csv_dir, ignore_errors=True)
        aikg("export", "--to", "csv", "-o", csv_dir, data=gen)
        with open(stamp_file, "w") as f:
            f.write(params)

    nodes = read_nodes(csv_dir)
    ids = [n[0] for n in nodes]
    label = {n[0]: n[1] for n in nodes}
    rng = random.Random(p["seed"] * 7919 + 1)
    starts = rng.sample(ids, SAMPLE)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(SAMPLE)]
    files = {k: os.path.join(d, f"{k}.txt") for k in ("starts", "pairs")}
    with open(files["starts"], "w") as f:
        f.write("\n".join(starts) + "\n")
    with open(files["pairs"], "w") as f:
        f.write("\n".join(f"{a} {b}" for a, b in pairs) + "\n")
    query_file = os.path.join(d, "query.cypher")
    with open(query_file, "w") as f:
        f.write(CYPHER + "\n")

    # Kùzu's input: the same rows, split per table (not timed).
    kz = os.path.join(d, "kuzu-csv")
    plan = {"kinds": [], "rels": {}, "kind_files": {}, "rel_files": [],
            "single_nodes": os.path.join(kz, "nodes.csv"), "single_edges": os.path.join(kz, "edges.csv")}
    shutil.rmtree(kz, ignore_errors=True)
    os.makedirs(kz)
    by_kind = collections.defaultdict(list)
    for n in nodes:
        by_kind[n[1]].append((n[0], n[2], n[3], n[4]))
    for k in sorted(by_kind):
        path = os.path.join(kz, f"n-{k}.csv")
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(by_kind[k])
        plan["kinds"].append(k)
        plan["kind_files"][k] = path
    with open(plan["single_nodes"], "w", newline="") as f:
        csv.writer(f).writerows(nodes)
    edges = read_edges(csv_dir)
    by_rel = collections.defaultdict(list)
    for a, b, rel in edges:
        by_rel[(rel, label[a], label[b])].append((a, b))
    for key in sorted(by_rel):
        rel, a, b = key
        path = os.path.join(kz, f"r-{rel}-{a}-{b}.csv")
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(by_rel[key])
        plan["rels"].setdefault(rel, []).append((a, b))
        plan["rel_files"].append((rel, a, b, path))
    with open(plan["single_edges"], "w", newline="") as f:
        csv.writer(f).writerows(edges)
    first = starts[0]
    return dict(dir=d, gen=gen, csv=csv_dir, starts=starts, pairs=pairs, files=files, query_file=query_file,
                kuzu_plan=plan, nodes=len(ids), edges=len(edges),
                first_query=f"MATCH (n:{label[first]} {{id: '{first}'}})--(m) RETURN count(*) AS degree")


def run_size(args, aikg, size):
    prep = prepare(aikg, size, args.work)
    big = SIZES[size]["nodes"] > 50_000
    load_reps = 1 if big else 3
    cold_reps = 3 if big else 5
    reps = 1 if big else 5
    res = {"size": size, "nodes": prep["nodes"], "edges": prep["edges"], "engines": {}, "notes": [],
           "load_average_at_start": os.getloadavg()}
    E = res["engines"]
    d = prep["dir"]

    # ---- aikg --------------------------------------------------------------------------
    imported = os.path.join(d, "aikg-db")
    csvs = [os.path.join(prep["csv"], f) for f in ("nodes.csv", "edges.csv", "sources.csv")]
    a = E["aikg"] = {}
    walls, rss = [], []
    for i in range(load_reps):
        log(f"[{size}] aikg import ({i + 1}/{load_reps})")
        _, wall, peak = aikg("import", *csvs, "-o", imported, "--force")
        walls.append(wall)
        rss.append(peak)
    a["load_s"], a["load_rss_mb"] = min(walls), max(rss)
    walls, rss, answers = [], [], set()
    for i in range(cold_reps):
        out, wall, peak = aikg("query", "--format", "tsv", prep["first_query"], data=imported)
        walls.append(wall)
        rss.append(peak)
        answers.add(int(out.splitlines()[1]))
    a["cold_s"], a["cold_rss_mb"], a["first_answer"] = min(walls), max(rss), sorted(answers)
    log(f"[{size}] aikg query (whole process)")
    out, wall, peak = aikg("query", "--format", "json", "--timeout", "36000", "-f", prep["query_file"], data=imported)
    a["cypher_process_s"], a["query_rss_mb"] = wall, peak
    log(f"[{size}] aikg in-process (benches/scale.rs)")
    scale, wall, peak = run_child([args.scale, imported, prep["files"]["starts"], prep["files"]["pairs"], prep["query_file"],
                                   "--reps", str(reps), "--open-reps", str(cold_reps)], want_json=True)
    a.update(scale)
    a["scale_rss_mb"] = peak
    whole = [[r["maker"], r["paths"], r["projects"]] for r in json.loads(out)] if out.strip() else []
    if whole != a["cypher_rows"]:
        res["notes"].append(f"aikg: `aikg query` returned {whole[:2]}.., aikg::query::run {a['cypher_rows'][:2]}..")

    # ---- the spec the Python workers read ------------------------------------------------
    # A large import writes the cache only: the schema is then the generated folder's.
    schema = os.path.join(imported, "schema.toml")
    if not os.path.exists(schema):
        schema = os.path.join(d, "gen", "schema.toml")
    with open(schema, "rb") as f:
        supply = {r["id"]: r.get("supply") for r in tomllib.load(f).get("relation", [])}
    spec = dict(csv=prep["csv"], starts=prep["starts"], pairs=prep["pairs"], supply=supply, reps=reps,
                cypher=CYPHER, cypher_reps=max(reps, 3), first_query=prep["first_query"], kuzu_plan=prep["kuzu_plan"],
                limits={"networkx": args.nx_limit if big else SAMPLE}, pagerank={})
    spec_path = os.path.join(d, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)

    # ---- Kùzu and LadybugDB ---------------------------------------------------------------
    for eng in GRAPH_DBS:
        if eng not in args.engines:
            continue
        k = E[eng] = {}
        for layout in ("single", "label"):
            db = os.path.join(d, f"{eng}-{layout}.kz")
            walls, rss = [], []
            for i in range(load_reps):
                log(f"[{size}] {eng} load, {layout} layout ({i + 1}/{load_reps})")
                out, _, peak = run_child(worker(eng, f"load-{layout}", spec_path, db), want_json=True)
                walls.append(out["load_s"])
                rss.append(peak)
                if tuple(out["counts"]) != (prep["nodes"], prep["edges"]):
                    raise SystemExit(f"{eng} {layout}: loaded {out['counts']}, expected {(prep['nodes'], prep['edges'])}")
            k[f"load_{layout}_s"], k[f"load_{layout}_rss_mb"] = min(walls), max(rss)
        best = min(("single", "label"), key=lambda l: k[f"load_{l}_s"])
        k["load_s"], k["load_rss_mb"], k["load_layout"] = k[f"load_{best}_s"], k[f"load_{best}_rss_mb"], best
        db = os.path.join(d, f"{eng}-label.kz")
        walls, imports, answers = [], [], set()
        for i in range(cold_reps):
            out, _, _ = run_child(worker(eng, "cold", spec_path, db), want_json=True)
            walls.append(out["cold_s"])
            imports.append(out["import_s"])
            answers.add(out["answer"])
        k["cold_s"], k["import_s"], k["first_answer"] = min(walls), median(imports), sorted(answers)
        log(f"[{size}] {eng} cypher")
        out, _, peak = run_child(worker(eng, "cypher", spec_path, db), want_json=True)
        k.update(out)
        k["query_rss_mb"] = peak

    # ---- igraph, rustworkx, networkx ----------------------------------------------------------
    for engine in ("igraph", "rustworkx", "networkx"):
        if engine not in args.engines:
            continue
        log(f"[{size}] {engine}")
        out, wall, peak = run_child(worker(engine, "all", spec_path), want_json=True)
        out["rss_mb"] = peak
        E[engine] = out
    res["checks"] = check(res)
    res["load_average_at_end"] = os.getloadavg()
    return res


def check(res):
    """Compares the answers; returns a list of (what, ok, detail)."""
    E = res["engines"]
    a = E["aikg"]
    out = []
    for name in ("hop3_sizes", "path_lengths"):
        for engine, r in E.items():
            if engine == "aikg" or name not in r:
                continue
            n = len(r[name])
            ok = a[name][:n] == r[name]
            diff = [i for i in range(n) if a[name][i] != r[name][i]]
            out.append((f"{name} aikg vs {engine}" + (f" (first {n})" if n < SAMPLE else ""), ok,
                        f"total {sum(a[name][:n])} vs {sum(r[name])}" + (f"; differ at {diff[:5]}" if diff else "")))
    for engine, r in E.items():
        if engine == "aikg" or "pagerank_top" not in r:
            continue
        ours = [x[0] for x in a["pagerank_top"]]
        theirs = [x[0] for x in r["pagerank_top"]]
        worst = max(abs(x[1] - y[1]) for x, y in zip(a["pagerank_top"], r["pagerank_top"]))
        ok = ours[:5] == theirs[:5] and set(ours) == set(theirs)
        out.append((f"pagerank top 10 aikg vs {engine}", ok, f"max |diff| of the top-10 scores {worst:.2e}"))
    for eng in GRAPH_DBS:
        if eng not in E:
            continue
        k = E[eng]
        ok = [list(r) for r in k["cypher_rows"]] == a["cypher_rows"]
        out.append((f"cypher rows aikg vs {eng}", ok, f"{len(a['cypher_rows'])} rows; first {a['cypher_rows'][:1]}"))
        ok = a["first_answer"] == k["first_answer"]
        out.append((f"first query aikg vs {eng}", ok, f"{a['first_answer']} vs {k['first_answer']}"))
    return out


# --------------------------------------------------------------------------------------------
# Ratios, targets and the report
# --------------------------------------------------------------------------------------------

def ms_of(r, key):
    """A time in ms from a result: *_s seconds, *_ms lists (the fastest repetition)."""
    if r is None:
        return None
    if key.endswith("_s"):
        v = r.get(key)
        return v * 1e3 if v is not None else None
    v = r.get(key)
    if v is None:
        return None
    return min(v) if isinstance(v, list) else v


def scaled(r, key):
    """ms for the full sample of 100 when the engine ran a prefix of it (networkx on big graphs)."""
    v = ms_of(r, key)
    if v is not None and r.get("limit", SAMPLE) < SAMPLE and key in ("hop3_ms", "path_ms"):
        return v * SAMPLE / r["limit"]
    return v


def rows_for(res):
    """(metric, unit, {engine: value}, target peer, bound, note) per row."""
    E = res["engines"]
    g = lambda e: E.get(e)
    rows = []
    rows.append(("load (CSV -> store)", "ms", {e: ms_of(g(e), "load_s") for e in ENGINES},
                 "kuzu", 0.5, f"Kùzu: {g('kuzu')['load_layout'] if g('kuzu') else '-'} layout (the faster)"))
    dbs = [e for e in GRAPH_DBS if g(e)]
    rows.append(("cold start (open + first query)", "ms", {"aikg": ms_of(g("aikg"), "cold_s"), **{e: ms_of(g(e), "cold_s") for e in dbs}},
                 "kuzu", 0.5, "aikg whole process; Kùzu in-process, without the interpreter and import"))
    rows.append(("  aikg open in-process", "ms", {"aikg": g("aikg")["open_ms"][0]}, None, None,
                 "read + decode the cache + build the graph, the first open in a fresh process (later opens in the "
                 "same process reuse freed memory and run faster: " + ", ".join(f"{x:.0f}" for x in g("aikg")["open_ms"][1:]) + " ms)"))
    a = g("aikg")
    hop3_note = ""
    if a.get("hop3_neighbors_ms"):
        hop3_note = (f"aikg counts (`neighborhood_sizes`, as igraph's neighborhood_size); its `neighbors`, which also keeps the edge "
                     f"that reached each node and orders each layer by id (what `aikg neighbors` prints): {ms_of(a, 'hop3_neighbors_ms'):.1f} ms, "
                     f"after building the id order once per process ({ms_of(a, 'id_order_ms'):.1f} ms)")
    rows.append(("3-hop, 100 starts", "ms", {e: scaled(g(e), "hop3_ms") for e in ENGINES}, "igraph", 1.0, hop3_note))
    rows.append(("shortest path, 100 pairs", "ms", {e: scaled(g(e), "path_ms") for e in ENGINES}, "networkx", 0.5, ""))
    rows.append(("PageRank", "ms", {e: ms_of(g(e), "pagerank_ms") for e in ENGINES}, "rustworkx", 1.0,
                 f"aikg: {g('aikg').get('pagerank_iterations')} iterations, arcs {ms_of(g('aikg'), 'pagerank_arcs_ms'):.1f} ms + iterations {ms_of(g('aikg'), 'pagerank_iter_ms'):.1f} ms"))
    rows.append(("Cypher 3-hop pattern", "ms", {"aikg": ms_of(g("aikg"), "cypher_ms"), **{e: ms_of(g(e), "cypher_ms") for e in dbs}}, "kuzu", 0.1, ""))
    rows.append(("peak RSS, load", "MB", {"aikg": g("aikg")["load_rss_mb"], **{e: g(e)["load_rss_mb"] for e in dbs}},
                 "kuzu", 1.0, "aikg import vs the Kùzu COPY process"))
    rows.append(("peak RSS, open + Cypher 3-hop", "MB", {"aikg": g("aikg")["query_rss_mb"], **{e: g(e)["query_rss_mb"] for e in dbs},
                 **{e: g(e)["rss_mb"] for e in ("igraph", "rustworkx", "networkx") if g(e)}},
                 "kuzu", 1.0, "aikg query process vs the Kùzu query process; igraph/rustworkx/networkx: their whole workload"))
    # The same targets against LadybugDB, Kùzu's living fork, as a note on each row.
    if g("ladybug"):
        out = []
        for metric, unit, vals, peer, bound, note in rows:
            if peer == "kuzu" and vals.get("aikg") is not None and vals.get("ladybug"):
                r = vals["aikg"] / vals["ladybug"]
                extra = f"aikg / LadybugDB {r:.2f} ({'met' if r <= bound else f'{r / bound:.1f}× over'} ≤ {bound:g})"
                note = f"{note}; {extra}" if note else extra
            out.append((metric, unit, vals, peer, bound, note))
        rows = out
    return rows


def verdict(vals, peer, bound):
    a, p = vals.get("aikg"), vals.get(peer)
    if peer is None or a is None or p is None or p == 0:
        return None, None
    ratio = a / p
    return ratio, ratio <= bound


def fmt(v, unit="ms"):
    if v is None:
        return "–"
    if unit == "MB":
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def table_lines(res, markdown):
    head = ["measure", "aikg", "Kùzu", "LadybugDB", "igraph", "rustworkx", "networkx", "aikg / peer", "target", "verdict"]
    lines = []
    for metric, unit, vals, peer, bound, note in rows_for(res):
        ratio, ok = verdict(vals, peer, bound)
        cells = [f"{metric} ({unit})"] + [fmt(vals.get(e), unit) for e in ENGINES]
        if peer:
            cells += [f"{ratio:.2f}" if ratio is not None else "–", f"≤ {bound:g} × {peer}",
                      "–" if ok is None else ("met" if ok else f"missed ({ratio / bound:.1f}× over)")]
        else:
            cells += ["", "", ""]
        lines.append(cells)
    notes = [f"{metric.strip()}: {note}" for metric, _, _, _, _, note in rows_for(res) if note]
    nx = res["engines"].get("networkx")
    if nx and nx.get("limit", SAMPLE) < SAMPLE:
        notes.append(f"networkx ran the first {nx['limit']} starts and pairs; its 3-hop and path times are scaled to 100")
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in lines]
        return out + [""] + [f"- {n}" for n in notes]
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    return ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in [head] + lines] + [f"  * {n}" for n in notes]


def machine():
    info = {"os": platform.platform(), "python": platform.python_version()}
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in cpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache", "L3 cache", "Hypervisor vendor"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        info["memory"] = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    versions = {}
    # From the package metadata: kuzu and ladybug cannot both be imported into one process.
    from importlib import metadata
    for mod, dist in (("kuzu", "kuzu"), ("ladybug", "ladybug"), ("igraph", "igraph"), ("rustworkx", "rustworkx"),
                      ("networkx", "networkx"), ("scipy", "scipy")):
        try:
            versions[mod] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[mod] = "not installed"
    info["versions"] = versions
    try:
        info["Rust"] = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
        info["aikg commit"] = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"], capture_output=True, text=True).stdout
        if dirty.strip():
            info["aikg commit"] += " (with uncommitted changes in src/)"
    except OSError:
        pass
    return info


def whole_process(aikg_exe, runs):
    def spawn(cmd):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            p.wait()
            times.append((time.perf_counter() - t) * 1e3)
            if p.returncode != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}")
        return times
    spawn([aikg_exe, "show", "h100"])  # warm the page cache
    times = spawn([aikg_exe, "show", "h100"])
    base = spawn(["true"])
    return {"median_ms": median(times), "min_ms": min(times), "max_ms": max(times), "runs": runs,
            "spawn_true_ms": median(base)}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return worker_main(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aikg", default=os.path.join(ROOT, "target", "release", "aikg"))
    ap.add_argument("--scale", help="the benches/scale.rs executable (default: built with cargo bench --no-run)")
    ap.add_argument("--sizes", default="10k,200k", help="comma-separated: " + ", ".join(SIZES))
    ap.add_argument("--engines", default=",".join(ENGINES[1:]), help="peers to run (aikg always runs)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"), help="where the graphs and databases go")
    ap.add_argument("--nx-limit", type=int, default=SAMPLE,
                    help="on graphs above 50k nodes networkx runs only the first N starts and pairs (scaled to 100)")
    ap.add_argument("--show-runs", type=int, default=50)
    ap.add_argument("--markdown", help="write the tables as Markdown to this file")
    ap.add_argument("--json", help="write every measurement as JSON to this file")
    ap.add_argument("--update", metavar="FILE",
                    help="replace the text between the lines <!-- bench:begin --> and <!-- bench:end --> of FILE "
                         "(BENCHMARKS.md) with the Markdown tables")
    ap.add_argument("--from-json", metavar="FILE",
                    help="measure nothing: print (and --markdown/--update) the results saved by an earlier --json")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report = json.load(f)
        for res in report["sizes"]:
            print_size(res)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(markdown(report))
        if args.update:
            update(args.update, markdown(report))
        return
    args.engines = set(args.engines.split(",")) if args.engines else set()
    args.work = os.path.abspath(args.work)
    if not args.scale:
        args.scale = build_scale()
    if not os.path.exists(GNU_TIME):
        log(f"warning: no {GNU_TIME} (Debian: apt-get install time); peak memory is then at least this script's own")
    aikg = Aikg(os.path.abspath(args.aikg))
    started = time.perf_counter()
    shown, skip = [], False
    for arg in sys.argv[1:]:  # the wrapper's own flags are not the user's
        if skip or arg in ("--aikg", "--scale"):
            skip = not skip and arg in ("--aikg", "--scale")
            continue
        shown.append(arg)
    report = {"machine": machine(), "sizes": [], "command": " ".join(["scripts/bench"] + shown)}
    for size in args.sizes.split(","):
        if size not in SIZES:
            raise SystemExit(f"unknown size {size}: pick from {', '.join(SIZES)}")
        report["sizes"].append(run_size(args, aikg, size))
        print_size(report["sizes"][-1])
    log("aikg show h100, whole process")
    report["show"] = whole_process(aikg.exe, args.show_runs)
    s = report["show"]
    ok = s["median_ms"] < 5
    print(f"\n`aikg show h100` on the built-in data, whole process: median {s['median_ms']:.2f} ms over {s['runs']} runs "
          f"(min {s['min_ms']:.2f}, max {s['max_ms']:.2f}; spawning `true` takes {s['spawn_true_ms']:.2f} ms) "
          f"-> target < 5 ms: {'met' if ok else 'missed'}")
    report["elapsed_s"] = time.perf_counter() - started
    print(f"\n(whole run: {report['elapsed_s']:.0f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, default=str)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(report))
    if args.update:
        update(args.update, markdown(report))
    bad = [c for r in report["sizes"] for c in r["checks"] if not c[1]]
    if bad:
        print(f"\n{len(bad)} answer check(s) failed", file=sys.stderr)
        sys.exit(1)


def print_size(res):
    print(f"\n== {res['size']}: {res['nodes']:,} nodes, {res['edges']:,} edges ==")
    for line in table_lines(res, markdown=False):
        print(line)
    for what, ok, detail in res["checks"]:
        print(f"  answers: {what}: {'same' if ok else 'DIFFERENT'} ({detail})")
    for n in res["notes"]:
        print(f"  note: {n}")
    sys.stdout.flush()


def verdict_table(report):
    """Targets down, sizes across: the verdict and aikg / peer in brackets."""
    sizes = report["sizes"]
    head = ["target"] + [f"{r['nodes']:,} / {r['edges']:,}" for r in sizes]
    by_metric = {}
    for j, res in enumerate(sizes):
        for metric, _, vals, peer, bound, _ in rows_for(res):
            if not peer:
                continue
            ratio, ok = verdict(vals, peer, bound)
            key = f"{metric}: aikg ≤ {bound:g} × {peer}"
            cell = "–" if ok is None else (f"met ({ratio:.2f})" if ok else f"**missed** ({ratio:.2f}; {ratio / bound:.1f}× over)")
            by_metric.setdefault(key, [""] * len(sizes))[j] = cell
    out = ["", "Verdicts (in brackets: aikg / peer, lower is better):", "",
           "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join([k] + v) + " |" for k, v in by_metric.items()]
    s = report.get("show")
    if s:
        ok = s["median_ms"] < 5
        out.append("| `aikg show h100` whole process < 5 ms | " + " | ".join(
            [f"{'met' if ok else '**missed**'}: median {s['median_ms']:.2f} ms"] + [""] * (len(sizes) - 1)) + " |")
    return out + [""]


def markdown(report):
    out = []
    m = report["machine"]
    out.append(f"Command: `{report['command']}` (whole run {report['elapsed_s']:.0f} s).\n")
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in m.items() if k != "versions") + ".\n")
    out.append("Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".\n")
    out += verdict_table(report)
    for res in report["sizes"]:
        out.append(f"\n### {res['size']}: {res['nodes']:,} nodes, {res['edges']:,} edges\n")
        out.append("Load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.1f}" for x in res["load_average_at_start"])
                   + "; at the end: " + ", ".join(f"{x:.1f}" for x in res["load_average_at_end"]) + ".\n")
        out += table_lines(res, markdown=True)
        out.append("")
        for what, ok, detail in res["checks"]:
            out.append(f"- answers, {what}: {'same' if ok else '**different**'} ({detail})")
        for n in res["notes"]:
            out.append(f"- note: {n}")
        a = res["engines"]["aikg"]
        p = a.get("open_parts_ms", {})
        out.append(f"- aikg open in-process: read {p.get('read', 0):.1f} ms, decode {p.get('decode', 0):.1f} ms, "
                   f"graph {p.get('graph', 0):.1f} ms; the Cypher 3-hop as a whole `aikg query` process: "
                   f"{a['cypher_process_s'] * 1e3:.0f} ms")
        for eng, name in GRAPH_DBS.items():
            if eng not in res["engines"]:
                continue
            k = res["engines"][eng]
            out.append(f"- {name} load: single layout {k['load_single_s'] * 1e3:.0f} ms ({k['load_single_rss_mb']:.0f} MB), "
                       f"label layout {k['load_label_s'] * 1e3:.0f} ms ({k['load_label_rss_mb']:.0f} MB); "
                       f"`import {eng}` {k['import_s'] * 1e3:.0f} ms (not counted in its cold start)")
    s = report["show"]
    out.append(f"\n`aikg show h100` on the built-in data, whole process: median **{s['median_ms']:.2f} ms** over "
               f"{s['runs']} runs (min {s['min_ms']:.2f}, max {s['max_ms']:.2f}; spawning `true` the same way: "
               f"{s['spawn_true_ms']:.2f} ms); target < 5 ms: **{'met' if s['median_ms'] < 5 else 'missed'}**.\n")
    return "\n".join(out)


def update(path, text):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    with open(path) as f:
        doc = f.read()
    if begin not in doc or end not in doc:
        raise SystemExit(f"{path} has no {begin} ... {end} section to replace")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + text.strip() + "\n" + end + tail)
    log(f"updated {path}")


def build_scale():
    log("building benches/scale.rs (cargo bench --no-run)")
    out = subprocess.run(["cargo", "bench", "--bench", "scale", "--no-run", "--message-format=json"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    for line in out.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "scale" and msg.get("executable"):
            return msg["executable"]
    raise SystemExit("cargo did not report the scale bench executable")


if __name__ == "__main__":
    main()
