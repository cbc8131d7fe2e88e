#!/usr/bin/env python3
"""Checks `aikg query` against Kùzu 0.11.3 or LadybugDB 0.22.0, embedded Cypher engines, on every queries/*.cypher.

Usage: compare_kuzu.py [--engine kuzu|ladybug] [--aikg PATH] [--data DIR] [--queries DIR]
       [--only NAME ...] [--kuzu-only] [--show-rewrite] [--keep-db DIR] [-v]
Needs `pip install kuzu==0.11.3` or, for `--engine ladybug`, `pip install ladybug==0.22.0`
(LadybugDB is Kùzu's maintained fork: same Python API and dialect; where this text says Kùzu,
it means either). Both work offline. Exit 1 if any query fails; a query listed in
KNOWN_DIFFERENCES is reported as `known` (with the reason) and fails the run only if it agrees.

What it does
------------
1. `aikg export --to json` gives the whole dataset. It is loaded into an embedded Kùzu database in a
   temporary folder, and the counts per table (and in total) are checked against the JSON.
2. Every queries/*.cypher file runs in aikg (`aikg query -f FILE --format json [--param k=v ...]`)
   and, after the explicit rewrites below, in Kùzu. A line `// Params: k=v, k2=v2` gives the
   parameters: passed verbatim to aikg as `--param k=v`, and to Kùzu typed as aikg types them
   (`param_value`: integer, float, true/false, null, 'quoted string', [list], else the raw text).
3. Rows are compared as ordered lists when the query's final RETURN has ORDER BY, else as
   multisets. Numbers compare with a relative tolerance of 1e-9 (an int and a float that are equal
   compare equal; a boolean never equals a number). Columns are matched by name to the final
   RETURN items (alias, else the item's source text, which is how aikg names them) and compared
   in RETURN order. Kùzu values are printed the way aikg prints them: a node as its id, a
   relationship as `from-[TYPE]->to`, a path as `a-[T]->b<-[U]-c` (aikg's JSON gives a path as an
   object of its nodes and relationships; it is compared as that text), a variable-length
   relationship as the list of its relationships.
   One list-valued case is compared as a multiset: a RETURN column holding a `collect(...)` (directly
   or through WITH aliases) that no `WITH ... ORDER BY` feeds. Cypher leaves that order unspecified
   and the two engines build it in different row orders; the `ok` line names such columns. Every
   other list (tags, aliases, nodes(p), collect() after WITH ... ORDER BY) compares in order.
   One line per query (`ok`, or `MISMATCH` with a short diff), then `kuzu: N passed, M failed`.
   A query Kùzu cannot run is a MISMATCH with Kùzu's error, never a skip.

Schema mapping (Kùzu needs typed tables)
----------------------------------------
* One NODE TABLE per node kind (the Cypher label): `id STRING` (primary key), name, name_zh, layer,
  segment, summary STRING, aliases STRING[], tags STRING[], plus every prop key the kind declares,
  typed from the declaration: string/date -> STRING, integer -> INT64, number -> DOUBLE,
  boolean -> BOOLEAN, strings -> STRING[]. A value that does not fit its declared type, or a prop
  the kind does not declare, aborts the load.
* One REL TABLE per relation id, with one FROM/TO pair per (from kind, to kind) combination used in
  the data (a relation no edge uses gets the schema's first pair, so queries naming it still bind).
  Columns: share_pct DOUBLE, share_of, as_of, since, until, confidence, note STRING, then every edge
  prop key found anywhere in the data (on every rel table, so `r.stake_pct` on a relation that
  never carries it is null, as in aikg, not a Kùzu binder error), typed from the values over all
  edges: all ints -> INT64, ints and floats -> DOUBLE, all booleans -> BOOLEAN, lists of strings ->
  STRING[], anything else -> STRING (non-strings JSON-encoded). Plus `_eid INT64`, the edge's index
  in the export: the edge identity used by the ISOMORPHISM rewrite (never shown in results).
* Loading: the script of `aikg export --to cypher --dialect kuzu` (which builds the tables above,
  plus a `sources STRING[]` column), run statement by statement; then `_eid` is added to each rel
  table and set edge by edge (the export carries no edge ids). The loader that this script used
  before the export existed (one parameterised CREATE per node and edge) is kept, as
  `load_kuzu(..., script=None)`. Either way every node and edge value is then read back from
  Kùzu and compared with the JSON export, so the Cypher export is checked value by value.

Dialect differences and how each is handled: the rewrite table (REWRITES below; applied to the
Kùzu copy of a query only, aikg always runs the file unchanged; --show-rewrite prints the result)
------------------------------------------------------------------------------------------------
  TRAIL        Variable-length relationships: aikg uses relationship isomorphism (trail semantics,
               no relationship twice in one path); Kùzu walks by default. `-[:T*1..3]->` becomes
               `-[:T* TRAIL 1..3]->` (Kùzu 0.11 `TRAIL` modifier; `ACYCLIC` would forbid repeated
               nodes, stricter than aikg). On this data `(asml)-[:SUPPLIES*]->(b)` is 205,350 walks
               but 231 trails.
  BOUNDS       aikg's default bounds are `*` = `*1..10` (CYPHER.md); Kùzu's are 1..30. Every range
               is written out: `*` -> 1..10, `*..3` -> 1..3, `*2` -> 2..2, `*2..` -> 2..10.
  ISOMORPHISM  aikg never binds one relationship twice in one MATCH (relationship isomorphism
               across the whole clause: `(a)-[:MANUFACTURES]->(c)<-[:MANUFACTURES]-(o)` never
               gives o = a through the same edge). Kùzu's fixed-length patterns are homomorphic
               (it does give o = a) and TRAIL covers only one variable-length relationship. So in
               every MATCH / OPTIONAL MATCH with two or more relationship patterns, anonymous
               relationships get names (`__r1`, ...; `-->`/`--`/`<--` too) and the clause's WHERE
               gets `r1._eid <> r2._eid AND ...` (fixed-length only), or
               `size(list_distinct(L)) = size(L)` where L concatenates `[r._eid, ...]` of the
               fixed-length ones and `properties(rels(v), '_eid')` of the variable-length ones.
               Not written with `none(x IN rels(v) WHERE id(x) = id(r))` or
               `id(r) IN list_transform(...)`: Kùzu 0.11.3 refuses lambdas that read outer
               variables or evaluates them wrongly (checked against a brute-force count).
  LABEL-UNION  aikg `(v:A|B)` is Kùzu `(v:A:B)` (several labels on a Kùzu node mean "any of";
               `(v:A|B)` is a parse error). Relationship types `[:T|U]` are the same in both.
  labels()     aikg `labels(n)` is a list; Kùzu has `label(n)`, a string: `labels(x)` -> `[label(x)]`.
  type()       Kùzu has no `type(r)`; `label(r)` gives the rel table name: `type(x)` -> `label(x)`.
  id()         aikg `id(n)` is the node's slug id and `id(r)` the edge's index in the export;
               Kùzu's are internal {offset, table} structs: `id(x)` -> `x.id` for a node,
               `x._eid` for a relationship variable.
  relationships()  Kùzu spells it `rels(p)`.
  toString() / toFloat()  -> `to_string` / `to_double` (Kùzu has no camel-case names).
  toInteger()  -> `CAST(CASE WHEN to_double(x) < 0 THEN ceil(to_double(x)) ELSE floor(to_double(x))
               END AS INT64)`: Cypher truncates (toInteger(7.7) = 7), Kùzu's casts round (8).
  VARREL-SIZE  aikg binds a variable-length relationship r to a list, so `size(r)` works there;
               Kùzu's r is a RECURSIVE_REL: `size(r)` / `length(r)` -> `length(r)`.
  MISSING-PROP A property that none of the variable's tables has (`n.ticker` for `(n:Chip)`, or a
               key no kind or edge has) is null in aikg but a Kùzu binder error ("Cannot find
               property"): such a `v.key` becomes `NULL`. Labels come from the MATCH patterns;
               unlabelled variables are checked against every table.
  COLLECT-EMPTY  `collect()` over no non-null values is [] in Cypher and aikg, null in Kùzu:
               `collect(x)` -> `coalesce(collect(x), [])`.
  SUM-EMPTY    `sum()` over no values is 0 in Cypher and aikg, null in Kùzu:
               `sum(x)` -> `coalesce(sum(x), 0)`.
  WITH-ORDER   Kùzu rejects `WITH ... ORDER BY ...` without SKIP or LIMIT ("ORDER BY must be
               followed by SKIP or LIMIT"): ` SKIP 0` is appended.
  SHORTEST     `shortestPath((a)-[:T*..k]-(b))` / `allShortestPaths(...)` are Kùzu
               `(a)-[:T* SHORTEST 1..k]-(b)` / `(a)-[:T* ALL SHORTEST 1..k]-(b)`: the wrapper is
               removed and the modifier put in the relationship. Kùzu returns one arbitrary path
               among equally short ones, so returning p of a shortestPath with ties can differ
               legitimately (length(p) and endpoints cannot). Kùzu issue #5331: SHORTEST ignores
               an outer WHERE.
Known differences that are not rewritten (a query that hits one fails visibly):
  * toString() of a float: aikg prints 3.5 / 80.0 / 1.76e12, Kùzu '3.500000'. And `number` props
    are DOUBLE here while aikg keeps a TOML integer literal as an integer: aikg
    `toString(c.power_w)` is '700', and `c.bf16_dense_tflops / c.power_w` is an integer division
    in aikg (989 / 700 = 1) but 1.41 in Kùzu. Queries multiply by 1.0 first.
  * toInteger()/toFloat() of a string that does not parse: null in aikg, a Kùzu error.
  * ORDER BY on a list or a node: Kùzu refuses ("Order by STRING[] is not supported"); and a
    RETURN alias with the name of a pattern variable (`RETURN b.id AS b ORDER BY b`) binds the
    variable in Kùzu.
  * Inline property maps with a key the label lacks (`(c:Chip {ticker: 'x'})`): Kùzu binder error.
  * List subscripts are 1-based in Kùzu (subscripts are not in the aikg dialect).
  * keys(n) in Kùzu lists every column of n's table, null or not (hence the keys() rewrite);
    properties(n) does not exist in Kùzu 0.11 (LadybugDB has it, with nulls for absent columns,
    which the normaliser drops, as aikg's maps hold the present properties only).

Rewrites for the second wave of the dialect:
  LIST-COMP    `[x IN l WHERE p | e]` -> `list_transform(list_filter(l, x -> p), x -> e)` (Kùzu
               has lambdas, not comprehensions; LadybugDB parses the comprehension and then
               fails to bind its variable).
  keys()       `keys(v)` -> `list_filter([CASE WHEN v.c IS NULL THEN NULL ELSE 'c' END, ...],
               __k -> __k IS NOT NULL)` over the sorted columns of v's tables.
CASE, pattern predicates and `EXISTS { MATCH ... WHERE ... }` run as they are.

Known differences (KNOWN_DIFFERENCES): properties(node) on Kùzu; and on both engines a bug: two
lambdas over one list of nodes that read different properties in one projection, and the first
sees null for its property (`list_filter(xs, x -> x.g >= 80), list_filter(xs, x -> x.mem
STARTS WITH 'HBM')` on a 3-node table gives [] and [a]). aikg and FalkorDB agree on the answer.
Kùzu and LadybugDB agree with each other on every other saved query.
"""

import argparse
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal

# The embedded engine, chosen with --engine: Kùzu 0.11.3 or LadybugDB (its maintained fork, the
# `ladybug` module, same Python API). Both cannot be imported into one process (their bindings
# register the same native types), so each run loads one.
ENGINES = {"kuzu": ("kuzu", "Kùzu", "kuzu==0.11.3"), "ladybug": ("ladybug", "LadybugDB", "ladybug==0.22.0")}
kuzu = None
ENGINE = "Kùzu"


def load_engine(name):
    global kuzu, ENGINE
    module, ENGINE, pin = ENGINES[name]
    try:
        kuzu = __import__(module)
    except ImportError:
        raise SystemExit(f"compare_kuzu.py --engine {name} needs {ENGINE}: pip install {pin}")


def lower_internal(v):
    """LadybugDB spells the internal keys of nodes, relationships and paths in capitals (`_ID`,
    `_LABEL`, `_SRC`, `_NODES`...); Kùzu in lower case. Lower case, recursively."""
    if isinstance(v, dict):
        return {(k.lower() if k.startswith("_") else k): lower_internal(x) for k, x in v.items()}
    if isinstance(v, list):
        return [lower_internal(x) for x in v]
    return v


DEFAULT_MAX_HOPS = 10  # aikg's bound for `*` and `*n..` (CYPHER.md)
REL_TOL = 1e-9

# The rewrite table: name -> what it does. Each entry is implemented in `rewrite_for_kuzu` and
# reported per query with --show-rewrite. See the module docstring for the reasons.
REWRITES = {
    "TRAIL": "variable-length `*a..b` -> `* TRAIL a..b` (trail semantics, as aikg)",
    "BOUNDS": f"implicit bounds made explicit with aikg's defaults: `*` -> 1..{DEFAULT_MAX_HOPS}",
    "ISOMORPHISM": "relationship isomorphism per MATCH clause via distinct `_eid`s",
    "LABEL-UNION": "node label union `(v:A|B)` -> `(v:A:B)`",
    "labels()": "`labels(x)` -> `[label(x)]`",
    "type()": "`type(r)` -> `label(r)`",
    "id()": "`id(n)` -> `n.id` (node), `id(r)` -> `r._eid` (relationship)",
    "relationships()": "`relationships(p)` -> `rels(p)`",
    "toString()": "`toString(x)` -> `to_string(x)`",
    "toInteger()": "`toInteger(x)` -> truncating `CAST(CASE WHEN to_double(x) < 0 THEN "
                   "ceil(..) ELSE floor(..) END AS INT64)` (Kùzu's casts round)",
    "VARREL-SIZE": "`size(r)` / `length(r)` of a variable-length relationship r -> `length(r)`",
    "MISSING-PROP": "`v.key` where no table of v's labels has the column -> `NULL`",
    "WITH-ORDER": "`WITH ... ORDER BY ...` without SKIP/LIMIT gets `SKIP 0` (Kùzu requires one)",
    "toFloat()": "`toFloat(x)` -> `to_double(x)`",
    "COLLECT-EMPTY": "`collect(x)` -> `coalesce(collect(x), [])`",
    "SUM-EMPTY": "`sum(x)` -> `coalesce(sum(x), 0)`",
    "SHORTEST": "`shortestPath(P)` / `allShortestPaths(P)` -> P with `* SHORTEST` / `* ALL SHORTEST`",
    "LIST-COMP": "`[x IN l WHERE p | e]` -> `list_transform(list_filter(l, x -> p), x -> e)`",
    "keys()": "`keys(v)` -> `list_filter([CASE WHEN v.c IS NULL THEN NULL ELSE 'c' END, ...], "
              "k -> k IS NOT NULL)` over the columns of v's tables (Kùzu lists every column)",
}

# Saved queries whose rows differ for a reason stated here: reported as `known`, not counted as a
# failure, per engine. A query listed here that agrees is reported too (the entry is stale).
LAMBDA_PRUNING = ("a bug in Kùzu 0.11.3 and LadybugDB 0.22.0, aikg (and FalkorDB) are right: two "
                  "lambdas over one list of nodes that read different properties, "
                  "`list_filter(xs, x -> x.memory_gb >= 80)` and `list_filter(xs, x -> x.memory "
                  "STARTS WITH 'HBM')`, and the first sees null for its property (on a 3-node table "
                  "too), so its list comes out empty")
KNOWN_DIFFERENCES = {
    "kuzu": {
        "h100-figures.cypher": "Kùzu 0.11 has no properties(node) (its properties(list, key) reads "
                               "one key from a list of nodes); LadybugDB added it",
        "compute-network-datacenter-gpus.cypher": LAMBDA_PRUNING,
    },
    "ladybug": {
        "compute-network-datacenter-gpus.cypher": LAMBDA_PRUNING,
    },
}
FUNCTION_RENAMES = {
    "type": ("label", "type()"),
    "relationships": ("rels", "relationships()"),
    "tostring": ("to_string", "toString()"),
    "tofloat": ("to_double", "toFloat()"),
}

# Aggregates over no (non-null) values: Cypher and aikg give [] and 0, Kùzu gives null.
EMPTY_AGGREGATES = {
    "collect": ("[]", "COLLECT-EMPTY"),
    "sum": ("0", "SUM-EMPTY"),
}

NODE_BASE_COLUMNS = [
    ("id", "STRING"), ("name", "STRING"), ("name_zh", "STRING"), ("layer", "STRING"),
    ("segment", "STRING"), ("summary", "STRING"), ("start", "STRING"), ("end", "STRING"),
    ("lifecycle", "STRING"), ("aliases", "STRING[]"), ("tags", "STRING[]"),
]
EDGE_BASE_COLUMNS = [
    ("share_pct", "DOUBLE"), ("share_of", "STRING"), ("as_of", "STRING"), ("since", "STRING"),
    ("until", "STRING"), ("status", "STRING"), ("confidence", "STRING"), ("note", "STRING"),
]
DECLARED_TYPES = {
    "string": "STRING", "date": "STRING", "integer": "INT64", "number": "DOUBLE",
    "boolean": "BOOLEAN", "strings": "STRING[]",
}


def day(date, last):
    """A date of the data (YYYY, YYYY-MM or YYYY-MM-DD) as (y, m, d), its period's first or last day."""
    parts = [int(x) for x in date.split("-")]
    while len(parts) < 3:
        parts.append((12 if len(parts) == 1 else 31) if last else 1)
    return tuple(parts)


def with_metrics(doc):
    """What aikg's graph exports hold and its JSON does not: each node's metrics as they stand on
    the data's today (its newest source date), as props `<metric>` and `<metric>_as_of`, and the
    kinds' metric columns. A projected observation never stands; of several on one day, the first."""
    metrics = doc.get("metrics") or []
    if not metrics:
        return doc
    for k in doc["kinds"]:
        for m in metrics:
            if k["id"] in m["kinds"]:
                k.setdefault("props", {})[m["id"]] = "number"
                k["props"][m["id"] + "_as_of"] = "string"
    dated = [s.get("date") or s.get("retrieved") for s in doc["sources"]]
    today = max(day(d, False) for d in dated if d)
    standing = {}
    for o in doc.get("observations") or []:
        at = day(o["date"], True)
        if o.get("confidence") == "projected" or at > today:
            continue
        key = (o["node"], o["metric"])
        if key not in standing or at > standing[key][0]:
            standing[key] = (at, o)
    by_id = {n["id"]: n for n in doc["nodes"]}
    for (nid, metric), (_, o) in sorted(standing.items()):
        if nid in by_id:
            props = by_id[nid].setdefault("props", {})
            props[metric] = float(o["value"])
            props[metric + "_as_of"] = o["date"]
    return doc


def q(name):
    """A backtick-quoted Kùzu identifier (several prop keys are Cypher keywords)."""
    return "`" + name.replace("`", "``") + "`"


# --------------------------------------------------------------------------------------------
# Loading the export into Kùzu
# --------------------------------------------------------------------------------------------

def coerce(value, ktype, where):
    """The value as Python for a Kùzu column of type ktype; raises on a value that does not fit."""
    if value is None:
        return None
    ok = True
    if ktype == "STRING":
        ok = isinstance(value, str)
    elif ktype == "INT64":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif ktype == "DOUBLE":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif ktype == "BOOLEAN":
        ok = isinstance(value, bool)
    elif ktype == "STRING[]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        raise SystemExit(f"load: {where}: {value!r} does not fit Kùzu type {ktype}")
    return value


def infer_edge_prop_types(edges):
    """Kùzu type per edge prop key, from the values over all edges."""
    seen = defaultdict(set)
    for e in edges:
        for k, v in (e.get("props") or {}).items():
            if v is None:
                continue
            if isinstance(v, bool):
                seen[k].add("bool")
            elif isinstance(v, int):
                seen[k].add("int")
            elif isinstance(v, float):
                seen[k].add("float")
            elif isinstance(v, str):
                seen[k].add("str")
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                seen[k].add("strings")
            else:
                seen[k].add("other")
    types = {}
    for k in sorted(seen):
        s = seen[k]
        if s == {"int"}:
            types[k] = "INT64"
        elif s <= {"int", "float"}:
            types[k] = "DOUBLE"
        elif s == {"bool"}:
            types[k] = "BOOLEAN"
        elif s == {"strings"}:
            types[k] = "STRING[]"
        else:
            types[k] = "STRING"
    return types


def edge_prop_value(v, ktype):
    if v is None:
        return None
    if ktype == "STRING" and not isinstance(v, str):
        return json.dumps(v)
    if ktype == "DOUBLE":
        return float(v)
    return v


def statements(script):
    """The statements of a Cypher script: split at `;` outside quotes and backticks, without
    `//` comment lines. Kùzu string literals may hold raw newlines, so lines are not statements."""
    out, buf, quote, i = [], [], None, 0
    while i < len(script):
        c = script[i]
        buf.append(c)
        if quote:
            if c == "\\" and quote == "'":
                buf.append(script[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c in "'`":
            quote = c
        elif c == "/" and script.startswith("//", i) and "".join(buf[:-1]).strip() == "":
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            buf = []
            continue
        elif c == ";":
            out.append("".join(buf).strip())
            buf = []
        i += 1
    if "".join(buf).strip():
        out.append("".join(buf).strip())
    return out


def run_script(conn, script):
    """Runs `aikg export --to cypher --dialect kuzu` output, statement by statement."""
    for n, stmt in enumerate(statements(script), 1):
        try:
            conn.execute(stmt)
        except Exception as e:
            raise SystemExit(f"load: statement {n} of the Cypher export fails in Kùzu: {e}\n  {stmt[:300]}")


def load_kuzu(doc, db_dir, verbose=False, script=None):
    """Creates and fills the database, by running `script` (aikg's Kùzu export) when given, by
    parameterised statements otherwise; then checks every value against `doc`. Returns
    (database, connection, columns per table)."""
    # 2 GiB: LadybugDB 0.22's undirected shortest path over six hops (bittensor-to-asml) filled a
    # 512 MiB pool once the data passed 1,600 edges.
    db = kuzu.Database(os.path.join(db_dir, "aikg.kz"), buffer_pool_size=2048 * 1024 * 1024)
    conn = kuzu.Connection(db)
    conn.set_max_threads_for_exec(1)  # stable collect() and tie order
    if script is not None:
        run_script(conn, script)

    kinds = {k["id"]: k for k in doc["kinds"]}
    node_cols = {}
    for kid, kind in kinds.items():
        cols = list(NODE_BASE_COLUMNS)
        base = {c for c, _ in cols}
        for key, decl in sorted((kind.get("props") or {}).items()):
            if key in base:
                raise SystemExit(f"load: kind {kid}: prop {key} clashes with a node field")
            if decl not in DECLARED_TYPES:
                raise SystemExit(f"load: kind {kid}: prop {key}: unknown type {decl!r}")
            cols.append((key, DECLARED_TYPES[decl]))
        node_cols[kid] = cols
        ddl = ", ".join(f"{q(c)} {t}" for c, t in cols)
        if script is None:
            conn.execute(f"CREATE NODE TABLE {q(kid)}({ddl}, PRIMARY KEY({q('id')}))")

    conn.execute("BEGIN TRANSACTION")  # one commit for the whole load (much faster)
    kind_of = {}
    for n in doc["nodes"]:
        kid = n["kind"]
        if kid not in kinds:
            raise SystemExit(f"load: node {n['id']}: unknown kind {kid}")
        if n["id"] in kind_of:
            raise SystemExit(f"load: duplicate node id {n['id']}")
        kind_of[n["id"]] = kid
    for kid, cols in node_cols.items():
        if script is not None:
            break
        names = [c for c, _ in cols]
        stmt = (
            f"CREATE (:{q(kid)} {{" + ", ".join(f"{q(c)}: $p{i}" for i, c in enumerate(names)) + "})")
        for n in doc["nodes"]:
            if n["kind"] != kid:
                continue
            props = n.get("props") or {}
            unknown = set(props) - set(names)
            if unknown:
                raise SystemExit(f"load: node {n['id']}: props {sorted(unknown)} not declared by {kid}")
            params = {}
            for i, (c, t) in enumerate(cols):
                v = props.get(c) if i >= len(NODE_BASE_COLUMNS) else n.get(c)
                if c in ("aliases", "tags") and v is None:
                    v = []
                params[f"p{i}"] = coerce(v, t, f"node {n['id']}.{c}")
            conn.execute(stmt, params)

    edge_types = infer_edge_prop_types(doc["edges"])
    base = {c for c, _ in EDGE_BASE_COLUMNS}
    for k in edge_types:
        if k in base or k == "_eid":
            raise SystemExit(f"load: edge prop {k} clashes with an edge field")
    edge_cols = list(EDGE_BASE_COLUMNS) + sorted(edge_types.items()) + [("_eid", "INT64")]
    pairs = defaultdict(set)
    for e in doc["edges"]:
        for end in ("from", "to"):
            if e[end] not in kind_of:
                raise SystemExit(f"load: edge {e['from']} -{e['rel']}-> {e['to']}: no node {e[end]}")
        pairs[e["rel"]].add((kind_of[e["from"]], kind_of[e["to"]]))
    rel_ids = [r["id"] for r in doc["relations"]]
    for e in doc["edges"]:
        if e["rel"] not in rel_ids:
            raise SystemExit(f"load: edge {e['from']} -> {e['to']}: unknown relation {e['rel']}")
    ddl_cols = ", ".join(f"{q(c)} {t}" for c, t in edge_cols)
    for r in doc["relations"]:
        used = sorted(pairs.get(r["id"], ()))
        if not used:  # keep the table so that queries naming the relation bind (and match nothing)
            used = [(f, t) for f in r["from"] for t in r["to"]][:1]
        if script is None:
            conn.execute(f"CREATE REL TABLE {q(r['id'])}("
                         + ", ".join(f"FROM {q(f)} TO {q(t)}" for f, t in used) + f", {ddl_cols})")
        elif r["id"] in pairs:
            # The export has no edge ids; number the edges as the JSON lists them.
            conn.execute("COMMIT")
            conn.execute(f"ALTER TABLE {q(r['id'])} ADD _eid INT64 DEFAULT -1")
            conn.execute("BEGIN TRANSACTION")

    stmts = {}
    names = [c for c, _ in edge_cols]
    for i, e in enumerate(doc["edges"]):
        key = (e["rel"], kind_of[e["from"]], kind_of[e["to"]])
        if script is not None:
            same_as_of = "r.as_of = $as_of" if e.get("as_of") else "r.as_of IS NULL"
            params = {"from": e["from"], "to": e["to"], "i": i}
            if e.get("as_of"):
                params["as_of"] = e["as_of"]
            conn.execute(f"MATCH (a:{q(key[1])} {{id: $from}})-[r:{q(key[0])}]->(b:{q(key[2])} {{id: $to}}) "
                         f"WHERE {same_as_of} SET r._eid = $i", params)
            continue
        if key not in stmts:
            stmts[key] = (
                f"MATCH (a:{q(key[1])} {{id: $from}}), (b:{q(key[2])} {{id: $to}}) "
                f"CREATE (a)-[:{q(key[0])} {{" + ", ".join(f"{q(c)}: $p{j}" for j, c in enumerate(names))
                + "}]->(b)")
        params = {"from": e["from"], "to": e["to"]}
        props = e.get("props") or {}
        for j, (c, t) in enumerate(edge_cols):
            if c == "_eid":
                v = i
            elif j < len(EDGE_BASE_COLUMNS):
                v = coerce(e.get(c), t, f"edge {e['from']}-{e['rel']}->{e['to']}.{c}")
            else:
                v = edge_prop_value(props.get(c), t)
            params[f"p{j}"] = v
        conn.execute(stmts[key], params)
    conn.execute("COMMIT")

    # Counts must match the export exactly, and every value must read back as exported.
    want_nodes = Counter(n["kind"] for n in doc["nodes"])
    want_edges = Counter(e["rel"] for e in doc["edges"])
    problems = []
    for kid in kinds:
        if script is not None and not want_nodes.get(kid):
            continue  # aikg's script makes a table only for the kinds in use
        got = conn.execute(f"MATCH (n:{q(kid)}) RETURN count(*)").get_next()[0]
        if got != want_nodes.get(kid, 0):
            problems.append(f"{kid}: {got} nodes in Kùzu, {want_nodes.get(kid, 0)} in the export")
    for rid in rel_ids:
        if script is not None and not want_edges.get(rid):
            continue  # a relation with no edges has no table when no two kinds in use fit it
        got = conn.execute(f"MATCH ()-[r:{q(rid)}]->() RETURN count(*)").get_next()[0]
        if got != want_edges.get(rid, 0):
            problems.append(f"{rid}: {got} edges in Kùzu, {want_edges.get(rid, 0)} in the export")
    total_n = conn.execute("MATCH (n) RETURN count(*)").get_next()[0]
    total_e = conn.execute("MATCH ()-[r]->() RETURN count(*)").get_next()[0]
    eids = conn.execute("MATCH ()-[r]->() RETURN count(DISTINCT r._eid)").get_next()[0]
    if total_n != len(doc["nodes"]) or total_e != len(doc["edges"]) or eids != len(doc["edges"]):
        problems.append(f"totals: {total_n} nodes / {total_e} edges / {eids} edge ids in Kùzu, "
                        f"{len(doc['nodes'])} / {len(doc['edges'])} in the export")
    by_id = {n["id"]: n for n in doc["nodes"]}
    res = conn.execute("MATCH (n) RETURN n")
    while res.has_next():
        got = lower_internal(res.get_next()[0])
        nid, label = got["id"], got["_label"]
        if kind_of.get(nid) != label:
            problems.append(f"node {nid}: label {label} in Kùzu, kind {kind_of.get(nid)} in the export")
            continue
        n = by_id[nid]
        for i, (c, _t) in enumerate(node_cols[label]):
            want = (n.get("props") or {}).get(c) if i >= len(NODE_BASE_COLUMNS) else n.get(c)
            if c in ("aliases", "tags") and want is None:
                want = []
            if not same(got.get(c), want):
                problems.append(f"node {nid}.{c}: {got.get(c)!r} in Kùzu, {want!r} in the export")
        if script is not None and got.get("sources") != n["sources"]:
            problems.append(f"node {nid}.sources: {got.get('sources')!r} in Kùzu, {n['sources']!r} in the export")
    res = conn.execute("MATCH (a)-[r]->(b) RETURN r, a.id, b.id")
    while res.has_next():
        r, a, b = res.get_next()
        r = lower_internal(r)
        e = doc["edges"][r["_eid"]]
        if (e["from"], e["rel"], e["to"]) != (a, r["_label"], b):
            problems.append(f"edge {r['_eid']}: {a}-[{r['_label']}]->{b} in Kùzu, "
                            f"{e['from']}-[{e['rel']}]->{e['to']} in the export")
            continue
        for j, (c, t) in enumerate(edge_cols[:-1]):
            want = e.get(c) if j < len(EDGE_BASE_COLUMNS) else edge_prop_value((e.get("props") or {}).get(c), t)
            if not same(r.get(c), want):
                problems.append(f"edge {r['_eid']}.{c}: {r.get(c)!r} in Kùzu, {want!r} in the export")
        if script is not None and r.get("sources") != e["sources"]:
            problems.append(f"edge {r['_eid']}.sources: {r.get('sources')!r} in Kùzu, {e['sources']!r} in the export")
    if problems:
        raise SystemExit("load: Kùzu differs from the export:\n  " + "\n  ".join(problems[:20]))
    if verbose:
        print(f"loaded {total_n} nodes in {len(kinds)} node tables, {total_e} edges in "
              f"{len(rel_ids)} rel tables ({sum(len(p) for p in pairs.values())} FROM/TO pairs), "
              f"{len(edge_types)} edge prop columns", file=sys.stderr)
    schema = {"node": {kid: {c for c, _ in cols} for kid, cols in node_cols.items()},
              "edge": {c for c, _ in edge_cols}}
    if script is not None:  # the export adds a `sources` list to every node and edge
        for cols in schema["node"].values():
            cols.add("sources")
        schema["edge"].add("sources")
    return db, conn, schema


# --------------------------------------------------------------------------------------------
# Rewriting a query for Kùzu
# --------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"""
  (?P<ws>\s+)
| (?P<comment>//[^\n]*|/\*.*?\*/)
| (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
| (?P<ident>`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_]*)
| (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
| (?P<param>\$(?:[A-Za-z_][A-Za-z0-9_]*|\d+))
| (?P<op><>|<=|>=|=~|\.\.|->|<-|[-+*/%^=<>(){}\[\],.:|;!])
""", re.X | re.S)


class Tok:
    __slots__ = ("kind", "text", "orig", "pre", "post")

    def __init__(self, kind, text):
        self.kind, self.text, self.orig, self.pre, self.post = kind, text, text, "", ""

    def up(self):
        return self.text.upper() if self.kind == "ident" else None

    def __repr__(self):
        return f"Tok({self.kind},{self.text!r})"


def tokenize(src):
    toks, pos = [], 0
    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if not m:
            raise ValueError(f"cannot tokenize at {src[pos:pos + 20]!r}")
        toks.append(Tok(m.lastgroup, m.group()))
        pos = m.end()
    return toks


class Query:
    """Tokens of a query plus bracket matching over the significant (non-blank) ones."""

    def __init__(self, src):
        self.toks = tokenize(src)
        self.sig = [t for t in self.toks if t.kind not in ("ws", "comment")]
        self.match = {}
        stack = []
        for i, t in enumerate(self.sig):
            if t.kind == "op" and t.text in "([{":
                stack.append(i)
            elif t.kind == "op" and t.text in ")]}":
                if not stack:
                    raise ValueError(f"unbalanced {t.text}")
                j = stack.pop()
                self.match[j], self.match[i] = i, j
        if stack:
            raise ValueError("unbalanced brackets")
        self.depth = []
        d = 0
        for t in self.sig:
            if t.kind == "op" and t.text in ")]}":
                d -= 1
            self.depth.append(d)
            if t.kind == "op" and t.text in "([{":
                d += 1

    def text(self, drop_comments=True):
        out = []
        for t in self.toks:
            if t.kind == "comment" and drop_comments:
                out.append(" ")
            else:
                out.append(t.pre + t.text + t.post)
        return "".join(out)

    def is_op(self, i, *ops):
        return 0 <= i < len(self.sig) and self.sig[i].kind == "op" and self.sig[i].text in ops

    def kw(self, i):
        """The upper-case keyword at significant index i if it is a clause keyword at depth 0."""
        t = self.sig[i]
        if t.kind != "ident" or t.text.startswith("`") or self.depth[i] != 0:
            return None
        if i > 0 and self.is_op(i - 1, "."):
            return None
        u = t.text.upper()
        if u == "WITH" and i > 0 and self.sig[i - 1].up() in ("STARTS", "ENDS"):
            return None
        if u in ("MATCH", "OPTIONAL", "WHERE", "WITH", "RETURN", "UNWIND", "ORDER", "SKIP",
                 "LIMIT", "UNION", "CALL"):
            return u
        return None


CLAUSE_END = {"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL"}


def match_clauses(qy):
    """(pattern_start, pattern_end, where_index or None, where_end) per MATCH clause, as
    significant-token index ranges [start, end)."""
    out = []
    n = len(qy.sig)
    for i in range(n):
        if qy.kw(i) != "MATCH":
            continue
        j = i + 1
        while j < n and qy.kw(j) not in CLAUSE_END | {"WHERE"}:
            j += 1
        if j < n and qy.kw(j) == "WHERE":
            k = j + 1
            while k < n and qy.kw(k) not in CLAUSE_END:
                k += 1
            out.append((i + 1, j, j, k))
        else:
            out.append((i + 1, j, None, j))
    return out


def parse_range(toks):
    """(lo, hi, a bound was implicit) of the tokens after `*` in a relationship pattern, with
    aikg's defaults (lower 1, upper DEFAULT_MAX_HOPS)."""
    texts = [t.text for t in toks]
    if not texts:
        return 1, DEFAULT_MAX_HOPS, True
    if len(texts) == 1 and toks[0].kind == "num":
        return int(texts[0]), int(texts[0]), False
    if len(texts) == 3 and texts[1] == ".." and toks[0].kind == toks[2].kind == "num":
        return int(texts[0]), int(texts[2]), False
    if len(texts) == 2 and texts[0] == ".." and toks[1].kind == "num":
        return 1, int(texts[1]), True
    if len(texts) == 2 and texts[1] == ".." and toks[0].kind == "num":
        return int(texts[0]), DEFAULT_MAX_HOPS, True
    raise ValueError(f"cannot read the range *{''.join(texts)}")


def pattern_variables(qy):
    """Node variables -> set of labels (None: any label), relationship variables -> whether
    variable-length, from the MATCH patterns (before any rewrite)."""
    sig = qy.sig
    nodes, rels = {}, {}
    for p_start, p_end, _w, _we in match_clauses(qy):
        for i in range(p_start, p_end):
            if qy.is_op(i, "(") and not (i > 0 and sig[i - 1].kind == "ident" and qy.kw(i - 1) is None):
                j = i + 1
                var = None
                if sig[j].kind == "ident":
                    var = sig[j].text
                    j += 1
                if not (qy.is_op(j, ":", ")", "{")):
                    continue
                labels = set()
                while j < qy.match[i] and not qy.is_op(j, "{", ")"):
                    if sig[j].kind == "ident":
                        labels.add(sig[j].text.strip("`"))
                    j += 1
                if var is not None:
                    if var not in nodes or nodes[var] is None:
                        nodes[var] = labels or None
                    elif labels:
                        nodes[var] = nodes[var] & labels
            elif qy.is_op(i, "[") and qy.is_op(i - 1, "-", "<-") and sig[i + 1].kind == "ident":
                close = qy.match[i]
                rels[sig[i + 1].text] = any(qy.is_op(k, "*") for k in range(i + 1, close))
    return nodes, rels


def rewrite_for_kuzu(src, schema=None):
    """The Kùzu version of an aikg query, and the names of the rewrites applied. With the schema
    (from load_kuzu), property reads Kùzu would reject are replaced by NULL (MISSING-PROP)."""
    qy = Query(src)
    sig, used = qy.sig, []
    node_vars, rel_vars = pattern_variables(qy)

    counter = [0]

    def fresh():
        counter[0] += 1
        return f"__r{counter[0]}"

    def use(name):
        assert name in REWRITES, name
        if name not in used:
            used.append(name)

    # Properties a variable's tables do not have: NULL in aikg, a binder error in Kùzu.
    if schema is not None:
        for i in range(len(sig) - 2):
            t = sig[i]
            if (t.kind != "ident" or not qy.is_op(i + 1, ".") or sig[i + 2].kind != "ident"
                    or (i > 0 and qy.is_op(i - 1, "."))):
                continue
            key = sig[i + 2].text.strip("`")
            if t.text in node_vars:
                labels = node_vars[t.text]
                tables = labels if labels is not None else schema["node"].keys()
                have = set().union(*(schema["node"].get(lb, set()) for lb in tables)) if tables else set()
            elif t.text in rel_vars:
                have = schema["edge"] - {"_eid"}
            else:
                continue
            if key not in have:
                t.text, sig[i + 1].text, sig[i + 2].text = "NULL", "", ""
                use("MISSING-PROP")

    # shortestPath(...) / allShortestPaths(...) wrappers: remember their span, drop the wrapper.
    shortest_span = {}  # significant index of '(' of the pattern region -> mode
    for i, t in enumerate(sig):
        u = t.up()
        if u in ("SHORTESTPATH", "ALLSHORTESTPATHS") and qy.is_op(i + 1, "("):
            close = qy.match[i + 1]
            mode = "SHORTEST" if u == "SHORTESTPATH" else "ALL SHORTEST"
            for k in range(i + 2, close):
                shortest_span[k] = mode
            t.text, sig[i + 1].text, sig[close].text = "", "", ""
            use("SHORTEST")

    # Node label unions: `|` directly inside parentheses.
    for i, t in enumerate(sig):
        if qy.is_op(i, "|") and qy.depth[i] > 0:
            # innermost opening bracket
            j = i - 1
            while j >= 0 and not (qy.is_op(j, "(", "[", "{") and qy.match[j] > i):
                j -= 1
            node_pattern = j >= 0 and sig[j].text == "(" and (
                qy.is_op(j + 1, ":") or (sig[j + 1].kind == "ident" and qy.is_op(j + 2, ":")))
            if node_pattern:
                t.text = ":"
                if qy.is_op(i + 1, ":"):
                    sig[i + 1].text = ""
                use("LABEL-UNION")

    # Relationship patterns, clause by clause.
    for p_start, p_end, where_i, where_end in match_clauses(qy):
        fixed, varlen = [], []
        i = p_start
        while i < p_end:
            t = sig[i]
            # bracketless relationship: ')' '-' '-' '(' , ')' '-' '->' '(' , ')' '<-' '-' '('
            if (qy.is_op(i, "-", "<-") and qy.is_op(i - 1, ")") and qy.is_op(i + 1, "-", "->")
                    and qy.is_op(i + 2, "(")):
                name = fresh()
                t.post += f"[{name}]"
                fixed.append(name)
                i += 2
                continue
            if qy.is_op(i, "[") and qy.is_op(i - 1, "-", "<-"):
                close = qy.match[i]
                inner = list(range(i + 1, close))
                k = 0
                var = None
                if k < len(inner) and sig[inner[k]].kind == "ident":
                    var = sig[inner[k]].text
                    k += 1
                types_start = k
                while k < len(inner) and not qy.is_op(inner[k], "*", "{"):
                    k += 1
                types = "".join(sig[x].text for x in inner[types_start:k])
                star = None
                if k < len(inner) and qy.is_op(inner[k], "*"):
                    k += 1
                    r0 = k
                    while k < len(inner) and not qy.is_op(inner[k], "{"):
                        k += 1
                    star = parse_range([sig[x] for x in inner[r0:k]])
                props = " ".join(sig[x].text for x in inner[k:])
                if var is None:
                    var = fresh()
                mode = shortest_span.get(i)
                if star is None and mode:
                    star = (1, 1, False)
                body = var + types
                if star is not None:
                    lo, hi, implicit = star
                    if mode:
                        body += f"* {mode} {max(lo, 1)}..{hi}"
                    else:
                        body += f"* TRAIL {lo}..{hi}"
                        use("TRAIL")
                    if implicit:
                        use("BOUNDS")
                if props:
                    body += " " + props
                for x in inner:
                    sig[x].text = ""
                sig[i].post += body
                if not mode:
                    (varlen if star is not None else fixed).append(var)
                i = close + 1
                continue
            i += 1
        if len(fixed) + len(varlen) < 2:
            continue
        use("ISOMORPHISM")
        if not varlen:
            pred = " AND ".join(f"{a}._eid <> {b}._eid"
                                for x, a in enumerate(fixed) for b in fixed[x + 1:])
        else:
            parts = ([f"[{', '.join(r + '._eid' for r in fixed)}]"] if fixed else []) + \
                    [f"properties(rels({v}), '_eid')" for v in varlen]
            lst = parts[0]
            for p in parts[1:]:
                lst = f"list_concat({lst}, {p})"
            pred = f"size(list_distinct({lst})) = size({lst})"
        if where_i is not None:
            sig[where_i].post += " ("
            sig[where_end - 1].post += f") AND {pred}"
        else:
            sig[p_end - 1].post += f" WHERE {pred}"

    # Function rewrites.
    for i, t in enumerate(sig):
        if t.kind != "ident" or not qy.is_op(i + 1, "(") or (i > 0 and qy.is_op(i - 1, ".")):
            continue
        low = t.text.lower()
        close = qy.match[i + 1]
        if low == "labels":
            t.text = "label"
            t.pre = "[" + t.pre
            sig[close].post += "]"
            use("labels()")
        elif low == "id":
            arg = sig[i + 2:close]
            if len(arg) == 1 and arg[0].kind == "ident":
                t.text, sig[i + 1].text, sig[close].text = "", "", ""
                arg[0].post += "._eid" if arg[0].text in rel_vars else ".id"
            else:
                t.text = ""
                sig[close].post += ".id"
            use("id()")
        elif low == "tointeger":
            arg = "".join(x.pre + x.text + x.post for x in sig[i + 2:close])
            d = f"to_double({arg})"
            t.text = f"CAST(CASE WHEN {d} < 0 THEN ceil({d}) ELSE floor({d}) END AS INT64"
            for x in sig[i + 1:close]:
                x.text, x.pre, x.post = "", "", ""
            use("toInteger()")
        elif low in ("size", "length") and close == i + 3 and sig[i + 2].kind == "ident" \
                and rel_vars.get(sig[i + 2].text):
            t.text = "length"
            use("VARREL-SIZE")
        elif low == "keys" and schema is not None and close == i + 3 and sig[i + 2].kind == "ident":
            var = sig[i + 2].text
            if var in rel_vars:
                cols = schema["edge"]
            else:
                labels = node_vars.get(var) or schema["node"].keys()
                cols = set().union(*(schema["node"].get(lb, set()) for lb in labels))
            cols = sorted(cols - {"_eid"})
            items = ", ".join(f"CASE WHEN {var}.{q(c)} IS NULL THEN NULL ELSE '{c}' END" for c in cols)
            t.text = f"list_filter([{items}], __k -> __k IS NOT NULL)"
            for x in sig[i + 1:close + 1]:
                x.text, x.pre, x.post = "", "", ""
            use("keys()")
        elif low in EMPTY_AGGREGATES:
            default, name = EMPTY_AGGREGATES[low]
            t.pre = "coalesce(" + t.pre
            sig[close].post += f", {default})"
            use(name)
        elif low in FUNCTION_RENAMES:
            new, name = FUNCTION_RENAMES[low]
            t.text = new
            use(name)

    # List comprehensions, innermost first, from the already rewritten tokens.
    at = {id(t): k for k, t in enumerate(qy.toks)}

    def seg(a, b):
        """The current text of significant tokens a..b-1 and the blanks between them."""
        if a >= b:
            return ""
        lo, hi = at[id(sig[a])], at[id(sig[b - 1])]
        return "".join(t.pre + t.text + t.post for t in qy.toks[lo:hi + 1]).strip()

    opens = [i for i in range(len(sig) - 2)
             if qy.is_op(i, "[") and sig[i + 1].kind == "ident" and sig[i + 2].up() == "IN"]
    for i in reversed(opens):
        close, d = qy.match[i], qy.depth[i] + 1
        where = bar = None
        for k in range(i + 3, close):
            if qy.depth[k] != d:
                continue
            if where is None and bar is None and sig[k].up() == "WHERE":
                where = k
            elif bar is None and qy.is_op(k, "|"):
                bar = k
        var = sig[i + 1].text
        expr = seg(i + 3, where or bar or close)
        if where is not None:
            expr = f"list_filter({expr}, {var} -> {seg(where + 1, bar or close)})"
        if bar is not None:
            expr = f"list_transform({expr}, {var} -> {seg(bar + 1, close)})"
        lo, hi = at[id(sig[i])], at[id(sig[close])]
        for t in qy.toks[lo:hi + 1]:
            t.text, t.pre, t.post = "", "", ""
        sig[i].text = expr
        use("LIST-COMP")

    # Kùzu: "In WITH clause, ORDER BY must be followed by SKIP or LIMIT".
    for kw_i in range(len(sig)):
        if qy.kw(kw_i) != "WITH":
            continue
        k, order_end, has_order, has_page = kw_i + 1, None, False, False
        while k < len(sig) and qy.kw(k) not in CLAUSE_END and not qy.is_op(k, ";"):
            if qy.kw(k) == "ORDER":
                has_order = True
            elif qy.kw(k) in ("SKIP", "LIMIT"):
                has_page = True
            elif qy.kw(k) == "WHERE" and has_order and order_end is None:
                order_end = k - 1
            k += 1
        if has_order and not has_page:
            sig[order_end if order_end is not None else k - 1].post += " SKIP 0"
            use("WITH-ORDER")

    out = qy.text().strip()
    if out.endswith(";"):
        out = out[:-1].rstrip()
    return out, used


PROJECTION_END = {"ORDER", "SKIP", "LIMIT", "WHERE", "MATCH", "OPTIONAL", "WITH", "RETURN",
                  "UNWIND", "UNION", "CALL"}


def projections(qy):
    """[(keyword, distinct, [(item token indices, name)], has ORDER BY)] for every WITH/RETURN
    and ('MATCH'|'UNWIND', ...) placeholders, in query order."""
    sig, out = qy.sig, []
    n = len(sig)
    for i in range(n):
        kw = qy.kw(i)
        if kw in ("MATCH", "UNWIND"):
            out.append((kw, False, [], False))
        if kw not in ("WITH", "RETURN"):
            continue
        j = i + 1
        distinct = j < n and sig[j].up() == "DISTINCT"
        if distinct:
            j += 1
        end = j
        while end < n and qy.kw(end) not in PROJECTION_END and not qy.is_op(end, ";"):
            end += 1
        ordered = False
        k = end
        while k < n and qy.kw(k) not in CLAUSE_END and not qy.is_op(k, ";"):
            if qy.kw(k) == "ORDER":
                ordered = True
            k += 1
        items, cur = [], []
        for x in range(j, end):
            if qy.is_op(x, ",") and qy.depth[x] == 0:
                items.append(cur)
                cur = []
            else:
                cur.append(x)
        if cur:
            items.append(cur)
        named = []
        for it in items:
            if len(it) >= 2 and sig[it[-2]].up() == "AS":
                nm = sig[it[-1]].orig
                nm = nm[1:-1].replace("``", "`") if nm.startswith("`") else nm
                named.append((it[:-2], nm))
            else:
                a, b = qy.toks.index(sig[it[0]]), qy.toks.index(sig[it[-1]])
                named.append((it, "".join(t.orig for t in qy.toks[a:b + 1])))
        out.append((kw, distinct, named, ordered))
    return out


def return_info(src):
    """(column names as aikg names them, final RETURN has ORDER BY, indices of the columns that
    hold a collect() list whose order the query leaves unspecified)."""
    qy = Query(src)
    sig = qy.sig
    unordered = set()      # names bound to an unordered collect() list
    prev_ordered = False   # the rows entering this clause come straight from WITH ... ORDER BY
    names, ordered, loose = [], False, []
    for kw, _distinct, items, has_order in projections(qy):
        if kw in ("MATCH", "UNWIND"):
            prev_ordered = False
            continue
        now = set()
        for toks, name in items:
            if (len(toks) >= 3 and sig[toks[0]].up() == "COLLECT" and qy.is_op(toks[1], "(")
                    and qy.match[toks[1]] == toks[-1]):
                if not prev_ordered:
                    now.add(name)
            elif len(toks) == 1 and sig[toks[0]].kind == "ident" and sig[toks[0]].orig in unordered:
                now.add(name)
        unordered, prev_ordered = now, has_order
        if kw == "RETURN":
            names = [nm for _, nm in items]
            ordered = has_order
            loose = [x for x, nm in enumerate(names) if nm in unordered]
    return names, ordered, loose


PARAMS_RE = re.compile(r"^\s*//\s*Params\s*:\s*(.*?)\s*$", re.I | re.M)


def read_params(src):
    """[(key, raw value)] from a `// Params: k=v, k2=v2` line."""
    m = PARAMS_RE.search(src)
    if not m:
        return []
    out = []
    for part in split_params(m.group(1)):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"bad parameter {part!r} (want k=v)")
        k, v = part.split("=", 1)
        out.append((k.strip(), v.strip()))
    return out


def split_params(s):
    """Split on commas outside quotes and brackets."""
    parts, cur, quote, depth = [], "", None, 0
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            cur += ch
        elif ch in "[":
            depth += 1
            cur += ch
        elif ch in "]":
            depth -= 1
            cur += ch
        elif ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def param_names(src):
    return {t.text for t in tokenize(src) if t.kind == "param"}


def param_value(raw):
    """The typed value of `--param k=raw`, as aikg reads it: an integer, a float, true/false,
    null, a quoted string (quotes removed), a [list] of these, else the raw text as a string."""
    s = raw.strip()
    if re.fullmatch(r"[-+]?\d+", s):
        return int(s)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", s):
        return float(s)
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    if s.lower() == "null":
        return None
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if s.startswith("[") and s.endswith("]"):
        return [param_value(x) for x in split_params(s[1:-1]) if x.strip()]
    return s


# --------------------------------------------------------------------------------------------
# Normalising and comparing rows
# --------------------------------------------------------------------------------------------

def internal_key(v):
    return (v["table"], v["offset"])


class Normaliser:
    """Kùzu Python values -> the values aikg prints in JSON (src/query/mod.rs `cell`): a node as
    its id string, a relationship as `from-[TYPE]->to`, a path as `a-[T]->b<-[U]-c` (aikg's JSON
    paths are objects; `to_plain` turns them into that text), a
    variable-length relationship as the list of its relationships, INT128 sums as ints."""

    def __init__(self, conn):
        self.ids = {}
        res = conn.execute("MATCH (n) RETURN id(n), n.id")
        while res.has_next():
            iid, slug = res.get_next()
            self.ids[internal_key(lower_internal(iid))] = slug

    def rel_text(self, r):
        return f"{self.ids[internal_key(r['_src'])]}-[{r['_label']}]->{self.ids[internal_key(r['_dst'])]}"

    def __call__(self, v):
        v = lower_internal(v)
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        if isinstance(v, list):
            return [self(x) for x in v]
        if isinstance(v, dict):
            if "_nodes" in v and "_rels" in v:
                nodes, rels = v["_nodes"], v["_rels"]
                if len(nodes) != len(rels) + 1:  # a variable-length relationship: inner nodes only
                    return [self.rel_text(r) for r in rels]
                cur = internal_key(nodes[0]["_id"])
                out = self.ids[cur]
                for r, n in zip(rels, nodes[1:]):
                    nxt = internal_key(n["_id"])
                    if internal_key(r["_src"]) == cur:
                        out += f"-[{r['_label']}]->{self.ids[nxt]}"
                    else:
                        out += f"<-[{r['_label']}]-{self.ids[nxt]}"
                    cur = nxt
                return out
            if "_src" in v and "_dst" in v:
                return self.rel_text(v)
            if "_label" in v and "_id" in v:
                return self.ids[internal_key(v["_id"])]
            # A map (LadybugDB's properties(n)): Kùzu tables have every column, so absent
            # properties are nulls here; aikg's maps hold the present ones only.
            return {k: self(x) for k, x in v.items() if x is not None and k != "_eid"}
        if isinstance(v, (str, int, float, bool)) or v is None:
            return v
        return str(v)


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same(a, b):
    if is_num(a) and is_num(b):
        if a == b:
            return True
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def shape(v):
    """A hashable key with numbers blanked out, to bucket rows before tolerant matching."""
    if is_num(v):
        return "#"
    if isinstance(v, list):
        return ("L",) + tuple(shape(x) for x in v)
    if isinstance(v, dict):
        return ("D",) + tuple((k, shape(v[k])) for k in sorted(v))
    return (type(v).__name__, v)


def multiset_diff(a_rows, b_rows):
    """(rows only in a, rows only in b), matching equal rows (within tolerance) one to one."""
    buckets = defaultdict(list)
    for idx, r in enumerate(b_rows):
        buckets[shape(r)].append(idx)
    used = set()
    only_a = []
    for r in a_rows:
        hit = None
        for idx in buckets.get(shape(r), ()):
            if idx not in used and same(r, b_rows[idx]):
                hit = idx
                break
        if hit is None:
            only_a.append(r)
        else:
            used.add(hit)
    only_b = [r for i, r in enumerate(b_rows) if i not in used]
    return only_a, only_b


def sorted_lists(v):
    """v with every list sorted (for the 'differs only in list order' hint)."""
    if isinstance(v, list):
        return sorted((sorted_lists(x) for x in v), key=lambda x: json.dumps(x, sort_keys=True))
    if isinstance(v, dict):
        return {k: sorted_lists(x) for k, x in v.items()}
    return v


def sort_key(v):
    if is_num(v):
        return (0, float(v), "")
    if isinstance(v, str):
        return (1, 0.0, v)
    if isinstance(v, bool):
        return (2, float(v), "")
    if v is None:
        return (3, 0.0, "")
    return (4, 0.0, json.dumps(v, sort_keys=True, default=str))


def loosen(rows, loose):
    """Rows with the lists in the `loose` columns sorted (compared as multisets)."""
    if not loose:
        return rows
    out = []
    for r in rows:
        r = list(r)
        for x in loose:
            if x < len(r) and isinstance(r[x], list):
                r[x] = sorted(r[x], key=sort_key)
        out.append(r)
    return out


def fmt(row, width=160):
    s = json.dumps(row, ensure_ascii=False, default=str)
    return s if len(s) <= width else s[:width - 3] + "..."


def compare(kz_rows, ak_rows, ordered):
    """None if equal, else a short diff (list of lines)."""
    if ordered:
        if len(kz_rows) == len(ak_rows) and all(same(a, b) for a, b in zip(kz_rows, ak_rows)):
            return None
    only_k, only_a = multiset_diff(kz_rows, ak_rows)
    if not ordered and not only_k and not only_a:
        return None
    lines = [f"{len(kz_rows)} rows in Kùzu, {len(ak_rows)} in aikg"]
    if ordered and not only_k and not only_a:
        first = next(i for i, (a, b) in enumerate(zip(kz_rows, ak_rows)) if not same(a, b))
        lines.append(f"same rows in another order (ties in ORDER BY?); first difference at row "
                     f"{first}: kuzu {fmt(kz_rows[first])} / aikg {fmt(ak_rows[first])}")
        return lines
    if only_k and only_a and len(only_k) == len(only_a) and all(
            same(sorted_lists(a), sorted_lists(b)) for a, b in zip(
                sorted(only_k, key=lambda r: json.dumps(sorted_lists(r), sort_keys=True, default=str)),
                sorted(only_a, key=lambda r: json.dumps(sorted_lists(r), sort_keys=True, default=str)))):
        lines.append("rows differ only in the order inside list values (collect() order?)")
    if ordered:
        first = next((i for i, (a, b) in enumerate(zip(kz_rows, ak_rows)) if not same(a, b)),
                     min(len(kz_rows), len(ak_rows)))
        lines.append(f"first difference at row {first}")
    for r in only_k[:3]:
        lines.append(f"only in Kùzu: {fmt(r)}")
    if len(only_k) > 3:
        lines.append(f"... and {len(only_k) - 3} more only in Kùzu")
    for r in only_a[:3]:
        lines.append(f"only in aikg: {fmt(r)}")
    if len(only_a) > 3:
        lines.append(f"... and {len(only_a) - 3} more only in aikg")
    return lines


# --------------------------------------------------------------------------------------------
# Running both engines
# --------------------------------------------------------------------------------------------

def run_kuzu(conn, norm, kquery, params):
    res = conn.execute(kquery, params)
    cols = res.get_column_names()
    rows = []
    while res.has_next():
        rows.append([norm(v) for v in res.get_next()])
    return cols, rows


def run_aikg(exe, data, path, params):
    cmd = [exe] + (["--data", data] if data else []) + ["query", "-f", path, "--format", "json"]
    for k, v in params:
        cmd += ["--param", f"{k}={v}"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        err = out.stderr.strip()[:600].replace("\n", "\n    ")
        raise RuntimeError(f"exit {out.returncode}: {err}")
    return json.loads(out.stdout, object_pairs_hook=list)


def aikg_rows(raw, names):
    """aikg's JSON rows (lists of key/value pairs, order kept) as lists in RETURN order, plus a
    note when the keys are not the RETURN column names."""
    note = None
    rows = []
    for obj in raw:
        if not isinstance(obj, list):
            raise RuntimeError(f"aikg row is not an object: {obj!r}")
        keys = [k for k, _ in obj]
        d = dict(obj)
        if sorted(keys) == sorted(names):
            rows.append([to_plain(d[n]) for n in names])
        else:
            if note is None:
                note = f"aikg keys {keys} are not the RETURN columns {names}; compared by position"
            rows.append([to_plain(v) for _, v in obj])
    return rows, note


def to_plain(v):
    """JSON decoded with object_pairs_hook=list back to dicts (only for row values); a path, which
    aikg's JSON gives as its nodes and relationships, as the text `a-[T]->b<-[U]-c` the engines'
    paths are normalised to."""
    if isinstance(v, list) and v and all(isinstance(x, tuple) and len(x) == 2 for x in v):
        d = {k: to_plain(x) for k, x in v}
        return path_text(d) if is_path(d) else d
    if isinstance(v, list):
        return [to_plain(x) for x in v]
    return v


def is_path(d):
    """Whether a JSON object is an aikg path: {"nodes": [...], "relationships": [...]}."""
    return (set(d) == {"nodes", "relationships"} and isinstance(d["nodes"], list) and d["nodes"]
            and all(isinstance(n, dict) and "labels" in n for n in d["nodes"]))


def path_text(p):
    """An aikg JSON path as `a-[T]->b<-[U]-c` (src/query/mod.rs `path_text`)."""
    ids = [n["id"] for n in p["nodes"]]
    s = ids[0]
    for i, r in enumerate(p["relationships"]):
        nxt = ids[i + 1] if i + 1 < len(ids) else r["end"]
        s += f"-[{r['type']}]->{nxt}" if r["end"] == nxt else f"<-[{r['type']}]-{nxt}"
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aikg", default="target/release/aikg", help="the aikg binary")
    ap.add_argument("--data", help="dataset folder passed to aikg as --data")
    ap.add_argument("--queries", default="queries", help="folder of *.cypher files")
    ap.add_argument("--only", nargs="*", help="only these query files (names or stems)")
    ap.add_argument("--kuzu-only", action="store_true",
                    help="run the queries in Kùzu only and print their rows (no comparison)")
    ap.add_argument("--show-rewrite", action="store_true", help="print each Kùzu query")
    ap.add_argument("--list-rewrites", action="store_true", help="print the rewrite table and exit")
    ap.add_argument("--keep-db", metavar="DIR", help="build the Kùzu database in DIR and keep it")
    ap.add_argument("--load-only", action="store_true",
                    help="load the Cypher export into Kùzu, check every value, run no query")
    ap.add_argument("--engine", choices=sorted(ENGINES), default="kuzu",
                    help="Kùzu 0.11.3 (archived) or LadybugDB, its maintained fork")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    load_engine(args.engine)
    known = KNOWN_DIFFERENCES[args.engine]
    if args.list_rewrites:
        for k, v in REWRITES.items():
            print(f"{k:16} {v}")
        return 0

    exe = args.aikg
    cmd = [exe] + (["--data", args.data] if args.data else []) + ["export", "--to", "json"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"aikg export failed: {' '.join(cmd)}\n{out.stderr}")
    doc = with_metrics(json.loads(out.stdout))
    cmd = [exe] + (["--data", args.data] if args.data else []) + ["export", "--to", "cypher", "--dialect", "kuzu"]
    # Bytes, decoded by hand: text mode would turn the carriage returns inside literals into newlines.
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode != 0:
        raise SystemExit(f"aikg export failed: {' '.join(cmd)}\n{out.stderr.decode()}")
    script = out.stdout.decode("utf-8")

    files = sorted(glob.glob(os.path.join(args.queries, "*.cypher")))
    if args.only:
        wanted = set(args.only)
        files = [f for f in files if os.path.basename(f) in wanted
                 or os.path.splitext(os.path.basename(f))[0] in wanted or f in wanted]

    tmp = None
    if args.keep_db:
        if os.path.exists(args.keep_db):
            shutil.rmtree(args.keep_db)
        os.makedirs(args.keep_db)
        db_dir = args.keep_db
    else:
        tmp = tempfile.TemporaryDirectory(prefix="aikg-kuzu-")
        db_dir = tmp.name
    passed = failed = known_seen = 0
    try:
        db, conn, schema = load_kuzu(doc, db_dir, args.verbose, script)
        conn.set_query_timeout(120_000)
        norm = Normaliser(conn)
        if args.load_only:
            print(f"{args.engine}: the Cypher export loads; {len(doc['nodes'])} nodes and "
                  f"{len(doc['edges'])} edges agree with the JSON export")
            return 0
        if not files:
            print(f"no *.cypher files in {args.queries}", file=sys.stderr)
        for path in files:
            name = os.path.basename(path)
            src = open(path, encoding="utf-8").read()
            try:
                params = read_params(src)
                kparams = {k: param_value(v) for k, v in params}
                kquery, used = rewrite_for_kuzu(src, schema)
                names, ordered, loose = return_info(src)
            except Exception as e:  # a query the rewriter cannot read: a failure, not a skip
                print(f"MISMATCH {name}: cannot prepare the Kùzu query: {type(e).__name__}: {e}")
                failed += 1
                continue
            if args.show_rewrite or args.verbose:
                print(f"-- {name} [{', '.join(used) or 'no rewrite'}]\n{kquery}", file=sys.stderr)
            # Kùzu rejects a parameter the query does not use; aikg gets them all anyway.
            kparams = {k: v for k, v in kparams.items() if f"${k}" in param_names(kquery)}
            try:
                kcols, krows = run_kuzu(conn, norm, kquery, kparams)
            except Exception as e:  # Kùzu raises RuntimeError for every query error
                if name in known:
                    print(f"known    {name}: {known[name]} ({ENGINE} error: {str(e).splitlines()[0][:200]})")
                    known_seen += 1
                    continue
                print(f"MISMATCH {name}: {ENGINE} error: {str(e).splitlines()[0][:300]}")
                failed += 1
                continue
            if args.kuzu_only:
                print(f"kuzu {name}: {len(krows)} rows, columns {names or kcols}"
                      f"{' (ordered)' if ordered else ''}")
                for r in krows[:20]:
                    print("   ", fmt(r))
                continue
            try:
                raw = run_aikg(exe, args.data, path, params)
                arows, note = aikg_rows(raw, names)
            except Exception as e:
                print(f"MISMATCH {name}: aikg error: {str(e)[:400]}")
                failed += 1
                continue
            diff = compare(loosen(krows, loose), loosen(arows, loose), ordered)
            if diff is not None:
                diff = [d.replace("Kùzu", ENGINE) for d in diff]
            if name in known:
                if diff is None:
                    print(f"STALE    {name}: agrees, but is listed in KNOWN_DIFFERENCES")
                    failed += 1
                else:
                    print(f"known    {name}: {known[name]}\n    " + "\n    ".join(diff))
                    known_seen += 1
                continue
            if diff is None:
                passed += 1
                extra = f"; {note}" if note else ""
                if loose:
                    extra += "; collect() lists compared as multisets: " + \
                        ", ".join(names[x] for x in loose)
                print(f"ok       {name} ({len(krows)} rows{', ordered' if ordered else ''}{extra})")
            else:
                failed += 1
                print(f"MISMATCH {name}: " + ("\n    ".join(diff + ([note] if note else []))))
    finally:
        if tmp is not None:
            try:
                conn.close()
            except Exception:
                pass
            tmp.cleanup()
    if args.kuzu_only:
        return 0
    print(f"{args.engine}: {passed} passed, {failed} failed, {known_seen} known differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
