//! The supply analytics as Spark SQL scripts, generated from the definitions aikg itself uses:
//! the relation table of the schema (which relations carry supply, in which direction, which are
//! required inputs and for which kinds, which carry supply through), the kinds' lifecycles, the
//! rules of time (`analysis::time`: when a node exists, when an edge holds, who owns an acquired
//! node, which artifacts a walk spares) and the evidence policy. Only the data changes hands: the
//! script reads the tables `nodes`, `edges` and `sources` of the Parquet export.
//!
//! A script is a sequence of statements, each ending with `;` at the end of a line, some
//! preceded by a directive comment for the runner (`spark/aikg_spark.py`):
//!
//! - `-- aikg:fixpoint NAME KEYS`: the next two statements are a seed and a step. The runner
//!   starts NAME with the seed's rows and runs the step, which reads `aikg_frontier` (the rows
//!   added last round) and `aikg_reached` (every row so far), adding the rows whose KEYS are new,
//!   until a round adds none: a breadth-first walk, or a cascade, to its fixed point.
//! - `-- aikg:recursive NAME`: the same NAME computed by one `WITH RECURSIVE` query instead (the
//!   runner's `--recursive`; exact, but it walks every simple path, so for small graphs).
//! - `-- aikg:query`: the answer.
//!
//! Every other statement (`CREATE OR REPLACE TEMPORARY VIEW`) runs as it is.
//!
//! Days are strings `YYYY-MM-DD`, compared as strings, which orders them as [`Day`] does; a
//! partial date becomes the first or the last day of the period it names by [`first_day`] and
//! [`last_day`], the SQL form of `Day::first` and `Day::last` (the 31st stands for any month's
//! last day, as there).

use std::fmt::Write as _;

use crate::analysis::evidence::Policy;
use crate::analysis::supply::{Flow, DISTINCT_INPUT_KIND};
use crate::analysis::time::ACQUIRED;
use crate::model::{Day, Lifecycle, Schema, Supply, Tier};

/// An analytic to write as Spark SQL. Nodes are named by id.
#[derive(Debug, Clone, PartialEq)]
pub enum SparkQuery {
    /// Supply tiers from `start`, at most `depth` tiers.
    Tiers {
        /// The start node.
        start: String,
        /// Upstream or downstream.
        flow: Flow,
        /// At most this many tiers.
        depth: Option<usize>,
    },
    /// The verdict on every dependant of `failed` when it loses the fraction `cut` of its output.
    Impact {
        /// The node that fails.
        failed: String,
        /// The fraction of its output lost.
        cut: f64,
    },
    /// The length of the shortest path from `from` to `to`.
    Path {
        /// The start node.
        from: String,
        /// The end node.
        to: String,
        /// Whether steps go from a node to its suppliers only.
        upstream: bool,
        /// At most this many edges.
        max_len: Option<usize>,
        /// Relations a step may follow (empty: any).
        rels: Vec<String>,
        /// Nodes no path may pass through.
        avoid: Vec<String>,
        /// Layers inner nodes must be in.
        layers: Vec<String>,
    },
    /// HHI, top-1 and top-3 share of each market's latest point.
    Concentration,
}

/// The day a script views the graph on, as aikg's own commands do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every edge counts, whatever its dates (`--timeless`).
    Timeless,
    /// The data's own today: the newest date among its sources, computed by the script from the
    /// `sources` table (no `--as-of`).
    Today,
    /// `--as-of`: this day (the last day of the period given).
    On(Day),
}

/// The sentinel days of an ownership period with no start or no end.
const NEVER_BEFORE: &str = "'0000-00-00'";
const NEVER_AFTER: &str = "'9999-99-99'";

/// The SQL of `Day::first` on the string expression `c`: the first day of the period it names
/// (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), else NULL.
pub fn first_day(c: &str) -> String {
    day_sql(c, "-01-01", "-01")
}

/// The SQL of `Day::last` on `c`: the last day of the period it names (a month's is its 31st).
pub fn last_day(c: &str) -> String {
    day_sql(c, "-12-31", "-31")
}

fn day_sql(c: &str, year_tail: &str, month_tail: &str) -> String {
    // The length is checked as well: Java's `$` also matches before a final line break.
    const MONTH: &str = "(0[1-9]|1[0-2])";
    const DAY: &str = "(0[1-9]|[12][0-9]|3[01])";
    format!(
        "CASE WHEN length({c}) = 4 AND {c} RLIKE '^[0-9]{{4}}$' THEN concat({c}, '{year_tail}') \
         WHEN length({c}) = 7 AND {c} RLIKE '^[0-9]{{4}}-{MONTH}$' THEN concat({c}, '{month_tail}') \
         WHEN length({c}) = 10 AND {c} RLIKE '^[0-9]{{4}}-{MONTH}-{DAY}$' THEN {c} END"
    )
}

/// Whether a timed row (`lo`: first day, `hi`: last day, `own_hi`: the day its ends' ownership
/// changes) of alias `a` holds on the day expression `d`.
fn valid_on(a: &str, d: &str) -> String {
    format!(
        "({a}.lo IS NULL OR {a}.lo <= {d}) AND ({a}.hi IS NULL OR {d} <= {a}.hi) \
         AND ({a}.own_hi IS NULL OR {d} < {a}.own_hi)"
    )
}

/// A Spark SQL string literal.
fn lit(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| lit(i)).collect::<Vec<_>>().join(", ")
}

/// Why a walk spares a node, as the scripts write it (see `analysis::time::Spared`).
const BEFORE_IT_EXISTED: &str = "'before it existed'";
const NOT_IN_ITS_CHAIN: &str = "'not in its chain'";
const ALREADY_MADE: &str = "'already made'";

/// The script for `q` on the day `when`; `command` is the aikg command line it stands for (a
/// comment).
pub fn to_spark_sql(schema: &Schema, policy: Policy, when: When, q: &SparkQuery, command: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "-- {command}");
    let time = match when {
        When::Timeless => {
            "-- Every edge counts whatever its dates (aikg's --timeless): see docs/spark.md.".to_string()
        }
        When::Today => {
            "-- The graph as it stands on the data's today (its newest source date), under aikg's rules of\n\
                        -- time: see docs/spark.md."
                .to_string()
        }
        When::On(day) => {
            format!(
                "-- The graph as it stood on {day} (--as-of), under aikg's rules of time: see docs/spark.md."
            )
        }
    };
    let _ = writeln!(
        s,
        "-- Spark SQL generated by aikg from its schema, its rules of time and its evidence policy. It\n\
         -- reads the tables `nodes`, `edges` and `sources` of `aikg export --to parquet`; run it with\n\
         --   spark-submit spark/aikg_spark.py --data DIR --sql THIS_FILE\n{time}\n"
    );
    relations(&mut s, schema);
    edges(&mut s, policy);
    let timed = when != When::Timeless;
    if timed {
        kinds(&mut s, schema);
        day(&mut s, when);
        node_time(&mut s);
        edge_time(&mut s);
        if !matches!(q, SparkQuery::Concentration) {
            ownership(&mut s);
        }
    }
    match q {
        SparkQuery::Tiers { start, flow, depth } => {
            let on = match flow {
                Flow::Upstream if timed => {
                    walk_day(&mut s, start);
                    "aikg_walk_day"
                }
                _ => "aikg_day",
            };
            arcs(&mut s, timed, on);
            let st = lit(start);
            match flow {
                Flow::Upstream => {
                    walk(&mut s, "aikg_walk", start, *flow, *depth, false);
                    let _ = writeln!(
                        s,
                        "-- aikg:query\n-- Each node once, at its lowest tier.\n\
                         SELECT node AS id, MIN(tier) AS tier\nFROM aikg_walk\nWHERE node <> {st}\n\
                         GROUP BY node\nORDER BY tier, id;"
                    );
                }
                Flow::Downstream => {
                    spared_unreached(&mut s, start, timed);
                    walk(&mut s, "aikg_walk", start, *flow, *depth, true);
                    let _ = writeln!(
                        s,
                        "-- aikg:query\n-- Each node once, at its lowest tier, and why time spares it, if it does.\n\
                         SELECT w.node AS id, MIN(w.tier) AS tier, MAX(sp.reason) AS spared, MAX(sp.released) AS released\n\
                         FROM aikg_walk w LEFT JOIN aikg_spared sp ON sp.id = w.node\nWHERE w.node <> {st}\n\
                         GROUP BY w.node\nORDER BY tier, id;"
                    );
                }
            }
        }
        SparkQuery::Impact { failed, cut } => {
            arcs(&mut s, timed, "aikg_day");
            spared_made(&mut s, failed, timed);
            walk(&mut s, "aikg_walk", failed, Flow::Downstream, None, true);
            impact(&mut s, failed, *cut);
        }
        SparkQuery::Path { from, to, upstream, max_len, rels, avoid, layers } => {
            if *upstream {
                arcs(&mut s, timed, "aikg_day");
            }
            path(&mut s, timed, from, to, *upstream, *max_len, rels, avoid, layers)
        }
        SparkQuery::Concentration => concentration(&mut s, timed),
    }
    s
}

/// The relation table of the schema, as data.
fn relations(s: &mut String, schema: &Schema) {
    s.push_str(
        "-- The relations of the schema: supply direction (forward: `from` supplies `to`; reverse: `from`\n\
         -- depends on `to`), whether a downstream node requires it (for every kind, or for the kinds in\n\
         -- required_for), and whether supply that reached its upstream end flows on along it.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_relations AS\nSELECT * FROM VALUES\n",
    );
    let rows: Vec<String> = schema
        .relations
        .iter()
        .map(|r| {
            let supply = match r.supply {
                Some(Supply::Forward) => "'forward'".to_string(),
                Some(Supply::Reverse) => "'reverse'".to_string(),
                None => "CAST(NULL AS STRING)".to_string(),
            };
            let required_for = if r.required_for.is_empty() {
                "CAST(array() AS ARRAY<STRING>)".to_string()
            } else {
                format!("array({})", list(&r.required_for))
            };
            format!("  ({}, {supply}, {}, {required_for}, {})", lit(&r.id), r.required, r.carries)
        })
        .collect();
    s.push_str(&rows.join(",\n"));
    s.push_str("\n  AS t(rel, supply, required, required_for, carries);\n\n");
}

/// The kinds of the schema and how time treats their nodes (a node's own `lifecycle` overrides).
fn kinds(s: &mut String, schema: &Schema) {
    s.push_str(
        "-- The kinds of the schema and their lifecycle: a made-once artifact (a trained model) is walked\n\
         -- upstream as of its release; a produced one (a chip) exists from its release on; a service\n\
         -- lives from its start to its end.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_kinds AS\nSELECT * FROM VALUES\n",
    );
    let rows: Vec<String> =
        schema.kinds.iter().map(|k| format!("  ({}, '{}')", lit(&k.id), k.lifecycle.name())).collect();
    if rows.is_empty() {
        s.push_str("  (CAST(NULL AS STRING), CAST(NULL AS STRING))");
    }
    s.push_str(&rows.join(",\n"));
    s.push_str("\n  AS t(kind, lifecycle);\n\n");
}

/// The edges the evidence policy admits.
fn edges(s: &mut String, policy: Policy) {
    let tiers: Vec<String> =
        Tier::ALL.iter().filter(|t| **t >= policy.min_tier).map(|t| t.name().to_string()).collect();
    let unverified = if policy.include_unverified { " OR evidence IS NULL" } else { "" };
    let _ = writeln!(
        s,
        "-- The edges the evidence policy admits: --min-tier {}{}.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_edges AS\nSELECT * FROM edges\nWHERE evidence IN ({}){unverified};\n",
        policy.min_tier,
        if policy.include_unverified { " --include-unverified" } else { "" },
        list(&tiers)
    );
}

/// The day of the view, `aikg_day` (one row, one column `day`; NULL when the data has no dated
/// source, and then every edge counts, as in aikg).
fn day(s: &mut String, when: When) {
    let stamp = first_day("coalesce(date, retrieved)");
    let _ = match when {
        When::On(day) => writeln!(
            s,
            "-- The day of the view: --as-of, the last day of the period given.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_day AS SELECT '{day}' AS day;\n"
        ),
        _ => writeln!(
            s,
            "-- The day of the view: the data's today, the newest date (publication, else retrieval) among\n\
             -- its sources, so that the same data always gives the same answer.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_day AS\nSELECT MAX({stamp}) AS day FROM sources;\n"
        ),
    };
}

/// When each node exists (`lo`..`hi`, NULL for no bound), its lifecycle and, for a made-once
/// artifact, its release.
fn node_time(s: &mut String) {
    let service = Lifecycle::Service.name();
    let made_once = Lifecycle::MadeOnce.name();
    let _ = writeln!(
        s,
        "-- When each node exists: from the first day of its start to the last day of its end; an\n\
         -- artifact, once made, exists for ever (its end stops its making, not its use). A made-once\n\
         -- artifact's release is its start.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_node_time AS\n\
         SELECT id, kind, layer, lifecycle, {start} AS lo,\n\
         \x20      CASE WHEN lifecycle = '{service}' THEN {end} END AS hi,\n\
         \x20      CASE WHEN lifecycle = '{made_once}' THEN {start} END AS released\n\
         FROM (SELECT n.id, n.kind, n.layer, n.start, n.`end`, coalesce(n.lifecycle, k.lifecycle, '{service}') AS lifecycle\n\
         \x20     FROM nodes n LEFT JOIN aikg_kinds k ON k.kind = n.kind);\n",
        start = first_day("start"),
        end = last_day("`end`"),
    );
}

/// When each admitted edge holds (`begins`..`ends`), and with its ends' lifetimes (`lo0`..`hi0`).
fn edge_time(s: &mut String) {
    let service = Lifecycle::Service.name();
    let _ = writeln!(
        s,
        "-- The sources' days: published (first day of `date`), and dated (of `date`, else `retrieved`).\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_source_days AS\n\
         SELECT map_from_entries(collect_list(struct(id, {published}))) AS published,\n\
         \x20      map_from_entries(collect_list(struct(id, {dated}))) AS dated\n\
         FROM sources;\n\n\
         -- When each edge holds. It begins on its `since`, else on the day its figure refers to (`as_of`),\n\
         -- else, between two services, on its earliest source's date (its first report), or with no dated\n\
         -- source on the earliest day one was read (`retrieved`); an undated edge\n\
         -- to or from an artifact holds while the artifact exists. It ends on its `until`, or, `ended`\n\
         -- with no `until`, by its newest source's day; an `announced` edge never holds. lo0..hi0: the\n\
         -- days it and both its ends exist. eid: the edge's place in the export (the later of two\n\
         -- acquisitions of one node counts, as in aikg).\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_edge_time AS\n\
         SELECT t.*, greatest(t.begins, t.from_lo, t.to_lo) AS lo0, least(t.ends, t.from_hi, t.to_hi) AS hi0\n\
         FROM (\n\
         \x20 SELECT e.`from`, e.`to`, e.rel, e.share_pct, e.share_of, e.as_of, e.since, e.eid,\n\
         \x20        coalesce(e.status = 'announced', false) AS announced,\n\
         \x20        {as_of_first} AS as_of_first, {as_of_last} AS as_of_last,\n\
         \x20        coalesce({since},\n\
         \x20                 CASE WHEN nf.lifecycle <> '{service}' OR nt.lifecycle <> '{service}' THEN NULL\n\
         \x20                      ELSE coalesce(array_min(transform(e.sources, x -> try_element_at(sd.published, x))),\n\
         \x20                                array_min(transform(e.sources, x -> try_element_at(sd.dated, x)))) END) AS begins,\n\
         \x20        CASE WHEN e.until IS NOT NULL THEN {until}\n\
         \x20             WHEN e.status = 'ended' THEN array_max(transform(e.sources, x -> try_element_at(sd.dated, x))) END AS ends,\n\
         \x20        nf.lo AS from_lo, nf.hi AS from_hi, nt.lo AS to_lo, nt.hi AS to_hi\n\
         \x20 FROM (SELECT *, monotonically_increasing_id() AS eid FROM aikg_edges) e\n\
         \x20 CROSS JOIN aikg_source_days sd\n\
         \x20 LEFT JOIN aikg_node_time nf ON nf.id = e.`from`\n\
         \x20 LEFT JOIN aikg_node_time nt ON nt.id = e.`to`\n\
         ) t;\n",
        published = first_day("date"),
        dated = first_day("coalesce(date, retrieved)"),
        as_of_first = first_day("e.as_of"),
        as_of_last = last_day("e.as_of"),
        since = first_day("coalesce(e.since, e.as_of)"),
        until = last_day("e.until"),
    );
}

/// Ownership over time, and every edge between the nodes that own its ends on each day.
fn ownership(s: &mut String) {
    let at = first_day("coalesce(since, as_of)");
    let acquired = lit(ACQUIRED);
    let _ = writeln!(
        s,
        "-- Acquisitions: from its date (`since`, else `as_of`), an acquired node is part of its acquirer.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_acquired AS\n\
         SELECT x, owner, at, eid\n\
         FROM (SELECT `to` AS x, `from` AS owner, {at} AS at, eid FROM aikg_edge_time WHERE rel = {acquired})\n\
         WHERE x <> owner AND at IS NOT NULL;\n\n\
         -- Who owns each acquired node directly, and when (lo included, hi excluded): of its acquisitions\n\
         -- dated by a day, the one listed last.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_owned_by AS\n\
         SELECT a.x, a.owner, a.at AS lo, coalesce(MIN(b.at), {NEVER_AFTER}) AS hi\n\
         FROM aikg_acquired a LEFT JOIN aikg_acquired b ON b.x = a.x AND b.eid > a.eid\n\
         GROUP BY a.x, a.owner, a.at, a.eid\n\
         HAVING a.at < coalesce(MIN(b.at), {NEVER_AFTER});\n\n\
         -- Chains of acquisitions (an acquirer may itself be acquired), each link for the days it holds.\n\
         -- aikg:fixpoint aikg_chain x,top,lo,hi\n\
         SELECT x, owner AS top, lo, hi FROM aikg_owned_by;\n\
         SELECT c.x, o.owner AS top, greatest(c.lo, o.lo) AS lo, least(c.hi, o.hi) AS hi\n\
         FROM aikg_frontier c JOIN aikg_owned_by o ON o.x = c.top\n\
         WHERE o.owner <> c.x AND greatest(c.lo, o.lo) < least(c.hi, o.hi);\n\n\
         -- Who owns each acquired node in the end, and when: itself until its first acquisition, then\n\
         -- the top of its chain of acquirers.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_owner_periods AS\n\
         WITH firsts AS (SELECT x, MIN(at) AS at FROM aikg_acquired GROUP BY x)\n\
         SELECT x, x AS top, {NEVER_BEFORE} AS lo, at AS hi FROM firsts\n\
         UNION ALL\n\
         SELECT c.x, c.top, c.lo, least(c.hi, coalesce(f.at, {NEVER_AFTER})) AS hi\n\
         FROM aikg_chain c LEFT JOIN firsts f ON f.x = c.top\n\
         WHERE c.lo < least(c.hi, coalesce(f.at, {NEVER_AFTER}));\n\n\
         -- Every edge but acquisitions between the nodes that own its ends (src, dst), and the days it\n\
         -- holds then: lo..hi (both included), before own_hi (when an end changes hands); both owners\n\
         -- must exist and differ. holder: the edge's own `from`, whose share share_pct is.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_timed AS\n\
         SELECT m.src, m.dst, m.rel, m.`from` AS holder, m.share_pct, m.share_of, m.as_of, m.as_of_first,\n\
         \x20      greatest(m.begins, m.own_lo, nf.lo, nt.lo) AS lo, least(m.ends, nf.hi, nt.hi) AS hi, m.own_hi\n\
         FROM (\n\
         \x20 SELECT e.*, coalesce(pf.top, e.`from`) AS src, coalesce(pt.top, e.`to`) AS dst,\n\
         \x20        greatest(pf.lo, pt.lo) AS own_lo, least(pf.hi, pt.hi) AS own_hi\n\
         \x20 FROM aikg_edge_time e\n\
         \x20 LEFT JOIN aikg_owner_periods pf ON pf.x = e.`from`\n\
         \x20 LEFT JOIN aikg_owner_periods pt ON pt.x = e.`to`\n\
         \x20 WHERE e.rel <> {acquired} AND NOT e.announced\n\
         ) m\n\
         JOIN aikg_node_time nf ON nf.id = m.src\n\
         JOIN aikg_node_time nt ON nt.id = m.dst\n\
         WHERE m.src <> m.dst AND (m.own_lo IS NULL OR m.own_hi IS NULL OR m.own_lo < m.own_hi);\n\n\
         -- The supply arcs among them, turned to point from the upstream node (up) to the downstream one.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_timed_arcs AS\n\
         SELECT CASE r.supply WHEN 'forward' THEN t.src ELSE t.dst END AS up,\n\
         \x20      CASE r.supply WHEN 'forward' THEN t.dst ELSE t.src END AS down,\n\
         \x20      t.rel, r.carries, t.holder, t.share_pct, t.as_of, t.as_of_first, t.lo, t.hi, t.own_hi\n\
         FROM aikg_timed t JOIN aikg_relations r ON t.rel = r.rel\n\
         WHERE r.supply IS NOT NULL;\n"
    );
}

/// The day an upstream walk from `start` uses, `aikg_walk_day`: a made-once artifact's release,
/// when it came before the view's day; that day carries down the whole walk.
fn walk_day(s: &mut String, start: &str) {
    let _ = writeln!(
        s,
        "-- The day of the walk: {start}'s release if it is a made-once artifact released before the\n\
         -- view's day (its upstream is the chain as it stood then, all the way up), else the view's day.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_walk_day AS\n\
         SELECT CASE WHEN n.released < d.day THEN n.released ELSE d.day END AS day\n\
         FROM aikg_day d LEFT JOIN aikg_node_time n ON n.id = {};\n",
        lit(start)
    );
}

/// The supply arcs of the view, `aikg_arcs`: every admitted edge's (timeless), or those that hold
/// on the day of the one-row view `on`.
fn arcs(s: &mut String, timed: bool, on: &str) {
    let raw = |extra: &str| {
        format!(
            "SELECT CASE r.supply WHEN 'forward' THEN e.`from` ELSE e.`to` END AS up,\n\
             \x20      CASE r.supply WHEN 'forward' THEN e.`to` ELSE e.`from` END AS down,\n\
             \x20      e.rel, r.carries, e.`from` AS holder, e.share_pct, e.as_of{extra}\n\
             FROM aikg_edges e JOIN aikg_relations r ON e.rel = r.rel"
        )
    };
    if !timed {
        let _ = writeln!(
            s,
            "-- Supply arcs, turned to point from the upstream node (up) to the downstream one (down); holder\n\
             -- is the edge's `from` node, whose share share_pct is.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_arcs AS\n{}\nWHERE r.supply IS NOT NULL;\n",
            raw("")
        );
        return;
    }
    let _ = writeln!(
        s,
        "-- The supply arcs that hold on the day of {on}. With no dated source the data has no today,\n\
         -- and every edge counts, as in aikg.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_arcs AS\n\
         SELECT a.up, a.down, a.rel, a.carries, a.holder, a.share_pct, a.as_of, a.as_of_first\n\
         FROM aikg_timed_arcs a CROSS JOIN {on} w\n\
         WHERE {}\n\
         UNION ALL\n{}\nCROSS JOIN {on} w\nWHERE r.supply IS NOT NULL AND w.day IS NULL;\n",
        valid_on("a", "w.day"),
        raw(&format!(", {} AS as_of_first", first_day("e.as_of")))
    );
}

/// `aikg_start`: the view's day and when `start` began (one row).
fn start_row(s: &mut String, start: &str) {
    let _ = writeln!(
        s,
        "CREATE OR REPLACE TEMPORARY VIEW aikg_start AS\n\
         SELECT d.day, n.lo AS started FROM aikg_day d LEFT JOIN aikg_node_time n ON n.id = {};\n",
        lit(start)
    );
}

/// No node spared (timeless).
fn no_spared(s: &mut String) {
    s.push_str(
        "-- Timeless: time spares nothing.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_spared AS\n\
         SELECT CAST(NULL AS STRING) AS id, CAST(NULL AS STRING) AS released, CAST(NULL AS STRING) AS reason\n\
         WHERE false;\n\n",
    );
}

/// `aikg_spared` for a downstream walk from `start`: the made-once artifacts released by the
/// view's day that `start` did not reach on the day of their release.
fn spared_unreached(s: &mut String, start: &str, timed: bool) {
    if !timed {
        return no_spared(s);
    }
    let st = lit(start);
    start_row(s, start);
    walk(s, "aikg_reach", start, Flow::Downstream, None, false);
    let _ = writeln!(
        s,
        "-- The made-once artifacts released by the view's day among what {start} reaches then.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_candidates AS\n\
         SELECT DISTINCT n.id, n.released\n\
         FROM aikg_reach r JOIN aikg_node_time n ON n.id = r.node CROSS JOIN aikg_start st\n\
         WHERE n.released <= st.day AND r.node <> {st};\n\n\
         -- What {start} reached on each of their release days.\n\
         -- aikg:fixpoint aikg_reach_on day,node\n\
         SELECT DISTINCT released AS day, {st} AS node FROM aikg_candidates;\n\
         SELECT DISTINCT f.day, a.down AS node\n\
         FROM aikg_frontier f JOIN aikg_timed_arcs a ON a.up = f.node\n\
         WHERE {} AND (a.carries OR f.node = {st});\n\n\
         -- Spared: an artifact released before {start} existed, or when the chain had no route from it.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_spared AS\n\
         SELECT c.id, c.released,\n\
         \x20      CASE WHEN c.released < st.started THEN {BEFORE_IT_EXISTED} ELSE {NOT_IN_ITS_CHAIN} END AS reason\n\
         FROM aikg_candidates c CROSS JOIN aikg_start st\n\
         LEFT JOIN aikg_reach_on r ON r.day = c.released AND r.node = c.id\n\
         WHERE r.node IS NULL;\n",
        valid_on("a", "f.day"),
    );
}

/// `aikg_spared` for impact: every made-once artifact released by the view's day (a stop now
/// does not undo it).
fn spared_made(s: &mut String, failed: &str, timed: bool) {
    if !timed {
        return no_spared(s);
    }
    start_row(s, failed);
    let _ = writeln!(
        s,
        "-- Spared: every made-once artifact released by the view's day, before {failed} existed or\n\
         -- already made (a stop now does not undo it). They never break, and the walk stops at them.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_spared AS\n\
         SELECT n.id, n.released,\n\
         \x20      CASE WHEN n.released < st.started THEN {BEFORE_IT_EXISTED} ELSE {ALREADY_MADE} END AS reason\n\
         FROM aikg_node_time n CROSS JOIN aikg_start st\n\
         WHERE n.released <= st.day AND n.id <> {};\n",
        lit(failed)
    );
}

/// A breadth-first walk as a fixed point named `name` (keyed by node and goes_on), and the same
/// as a recursive query: it starts from the node `start` (a literal) at tier 0; `step(frontier,
/// recursive)` gives the rows one arc on from the table `frontier`, which in the recursive form
/// has a `path` column (the nodes walked).
fn fixpoint(s: &mut String, name: &str, start: &str, step: &dyn Fn(&str, bool) -> String) {
    let seed = format!("SELECT {start} AS node, 0 AS tier, true AS goes_on");
    let _ = writeln!(s, "-- aikg:fixpoint {name} node,goes_on\n{seed};\n{};\n", step("aikg_frontier", false));
    let _ = writeln!(
        s,
        "-- aikg:recursive {name}\n\
         -- The same walk as one recursive query over simple paths (a shortest walk never repeats a node).\n\
         WITH RECURSIVE aikg_paths(node, tier, goes_on, path) AS (\n\
         SELECT {start} AS node, 0 AS tier, true AS goes_on, array({start}) AS path\n\
         UNION ALL\n\
         {}\n)\nSELECT node, tier, goes_on FROM aikg_paths;\n",
        step("aikg_paths", true),
    );
}

/// The walk from `start` along supply arcs in `flow`, into the view `name` (node, tier,
/// goes_on): tier is the number of arcs, goes_on whether the walk continues from the node.
/// Upstream, an arc that does not carry supply through is taken, but the walk stops at what it
/// reaches (a product's designer); downstream, such an arc is taken only from the start, and with
/// `dead_ends` the walk lists the nodes of `aikg_spared` but does not pass through them.
fn walk(s: &mut String, name: &str, start: &str, flow: Flow, depth: Option<usize>, dead_ends: bool) {
    let bound = depth.map(|d| format!(" AND f.tier < {d}")).unwrap_or_default();
    let start_lit = lit(start);
    let step = |frontier: &str, recursive: bool| {
        let (next, join, goes_on, cond) = match flow {
            Flow::Upstream => ("a.up", "a.down = f.node", "a.carries", "f.goes_on".to_string()),
            Flow::Downstream => (
                "a.down",
                "a.up = f.node",
                if dead_ends { "sp.id IS NULL" } else { "true" },
                format!("f.goes_on AND (a.carries OR f.node = {start_lit})"),
            ),
        };
        let spared = if dead_ends { " LEFT JOIN aikg_spared sp ON sp.id = a.down" } else { "" };
        let (path, simple, distinct) = if recursive {
            (
                format!(", array_append(f.path, {next})"),
                format!(" AND NOT array_contains(f.path, {next})"),
                "",
            )
        } else {
            (String::new(), String::new(), "DISTINCT ")
        };
        format!(
            "SELECT {distinct}{next} AS node, f.tier + 1 AS tier, {goes_on} AS goes_on{path}\n\
             FROM {frontier} f JOIN aikg_arcs a ON {join}{spared}\nWHERE {cond}{bound}{simple}"
        )
    };
    let what = match (flow, dead_ends) {
        (Flow::Upstream, _) => "Upstream tiers: from each node to its suppliers",
        (Flow::Downstream, false) => "Everything downstream: from each node to its customers",
        (Flow::Downstream, true) => {
            "Downstream tiers: from each node to its customers, stopping at the spared"
        }
    };
    let _ = writeln!(s, "-- {what}, from {start}.");
    fixpoint(s, name, &start_lit, &step);
}

/// The verdicts of impact, on the walk `aikg_walk` and the spared nodes `aikg_spared`.
fn impact(s: &mut String, failed: &str, cut: f64) {
    let f = lit(failed);
    let _ = write!(
        s,
        "-- The inputs of every node: a required relation (for every kind, or for the node's kind)\n\
         -- together with the supplier's layer; the suppliers of one input are alternatives. A\n\
         -- technology is an input of its own (no other supplier replaces it): its id stands for the layer.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_inputs AS\n\
         SELECT DISTINCT a.down AS node, a.rel,\n\
         \x20      CASE WHEN s.kind = '{distinct}' THEN s.id ELSE s.layer END AS layer,\n\
         \x20      a.up AS supplier, r.carries\n\
         FROM aikg_arcs a\n\
         JOIN aikg_relations r ON r.rel = a.rel\n\
         JOIN nodes d ON d.id = a.down\n\
         JOIN nodes s ON s.id = a.up\n\
         WHERE r.required OR array_contains(r.required_for, d.kind);\n\n",
        distinct = DISTINCT_INPUT_KIND,
    );
    s.push_str(
        "-- Each supplier's part of an input: by the shares on the suppliers' own edges into the node\n\
         -- (the latest figure of each) where every supplier has one, else equal.\n\
         CREATE OR REPLACE TEMPORARY VIEW aikg_splits AS\n\
         WITH shares AS (\n\
         \x20 SELECT down AS node, rel, up AS supplier, max_by(share_pct, coalesce(as_of, '')) AS pct\n\
         \x20 FROM aikg_arcs\n\
         \x20 WHERE holder = up AND share_pct IS NOT NULL\n\
         \x20 GROUP BY down, rel, up\n\
         ), parts AS (\n\
         \x20 SELECT i.node, i.rel, i.layer, i.supplier, i.carries, sh.pct,\n\
         \x20        COUNT(*) OVER w AS suppliers, COUNT(sh.pct) OVER w AS shared, SUM(sh.pct) OVER w AS total\n\
         \x20 FROM aikg_inputs i\n\
         \x20 LEFT JOIN shares sh ON sh.node = i.node AND sh.rel = i.rel AND sh.supplier = i.supplier\n\
         \x20 WINDOW w AS (PARTITION BY i.node, i.rel, i.layer)\n\
         )\n\
         SELECT node, rel, layer, supplier, carries,\n\
         \x20      CASE WHEN suppliers > 1 AND shared = suppliers AND total > 0 THEN pct / total\n\
         \x20           ELSE 1.0D / suppliers END AS weight\n\
         FROM parts;\n\n",
    );
    if cut >= 1.0 {
        let _ = writeln!(
            s,
            "-- The cascade: {failed} stops; then every node that has lost every supplier of one of its\n\
             -- inputs breaks, until nothing else does. A supplier that broke for want of its own inputs\n\
             -- still counts for an input that does not carry supply through (it still designs). A spared\n\
             -- node never breaks.\n\
             -- aikg:fixpoint aikg_broken node\n\
             SELECT {f} AS node;\n\
             SELECT i.node\n\
             FROM (SELECT i.* FROM aikg_inputs i LEFT ANTI JOIN aikg_spared sp ON sp.id = i.node) i\n\
             LEFT JOIN aikg_reached b ON b.node = i.supplier\n\
             GROUP BY i.node, i.rel, i.layer\n\
             HAVING MIN(CASE WHEN i.supplier = {f} OR (b.node IS NOT NULL AND i.carries) THEN 1 ELSE 0 END) = 1;\n"
        );
    } else {
        let _ = writeln!(
            s,
            "-- A cut in part does not cascade: only {failed} is broken.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_broken AS SELECT {f} AS node;\n"
        );
    }
    let _ = writeln!(
        s,
        "-- aikg:query\n\
         -- The verdict on each dependant: spared by time (and why), breaks (it lost every supplier of\n\
         -- an input), loses supply (the largest share of one input it loses: {failed}'s part cut by\n\
         -- {cut}, a broken supplier's in full where the input carries supply through), else keeps supply.\n\
         WITH reached AS (\n\
         \x20 SELECT node, MIN(tier) AS tier FROM aikg_walk WHERE node <> {f} GROUP BY node\n\
         ), loss AS (\n\
         \x20 SELECT s.node, s.rel, s.layer,\n\
         \x20        SUM(CASE WHEN s.supplier = {f} THEN {cut:?}D * s.weight\n\
         \x20                 WHEN b.node IS NOT NULL AND s.carries THEN s.weight ELSE 0.0D END) AS share\n\
         \x20 FROM aikg_splits s LEFT JOIN aikg_broken b ON b.node = s.supplier\n\
         \x20 GROUP BY s.node, s.rel, s.layer\n\
         ), worst AS (\n\
         \x20 SELECT node, MAX(share) AS share FROM loss GROUP BY node\n\
         )\n\
         SELECT r.tier, r.node AS id,\n\
         \x20      CASE WHEN sp.id IS NOT NULL THEN 'spared'\n\
         \x20           WHEN b.node IS NOT NULL THEN 'breaks'\n\
         \x20           WHEN w.share > 0 THEN 'loses supply'\n\
         \x20           ELSE 'keeps supply' END AS verdict,\n\
         \x20      CASE WHEN sp.id IS NULL AND b.node IS NULL AND w.share > 0 THEN w.share END AS share,\n\
         \x20      sp.reason AS spared, sp.released\n\
         FROM reached r\n\
         LEFT JOIN aikg_spared sp ON sp.id = r.node\n\
         LEFT JOIN aikg_broken b ON b.node = r.node\n\
         LEFT JOIN worst w ON w.node = r.node\n\
         ORDER BY tier, id;"
    );
}

#[allow(clippy::too_many_arguments)]
fn path(
    s: &mut String,
    timed: bool,
    from: &str,
    to: &str,
    upstream: bool,
    max_len: Option<usize>,
    rels: &[String],
    avoid: &[String],
    layers: &[String],
) {
    let (a, b) = (lit(from), lit(to));
    let rel_in = if rels.is_empty() { String::new() } else { format!("rel IN ({})", list(rels)) };
    let rel_filter = if rels.is_empty() { String::new() } else { format!("\nWHERE {rel_in}") };
    // A share figure made after the view's day is not known on it (aikg's `--as-of` view).
    let known = |x: &str| {
        format!(
            "(d.day IS NULL OR {x}.share_pct IS NULL OR {x}.as_of_first IS NULL OR {x}.as_of_first <= d.day)"
        )
    };
    if upstream && timed {
        let rel_and = if rels.is_empty() { String::new() } else { format!(" AND a.{rel_in}") };
        let _ = writeln!(
            s,
            "-- The steps a path may take: from a node to one of its suppliers, on the view's day.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_steps AS\n\
             SELECT a.down AS a, a.up AS b FROM aikg_arcs a CROSS JOIN aikg_day d\nWHERE {}{rel_and};\n",
            known("a")
        );
    } else if upstream {
        let _ = writeln!(
            s,
            "-- The steps a path may take: from a node to one of its suppliers.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_steps AS\nSELECT down AS a, up AS b FROM aikg_arcs{rel_filter};\n"
        );
    } else {
        if timed {
            let _ = writeln!(
                s,
                "-- The edges of the view's day, between the nodes that own their ends (with no dated source,\n\
                 -- every admitted edge, as in aikg).\n\
                 CREATE OR REPLACE TEMPORARY VIEW aikg_links AS\n\
                 SELECT t.src AS a, t.dst AS b, t.rel FROM aikg_timed t CROSS JOIN aikg_day d\n\
                 WHERE {} AND {}\n\
                 UNION ALL\n\
                 SELECT `from` AS a, `to` AS b, rel FROM aikg_edges CROSS JOIN aikg_day d WHERE d.day IS NULL;\n",
                valid_on("t", "d.day"),
                known("t")
            );
        } else {
            s.push_str(
                "-- The edges: every admitted one.\n\
                 CREATE OR REPLACE TEMPORARY VIEW aikg_links AS\n\
                 SELECT `from` AS a, `to` AS b, rel FROM aikg_edges;\n\n",
            );
        }
        let _ = writeln!(
            s,
            "-- The steps a path may take: along any edge, either way.\n\
             CREATE OR REPLACE TEMPORARY VIEW aikg_steps AS\n\
             SELECT a, b FROM aikg_links{rel_filter}\nUNION\n\
             SELECT b AS a, a AS b FROM aikg_links{rel_filter};\n"
        );
    }
    let mut allowed = Vec::new();
    if !avoid.is_empty() {
        allowed.push(format!("n.id NOT IN ({})", list(avoid)));
    }
    if !layers.is_empty() {
        allowed.push(format!("n.layer IN ({})", list(layers)));
    }
    // The ends are exempt from --avoid and --layer.
    let (nodes, inner) = if allowed.is_empty() {
        (String::new(), String::new())
    } else {
        (
            " LEFT JOIN nodes n ON n.id = st.b".to_string(),
            format!("\n  AND (st.b IN ({a}, {b}) OR ({}))", allowed.join(" AND ")),
        )
    };
    let bound = max_len.map(|m| format!(" AND f.tier < {m}")).unwrap_or_default();
    let step = |frontier: &str, recursive: bool| {
        let (path, simple, distinct) = if recursive {
            (", array_append(f.path, st.b)".to_string(), " AND NOT array_contains(f.path, st.b)", "")
        } else {
            (String::new(), "", "DISTINCT ")
        };
        format!(
            "SELECT {distinct}st.b AS node, f.tier + 1 AS tier, true AS goes_on{path}\n\
             FROM {frontier} f JOIN aikg_steps st ON st.a = f.node{nodes}\n\
             WHERE f.node <> {b}{bound}{simple}{inner}"
        )
    };
    let _ = writeln!(s, "-- Breadth-first from {from} until {to} is reached.");
    fixpoint(s, "aikg_walk", &a, &step);
    let _ = writeln!(
        s,
        "-- aikg:query\n-- The length of the shortest path (no row: no path).\n\
         SELECT {a} AS `from`, {b} AS `to`, MIN(tier) AS length\nFROM aikg_walk\nWHERE node = {b}\nHAVING COUNT(*) > 0;"
    );
}

fn concentration(s: &mut String, timed: bool) {
    // A figure is known on the view's day when its period had begun and its edge held at some
    // point of the period seen so far (`time::observed_on`); an undated one, when its edge holds.
    let (from, known) = if timed {
        let held = |x: &str| {
            format!(
                "(NOT e.announced AND (e.lo0 IS NULL OR e.lo0 <= {x}) AND (e.hi0 IS NULL OR {x} <= e.hi0))"
            )
        };
        (
            "aikg_edge_time e CROSS JOIN aikg_day d",
            format!(
                "\n\x20   AND (d.day IS NULL OR CASE WHEN e.as_of_first IS NOT NULL\n\
                 \x20        THEN e.as_of_first <= d.day AND ({} OR {})\n\
                 \x20        ELSE {} END)",
                held("e.as_of_first"),
                held("least(e.as_of_last, d.day)"),
                held("d.day")
            ),
        )
    } else {
        ("aikg_edges e", String::new())
    };
    let _ = writeln!(
        s,
        "-- aikg:query\n\
         -- Each market (share_of, as_of) and its holders (an edge's `from` node, the larger figure where\n\
         -- it has two); of each share_of, the latest point (an undated one counts as the oldest).\n\
         WITH holders AS (\n\
         \x20 SELECT e.share_of, e.as_of, e.`from` AS holder, MAX(e.share_pct) AS pct\n\
         \x20 FROM {from}\n\
         \x20 WHERE e.share_pct IS NOT NULL AND e.share_of IS NOT NULL{known}\n\
         \x20 GROUP BY e.share_of, e.as_of, e.`from`\n\
         ), ranked AS (\n\
         \x20 SELECT *, ROW_NUMBER() OVER (PARTITION BY share_of, as_of ORDER BY pct DESC, holder) AS rank\n\
         \x20 FROM holders\n\
         ), markets AS (\n\
         \x20 SELECT share_of, as_of, COUNT(*) AS holders, SUM(pct) AS covered, SUM(pct * pct) AS hhi,\n\
         \x20        MAX(pct) AS top1, SUM(CASE WHEN rank <= 3 THEN pct ELSE 0.0D END) AS top3,\n\
         \x20        MAX_BY(holder, -rank) AS top1_holder, {first} AS first_day\n\
         \x20 FROM ranked\n\
         \x20 GROUP BY share_of, as_of\n\
         )\n\
         SELECT share_of AS market, as_of, holders, covered, hhi, top1_holder, top1, top3\n\
         FROM (SELECT *, MAX(first_day) OVER (PARTITION BY share_of) AS newest FROM markets)\n\
         WHERE first_day <=> newest\n\
         ORDER BY hhi DESC, market, as_of;",
        first = first_day("as_of"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_quoted() {
        assert_eq!(lit("it's a\\b"), "'it\\'s a\\\\b'");
    }

    #[test]
    fn the_policy_admits_tiers_at_or_above_the_minimum() {
        let mut s = String::new();
        edges(&mut s, Policy { min_tier: Tier::Secondary, include_unverified: true });
        assert!(s.contains("WHERE evidence IN ('primary', 'secondary') OR evidence IS NULL;"), "{s}");
    }

    #[test]
    fn every_statement_ends_a_line_with_a_semicolon() {
        let schema = Schema::default();
        for when in [When::Timeless, When::Today, When::On(Day::last("2022-06").unwrap())] {
            let q = SparkQuery::Tiers { start: "a".into(), flow: Flow::Upstream, depth: Some(2) };
            let sql = to_spark_sql(&schema, Policy::default(), when, &q, "aikg upstream a --as spark-sql");
            assert!(sql.contains("-- aikg:fixpoint aikg_walk node,goes_on"));
            assert!(sql.contains("WITH RECURSIVE"));
            assert!(sql.contains("f.tier < 2"));
            assert!(sql.trim_end().ends_with(';'));
        }
    }

    #[test]
    fn an_as_of_day_is_the_last_day_of_its_period() {
        let q = SparkQuery::Concentration;
        let sql = to_spark_sql(
            &Schema::default(),
            Policy::default(),
            When::On(Day::last("2022-06").unwrap()),
            &q,
            "",
        );
        assert!(sql.contains("SELECT '2022-06-31' AS day;"), "{sql}");
    }

    /// The SQL of the partial-date rule names the same periods as `Day::first` and `Day::last`:
    /// the patterns it tests, read back as Rust, accept exactly what `Day` parses.
    #[test]
    fn the_date_rule_is_day_s() {
        let sql = first_day("c");
        for (len, tail) in [(4, "-01-01"), (7, "-01"), (10, "")] {
            assert!(sql.contains(&format!("length(c) = {len}")), "{sql}");
            assert!(tail.is_empty() || sql.contains(tail), "{sql}");
        }
        assert!(last_day("c").contains("concat(c, '-12-31')") && last_day("c").contains("concat(c, '-31')"));
        // Strings either side of the rule: what Day accepts, the SQL's patterns describe.
        let accepts = |s: &str| {
            let b = s.as_bytes();
            let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
            let month = |r: std::ops::Range<usize>| (1..=12).contains(&s[r].parse::<u8>().unwrap_or(0));
            let day = |r: std::ops::Range<usize>| (1..=31).contains(&s[r].parse::<u8>().unwrap_or(0));
            match s.len() {
                4 => digits(0..4),
                7 => digits(0..4) && b[4] == b'-' && digits(5..7) && month(5..7),
                10 => {
                    digits(0..4)
                        && b[4] == b'-'
                        && digits(5..7)
                        && month(5..7)
                        && b[7] == b'-'
                        && digits(8..10)
                        && day(8..10)
                }
                _ => false,
            }
        };
        for s in [
            "2024",
            "2024-06",
            "2024-06-30",
            "2024-13",
            "2024-00",
            "2024-06-32",
            "2024-06-00",
            "24",
            "2024-6",
            "soon",
            "2024-06-3x",
            "2024-1-011",
        ] {
            assert_eq!(accepts(s), Day::first(s).is_some(), "{s}");
            assert_eq!(accepts(s), Day::last(s).is_some(), "{s}");
        }
    }
}
