//! CLI runs, snapshotted whole: exit code, stdout and stderr. Error paths included.

use crate::common::{run, run_with_backtrace};

const MINI: &str = "tests/fixtures/mini";
/// Edges resting on primary, secondary and weak sources, and one unverified edge.
const EVIDENCE: &str = "tests/fixtures/evidence";

/// A designer, a packager, two memory makers and two chips: inputs attach to the product.
const PRODUCTS: &str = "tests/fixtures/products";

// Impact at the level of the product, weighted by shares, with the basis said.
cli_snapshot!(products_impact_packager, "--data", PRODUCTS, "--format", "table", "impact", "pkgco");
cli_snapshot!(
    products_impact_memory_half_cut,
    "--data",
    PRODUCTS,
    "--format",
    "table",
    "impact",
    "mem-a",
    "--cut",
    "0.5"
);
cli_snapshot!(products_impact_memory_stop, "--data", PRODUCTS, "--format", "table", "impact", "mem-b");
cli_snapshot!(products_impact_designer, "--data", PRODUCTS, "--format", "table", "impact", "designer");
cli_snapshot!(
    products_upstream_consumer_chip,
    "--data",
    PRODUCTS,
    "--format",
    "table",
    "upstream",
    "chip-consumer"
);
// Ownership: from the acquisition date the acquirer supplies what the acquired company did.
cli_snapshot!(
    products_impact_acquirer,
    "--data",
    PRODUCTS,
    "--format",
    "table",
    "--as-of",
    "2025-12",
    "impact",
    "bigco"
);
cli_snapshot!(
    products_impact_acquirer_before,
    "--data",
    PRODUCTS,
    "--format",
    "table",
    "--as-of",
    "2025-03",
    "impact",
    "bigco"
);
cli_snapshot!(products_bad_cut, "--data", PRODUCTS, "impact", "mem-a", "--cut", "1.5");
cli_snapshot!(builtin_impact_cowos, "--format", "table", "impact", "cowos");
cli_snapshot!(builtin_impact_asml, "--format", "tsv", "impact", "asml");

/// Two foundries, two chips, two models, a cloud and a lab over 2000-2025: every rule of time.
const TIME: &str = "tests/fixtures/time";

// Time: a made-once model is walked at its release; services and chips as of the view's day.
cli_snapshot!(time_upstream_model_at_release, "--data", TIME, "--format", "table", "upstream", "model-19");
cli_snapshot!(time_upstream_service_today, "--data", TIME, "--format", "table", "upstream", "lab");
cli_snapshot!(time_upstream_as_of, "--data", TIME, "--format", "table", "--as-of", "2020", "upstream", "lab");
// Impact: a model already trained is spared; one released before the supplier existed, too.
cli_snapshot!(time_impact_spares_made_models, "--data", TIME, "--format", "table", "impact", "oldfab");
cli_snapshot!(time_impact_before_it_existed, "--data", TIME, "--format", "table", "impact", "newfab");
cli_snapshot!(time_downstream_lists_spared, "--data", TIME, "--format", "table", "downstream", "newfab");
cli_snapshot!(time_chokepoints, "--data", TIME, "--format", "table", "chokepoints");
// --as-of on data commands: what existed, what was valid, the latest share observation.
cli_snapshot!(time_list_as_of_2020, "--data", TIME, "--format", "table", "--as-of", "2020", "list");
cli_snapshot!(time_show_as_of_2020, "--data", TIME, "--format", "table", "--as-of", "2020", "show", "cloud");
cli_snapshot!(
    time_query_as_of_2021,
    "--data",
    TIME,
    "--format",
    "table",
    "--as-of",
    "2021-06",
    "query",
    "MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id ORDER BY a.id, b.id"
);
cli_snapshot!(
    time_concentration_as_of_2021,
    "--data",
    TIME,
    "--format",
    "table",
    "--as-of",
    "2021",
    "concentration"
);
cli_snapshot!(time_concentration_today, "--data", TIME, "--format", "table", "concentration");
cli_snapshot!(
    time_concentration_series,
    "--data",
    TIME,
    "--format",
    "table",
    "concentration",
    "--series",
    "foundry revenue"
);
cli_snapshot!(time_diff, "--data", TIME, "--format", "table", "diff", "2020", "2025");
cli_snapshot!(time_cycles, "--data", TIME, "--format", "table", "cycles");
cli_snapshot!(time_timeline, "--data", TIME, "--format", "table", "timeline");
// Bad dates and ranges are located errors, exit 2.
cli_snapshot!(time_bad_as_of, "--data", TIME, "--as-of", "2024-13", "list");
cli_snapshot!(time_bad_as_of_word, "--data", TIME, "--as-of", "soon", "list");
cli_snapshot!(time_diff_backwards, "--data", TIME, "diff", "2025", "2020");
cli_snapshot!(time_unknown_series, "--data", TIME, "concentration", "--series", "foundry revenues");
// The built-in data: the answers the time work was for.
cli_snapshot!(builtin_upstream_gpt_1, "--format", "table", "upstream", "gpt-1");
cli_snapshot!(builtin_impact_b300, "--format", "table", "impact", "b300");
cli_snapshot!(
    builtin_concentration_as_of_2022_06,
    "--format",
    "table",
    "--as-of",
    "2022-06",
    "concentration"
);
cli_snapshot!(builtin_diff_2023_2025, "--format", "tsv", "diff", "2023", "2025");
cli_snapshot!(builtin_cycles, "--format", "table", "cycles", "--top", "12");

// Evidence: source tiers, the review queue, and what analytics leave out.
cli_snapshot!(evidence_sources, "--data", EVIDENCE, "--format", "table", "sources");
cli_snapshot!(evidence_sources_weak, "--data", EVIDENCE, "--format", "table", "sources", "--weak");
cli_snapshot!(evidence_stats, "--data", EVIDENCE, "--format", "table", "stats");
cli_snapshot!(evidence_show, "--data", EVIDENCE, "--format", "table", "show", "x1");
cli_snapshot!(evidence_upstream_default, "--data", EVIDENCE, "--format", "table", "upstream", "gpunet");
cli_snapshot!(
    evidence_upstream_with_unverified,
    "--data",
    EVIDENCE,
    "--format",
    "table",
    "--include-unverified",
    "upstream",
    "gpunet"
);
cli_snapshot!(
    evidence_downstream_min_secondary,
    "--data",
    EVIDENCE,
    "--format",
    "table",
    "--min-tier",
    "secondary",
    "downstream",
    "fabco"
);
cli_snapshot!(
    evidence_path_min_primary,
    "--data",
    EVIDENCE,
    "--format",
    "table",
    "--min-tier",
    "primary",
    "path",
    "gpunet",
    "fabco"
);
cli_snapshot!(evidence_bad_tier, "--data", EVIDENCE, "--min-tier", "gold", "upstream", "gpunet");
cli_snapshot!(sources_weak_built_in_csv, "--format", "csv", "sources", "--weak");

// Every output format, on a tiny fixed dataset, for a table and for a report.
cli_snapshot!(format_table, "--data", MINI, "--format", "table", "list");
cli_snapshot!(format_json, "--data", MINI, "--format", "json", "list");
cli_snapshot!(format_jsonl, "--data", MINI, "--format", "jsonl", "list");
cli_snapshot!(format_csv, "--data", MINI, "--format", "csv", "list");
cli_snapshot!(format_tsv, "--data", MINI, "--format", "tsv", "list");
cli_snapshot!(format_markdown, "--data", MINI, "--format", "markdown", "list");
cli_snapshot!(format_default_when_piped_is_tsv, "--data", MINI, "list", "--kind", "Chip");
cli_snapshot!(report_table, "--data", MINI, "--format", "table", "show", "x1");
cli_snapshot!(report_json, "--data", MINI, "--format", "json", "show", "x1");
cli_snapshot!(report_jsonl, "--data", MINI, "--format", "jsonl", "show", "x1");
cli_snapshot!(report_csv, "--data", MINI, "--format", "csv", "show", "x1");
cli_snapshot!(report_markdown, "--data", MINI, "--format", "markdown", "show", "x1");
cli_snapshot!(color_always_bolds_headers, "--data", MINI, "--format", "table", "--color", "always", "list");
cli_snapshot!(mini_stats, "--data", MINI, "--format", "table", "stats");
cli_snapshot!(mini_check, "--data", MINI, "--format", "table", "check");
cli_snapshot!(mini_schema_table, "--data", MINI, "--format", "table", "schema");
cli_snapshot!(mini_schema_json, "--data", MINI, "--format", "json", "schema");
cli_snapshot!(mini_schema_jsonl, "--data", MINI, "--format", "jsonl", "schema");
cli_snapshot!(mini_schema_csv, "--data", MINI, "--format", "csv", "schema");
cli_snapshot!(mini_schema_tsv, "--data", MINI, "--format", "tsv", "schema");
cli_snapshot!(mini_schema_markdown, "--data", MINI, "--format", "markdown", "schema");

// Commands on the built-in dataset.
cli_snapshot!(stats, "--format", "table", "stats");
cli_snapshot!(schema, "--format", "tsv", "schema");
cli_snapshot!(check, "--format", "table", "check", "--strict");
cli_snapshot!(check_claims, "--format", "table", "check", "--claims");
cli_snapshot!(list_crypto_compute, "--format", "table", "list", "--layer", "crypto", "--segment", "compute");
cli_snapshot!(list_chips_markdown, "--format", "markdown", "list", "--kind", "Chip");
cli_snapshot!(show_h100, "--format", "table", "show", "h100");
cli_snapshot!(show_by_chinese_name, "--format", "table", "show", "台积电");
cli_snapshot!(show_by_ticker_any_case, "--format", "tsv", "show", "crwv");
cli_snapshot!(show_gpt4_claims, "--format", "table", "show", "GPT-4");
cli_snapshot!(search_hynix, "--format", "table", "search", "hynix");
cli_snapshot!(search_chinese, "--format", "table", "search", "台积");
cli_snapshot!(
    neighbors_io_net,
    "--format",
    "table",
    "neighbors",
    "io.net",
    "--depth",
    "2",
    "--direction",
    "out"
);
cli_snapshot!(
    neighbors_rel_filter,
    "--format",
    "table",
    "neighbors",
    "h100",
    "--direction",
    "in",
    "--rel",
    "MANUFACTURES,DESIGNS"
);

// Error paths.
cli_snapshot!(error_unknown_node, "show", "nvidai");
cli_snapshot!(error_unknown_node_no_match, "show", "zzzzqqq");
cli_snapshot!(error_ambiguous_name, "--data", MINI, "show", "fab");
cli_snapshot!(error_bad_flag, "list", "--layr", "crypto");
cli_snapshot!(error_unknown_layer_value, "list", "--layer", "crypt");
cli_snapshot!(error_unknown_relation_value, "neighbors", "h100", "--rel", "SUPPLY");
cli_snapshot!(error_depth_out_of_range, "neighbors", "h100", "--depth", "0");
cli_snapshot!(error_missing_data_dir, "--data", "tests/no-such-dir", "stats");
cli_snapshot!(error_broken_data_file, "--data", "tests/bad-data/toml-syntax", "show", "x1");
cli_snapshot!(error_no_command);
cli_snapshot!(help, "--help");

#[test]
fn rust_backtrace_changes_nothing() {
    for args in [
        &["show", "nvidai"][..],
        &["--data", "tests/bad-data/many-errors", "check"],
        &["--data", MINI, "list"],
    ] {
        assert_eq!(run(args), run_with_backtrace(args), "{args:?}");
    }
}

#[test]
fn same_command_same_bytes() {
    let args = ["--format", "json", "neighbors", "h100", "--depth", "2"];
    assert_eq!(run(&args), run(&args));
}

#[test]
fn every_format_of_every_command_succeeds() {
    let tables: &[&[&str]] = &[
        &["list"],
        &["search", "gpu"],
        &["neighbors", "tsmc"],
        &["upstream", "io-net"],
        &["downstream", "asml", "--depth", "2"],
        &["path", "io-net", "asml", "--upstream", "--all"],
        &["impact", "sk-hynix"],
        &["chokepoints"],
        &["concentration"],
        &["rank", "--by", "betweenness"],
        &["check"],
        &["timeline"],
        &["query", "MATCH (c:Chip) RETURN c.id, c.memory_gb ORDER BY c.id"],
    ];
    let reports: &[&[&str]] = &[&["stats"], &["show", "h100"], &["schema"]];
    for format in ["table", "json", "jsonl", "csv", "tsv", "markdown"] {
        for cmd in tables.iter().chain(reports) {
            let mut args = vec!["--format", format];
            args.extend_from_slice(cmd);
            let out = run(&args);
            assert!(out.contains("exit: 0"), "{args:?}: {out}");
            let stdout = out.split("--- stdout\n").nth(1).unwrap().split("--- stderr\n").next().unwrap();
            if format == "json" {
                serde_json::from_str::<serde_json::Value>(stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            }
            if format == "csv" && tables.contains(cmd) {
                // Every row as wide as the header: a strict reader rejects anything else.
                let rows = csv::Reader::from_reader(stdout.as_bytes()).records().count();
                for r in csv::Reader::from_reader(stdout.as_bytes()).records() {
                    r.unwrap_or_else(|e| panic!("{args:?}: {e}"));
                }
                assert!(rows > 0, "{args:?}: no rows");
            }
        }
    }
}

// Supply analytics on a small fixture whose answers can be checked by hand (see its header).
const SUPPLY: &str = "tests/fixtures/supply";
cli_snapshot!(supply_upstream, "--data", SUPPLY, "--format", "table", "upstream", "net-1");
cli_snapshot!(
    supply_downstream_depth,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "downstream",
    "litho",
    "--depth",
    "2"
);
cli_snapshot!(supply_impact, "--data", SUPPLY, "--format", "table", "impact", "fab-a");
cli_snapshot!(supply_chokepoints, "--data", SUPPLY, "--format", "table", "chokepoints");
cli_snapshot!(supply_concentration, "--data", SUPPLY, "--format", "table", "concentration");
cli_snapshot!(supply_path_all, "--data", SUPPLY, "--format", "table", "path", "chip-1", "litho", "--all");
cli_snapshot!(
    supply_path_single_notes_others,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "chip-1",
    "litho"
);
cli_snapshot!(
    supply_path_avoid,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "chip-1",
    "litho",
    "--avoid",
    "fab-a"
);
cli_snapshot!(
    supply_path_rel_filter_none,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "net-1",
    "net-2",
    "--rel",
    "USES"
);
cli_snapshot!(
    supply_path_max_len,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "net-1",
    "net-2",
    "--max-len",
    "3"
);
cli_snapshot!(supply_rank_betweenness, "--data", SUPPLY, "--format", "table", "rank", "--by", "betweenness");
cli_snapshot!(supply_rank_pagerank, "--data", SUPPLY, "--format", "table", "rank", "--by", "pagerank");
cli_snapshot!(
    supply_rank_degree,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "rank",
    "--by",
    "degree",
    "--top",
    "3"
);
cli_snapshot!(
    supply_path_upstream_all,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "net-1",
    "litho",
    "--upstream",
    "--all"
);
cli_snapshot!(
    supply_path_upstream_wrong_way,
    "--data",
    SUPPLY,
    "--format",
    "table",
    "path",
    "litho",
    "net-1",
    "--upstream"
);
cli_snapshot!(supply_export_json, "--data", SUPPLY, "export", "--to", "json");

// Supply analytics on the built-in data.
cli_snapshot!(upstream_io_net, "--format", "table", "upstream", "io-net", "--depth", "2");
cli_snapshot!(downstream_asml, "--format", "table", "downstream", "asml", "--depth", "2");
cli_snapshot!(
    path_io_net_asml_upstream,
    "--format",
    "table",
    "path",
    "io-net",
    "asml",
    "--upstream",
    "--avoid",
    "intel",
    "--all"
);
cli_snapshot!(path_io_net_sk_hynix, "--format", "table", "path", "io.net", "SK hynix", "--upstream", "--all");
cli_snapshot!(
    path_layer_constraint,
    "--format",
    "table",
    "path",
    "akash",
    "asml",
    "--layer",
    "hardware,semiconductors"
);
cli_snapshot!(impact_tsmc, "--format", "table", "impact", "tsmc");
cli_snapshot!(impact_sk_hynix, "--format", "table", "impact", "sk-hynix");
cli_snapshot!(chokepoints_top_20, "--format", "table", "chokepoints", "--top", "20");
cli_snapshot!(chokepoints_crypto, "--format", "table", "chokepoints", "--layer", "crypto");
cli_snapshot!(concentration_all, "--format", "table", "concentration");
cli_snapshot!(rank_pagerank, "--format", "table", "rank", "--by", "pagerank", "--top", "15");
cli_snapshot!(rank_betweenness, "--format", "table", "rank", "--by", "betweenness", "--top", "15");
cli_snapshot!(rank_degree, "--format", "table", "rank", "--by", "degree", "--top", "15");

// The query language: results and every class of error.
cli_snapshot!(query_aggregate, "--format", "table", "query", "MATCH (n:Project {segment: 'compute'})-[:OFFERS]->(c:Chip) RETURN c.name AS chip, count(*) AS networks ORDER BY networks DESC, chip LIMIT 5");
cli_snapshot!(
    query_param_typed,
    "--format",
    "tsv",
    "query",
    "MATCH (c:Chip) WHERE c.memory_gb >= $gb RETURN c.id, c.memory_gb ORDER BY c.memory_gb DESC, c.id",
    "--param",
    "gb=141"
);
cli_snapshot!(
    query_optional_match_nulls,
    "--format",
    "tsv",
    "query",
    "MATCH (n {id: 'h100'}) OPTIONAL MATCH (n)-[:INVESTS_IN]->(m) RETURN n.id, m.id"
);
cli_snapshot!(query_three_valued_logic, "--format", "json", "query", "UNWIND [true, false, null] AS a UNWIND [true, false, null] AS b RETURN a, b, a AND b AS and_, a OR b AS or_, a XOR b AS xor_");
cli_snapshot!(
    query_mixed_type_order,
    "--format",
    "json",
    "query",
    "UNWIND [2, 'b', null, 1.5, true, [1]] AS x RETURN x ORDER BY x"
);
cli_snapshot!(
    query_count_star_vs_count_x,
    "--format",
    "tsv",
    "query",
    "UNWIND [1, null, 2] AS x RETURN count(*) AS rows, count(x) AS values, sum(x) AS total, avg(x) AS mean"
);
// A path in JSON is its nodes (walking order) and relationships (their own direction), as
// Neo4j's and Kùzu's drivers give one; tables and CSV keep the display text.
cli_snapshot!(
    query_path_json,
    "--data",
    "tests/fixtures/mini",
    "--format",
    "json",
    "query",
    "MATCH p=(c:Chip)<-[]-(a) RETURN p, length(p) ORDER BY a.id LIMIT 2"
);
cli_snapshot!(
    query_path_jsonl,
    "--data",
    "tests/fixtures/mini",
    "--format",
    "jsonl",
    "query",
    "MATCH p=(a {id: 'fabco'})-[]->(c) RETURN p"
);
cli_snapshot!(
    query_path_csv,
    "--data",
    "tests/fixtures/mini",
    "--format",
    "csv",
    "query",
    "MATCH p=(c:Chip)<-[]-(a) RETURN p, length(p) ORDER BY a.id LIMIT 2"
);
cli_snapshot!(query_error_syntax, "query", "MATCH (n:Chip RETURN n");
cli_snapshot!(query_error_unknown_label, "query", "MATCH (n:Chipp) RETURN n");
cli_snapshot!(query_error_unknown_type, "query", "MATCH (a)-[:SUPPLYS]->(b) RETURN a");
cli_snapshot!(
    query_error_unknown_property,
    "query",
    "MATCH (n:Chip) WHERE n.bf16_dense_tflop > 100 RETURN n.name"
);
cli_snapshot!(query_error_unknown_variable, "query", "MATCH (n:Chip) RETURN m.name");
cli_snapshot!(query_error_write_clause, "query", "MATCH (n) DETACH DELETE n");
cli_snapshot!(query_error_missing_param, "query", "MATCH (n {id: $id}) RETURN n.name");
cli_snapshot!(query_error_too_many_hops, "query", "MATCH (a)-[*1..50]-(b) RETURN count(*)");
cli_snapshot!(query_error_overflow_literal, "query", "RETURN 99999999999999999999");
cli_snapshot!(
    query_error_case_without_end,
    "query",
    "MATCH (c:Chip) RETURN CASE WHEN c.memory_gb > 80 THEN 'big' c.id"
);
cli_snapshot!(
    query_error_comprehension_not_a_list,
    "query",
    "MATCH (c:Chip {id: 'h100'}) RETURN [x IN c.memory_gb | x]"
);
cli_snapshot!(
    query_error_exists_with_return,
    "query",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) RETURN m } RETURN n"
);
cli_snapshot!(
    query_error_pattern_predicate_unknown_label,
    "query",
    "MATCH (n:Project) WHERE (n)-[:OFFERS]->(:Chipp) RETURN n.id"
);
cli_snapshot!(query_error_malformed_pattern_predicate, "query", "MATCH (n) WHERE (n)-[:OFFERS->(c) RETURN n");
cli_snapshot!(query_error_exists_function, "query", "MATCH (n) WHERE exists((n)-->()) RETURN n");
cli_snapshot!(
    query_parenthesised_column_names,
    "--format",
    "tsv",
    "query",
    "WITH 3 AS x RETURN (x) - -1, (x + 1) * 2, (x)-1"
);
cli_snapshot!(query_new_syntax, "--format", "json", "query", "MATCH (c:Chip {id: 'h100'}) RETURN CASE c.memory WHEN 'HBM3' THEN 'hbm3' END AS m, [t IN c.tags WHERE t <> 'hopper' | toUpper(t)] AS tags, keys(c)[0] AS first_key, properties(c).memory_gb AS gb, (c)<-[:MANUFACTURES]-(:Company {id: 'tsmc'}) AS tsmc_made, EXISTS { MATCH (c)<-[:OFFERS]-(p:Project) WHERE p.segment = 'compute' } AS rented");
cli_snapshot!(query_error_empty, "query", "  ");

#[test]
fn hostile_queries_fail_cleanly() {
    let deep = format!("RETURN {}1{}", "(".repeat(50_000), ")".repeat(50_000));
    let nots = format!("RETURN {}true", "NOT ".repeat(50_000));
    let long = format!("MATCH (n:Chip) WHERE n.name = '{}' RETURN n", "x".repeat(1 << 20));
    for (q, expect) in [
        (deep.as_str(), "nest more than 200 deep"),
        (nots.as_str(), "nest more than 200 deep"),
        ("RETURN [1, 2][-9223372036854775807]", "exit: 0"),
        ("MATCH (a)-[*1..20]-(b) RETURN count(*)", "more than 1000000 intermediate rows"),
        (long.as_str(), "exit: 0"),
    ] {
        // Through a file: one command-line argument is limited to 128 KiB.
        let file = std::env::temp_dir().join(format!("aikg-hostile-{}.cypher", std::process::id()));
        std::fs::write(&file, q).unwrap();
        let out = run(&["query", "-f", file.to_str().unwrap()]);
        std::fs::remove_file(&file).unwrap();
        assert!(out.contains(expect), "{}: {}", &q[..q.len().min(60)], &out[..out.len().min(400)]);
        assert!(!out.contains("panicked"), "{out}");
        // Error lines are cut to a window around the caret.
        assert!(
            out.lines().all(|l| l.chars().count() < 400 || l.starts_with("$ aikg")),
            "long line in output"
        );
    }
}
cli_snapshot!(timeline_to_2018, "--format", "table", "timeline", "--to", "2018");
cli_snapshot!(timeline_2024, "--format", "tsv", "timeline", "--from", "2024", "--to", "2024");

#[test]
fn timeout_stops_a_query_cleanly() {
    let out =
        run(&["query", "--timeout", "0.05", "MATCH (a)-[*1..12]-(b) WHERE a.id <> 'none' RETURN count(*)"]);
    assert!(out.contains("exit: 2"), "{out}");
    assert!(out.contains("the query did not finish within 50ms"), "{out}");
    let bad = run(&["query", "--timeout=0", "RETURN 1"]);
    assert!(bad.contains("exit: 2") && bad.contains("not a positive number of seconds"), "{bad}");
}

/// An unbounded, undirected path pattern on a generated graph: the query stops with a limit error
/// (the one-second timeout or the 1,000,000-row cap, whichever comes first), and the
/// process neither hangs nor runs out of memory.
#[test]
fn a_pathological_query_on_a_generated_graph_stops_cleanly() {
    let dir = std::env::temp_dir().join(format!("aikg-patho-{}", std::process::id()));
    let gen = run(&[
        "gen",
        "--nodes",
        "2000",
        "--edges",
        "8000",
        "--seed",
        "5",
        "--force",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(gen.contains("exit: 0"), "{gen}");
    let out = run(&[
        "--data",
        dir.to_str().unwrap(),
        "query",
        "--timeout",
        "1",
        "MATCH (a)-[*]-(b) RETURN count(*)",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.contains("exit: 2"), "{out}");
    // Which limit comes first depends on the machine: both are clean stops.
    let limited = out.contains("the query did not finish within 1s")
        || out.contains("the query produces more than 1000000 intermediate rows");
    assert!(limited, "{out}");
}

/// Each command's own help opens with the summary `aikg --help` gives it (a command's arguments
/// are defined when it is parsed, and the doc comment of a group they flatten must not replace
/// the command's own).
#[test]
fn each_command_help_opens_with_its_summary() {
    let exe = env!("CARGO_BIN_EXE_aikg");
    let help = |args: &[&str]| {
        let out = std::process::Command::new(exe).args(args).output().expect("the aikg binary runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let listed = top.split("Commands:\n").nth(1).and_then(|t| t.split("\n\n").next()).unwrap_or_default();
    let mut seen = 0;
    for line in listed.lines() {
        let Some((name, summary)) = line.trim().split_once(' ') else { continue };
        if name == "help" {
            continue;
        }
        let own = help(&[name, "--help"]);
        assert_eq!(own.lines().next(), Some(summary.trim()), "aikg {name} --help");
        seen += 1;
    }
    assert!(seen >= 28, "only {seen} commands listed in:\n{top}");
}

/// The bash completion script loads in a real bash and registers `aikg`.
#[test]
fn bash_loads_the_completion_script() {
    let exe = env!("CARGO_BIN_EXE_aikg");
    let script = format!("source <(\"{exe}\" completions bash) && complete -p aikg");
    let Ok(out) = std::process::Command::new("bash").args(["-c", &script]).output() else {
        return; // no bash on this machine: nothing to load the script into
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("aikg"), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

// --param: a name is required, and a number too big for a 64-bit integer is an error, not text.
cli_snapshot!(param_without_name, "query", "RETURN $x", "--param", "=1");
cli_snapshot!(param_integer_too_big, "query", "RETURN $x", "--param", "x=99999999999999999999999");
cli_snapshot!(
    param_float_and_string,
    "--format",
    "tsv",
    "query",
    "RETURN $x, $y",
    "--param",
    "x=1e21",
    "--param",
    "y='99'"
);

// `estimate`: the report's rules of thumb on the built-in data, in every format.
cli_snapshot!(builtin_estimate_llama_3_1, "--format", "table", "estimate", "--model", "Llama 3.1");
cli_snapshot!(builtin_estimate_disclosed, "--format", "table", "estimate", "--disclosed");
cli_snapshot!(
    builtin_estimate_70b_on_h100,
    "--format",
    "table",
    "estimate",
    "--params",
    "70e9",
    "--tokens",
    "15e12",
    "--chip",
    "h100",
    "--count",
    "1024"
);
cli_snapshot!(
    builtin_estimate_inference_fp8,
    "--format",
    "table",
    "estimate",
    "--model",
    "Llama 3.1",
    "--inference",
    "--tokens-out",
    "1M",
    "--precision",
    "fp8",
    "--mfu",
    "0.1"
);
cli_snapshot!(
    builtin_estimate_deepseek_v3_on_h100_markdown,
    "--format",
    "markdown",
    "estimate",
    "--model",
    "deepseek-v3",
    "--chip",
    "h100",
    "--count",
    "2048"
);
cli_snapshot!(
    builtin_estimate_price_from_json,
    "--format",
    "json",
    "estimate",
    "--params",
    "7B",
    "--tokens",
    "1T",
    "--chip",
    "a100",
    "--price-from",
    "akash,lambda"
);
cli_snapshot!(
    builtin_estimate_b200_csv,
    "--format",
    "csv",
    "estimate",
    "--params",
    "8B",
    "--tokens",
    "15T",
    "--chip",
    "b200"
);
cli_snapshot!(
    builtin_estimate_h200_jsonl,
    "--format",
    "jsonl",
    "estimate",
    "--params",
    "8B",
    "--tokens",
    "15T",
    "--chip",
    "h200"
);
cli_snapshot!(
    builtin_estimate_mi300x_tsv,
    "--format",
    "tsv",
    "estimate",
    "--params",
    "8B",
    "--tokens",
    "15T",
    "--chip",
    "mi300x"
);
// --as-of picks the prices standing on that day: in 2023 only Vultr's 2022 A100 price.
cli_snapshot!(
    builtin_estimate_a100_as_of_2023,
    "--format",
    "table",
    "--as-of",
    "2023",
    "estimate",
    "--params",
    "7B",
    "--tokens",
    "1T",
    "--chip",
    "a100"
);
