//! Series, money and names people type, on a small fixture (a project and its token, a chip
//! company, two investors and a round) and on the built-in data: CLI runs snapshotted whole.

use crate::common;

/// A project and its token with a market-cap series (one estimated, one projected), a company
/// with two years of revenue, a round with a lead and a co-investor.
const MARKETS: &str = "tests/fixtures/markets";

// Every observation, sorted by node, metric and date, in each output format.
cli_snapshot!(series_markets_table, "--data", MARKETS, "--format", "table", "series");
cli_snapshot!(series_markets_tsv, "--data", MARKETS, "--format", "tsv", "series");
cli_snapshot!(series_markets_json, "--data", MARKETS, "--format", "json", "series");
cli_snapshot!(series_markets_csv, "--data", MARKETS, "--format", "csv", "series");
cli_snapshot!(series_markets_markdown, "--data", MARKETS, "--format", "markdown", "series");
// Filters: a metric, a kind, a node by ticker.
cli_snapshot!(series_markets_metric, "--data", MARKETS, "series", "--metric", "market_cap_usd");
cli_snapshot!(series_markets_kind_and_node, "--data", MARKETS, "series", "--kind", "Company", "CHP");
cli_snapshot!(series_markets_unknown_metric, "--data", MARKETS, "series", "--metric", "market_cap");
// A token: the standing values as properties, and the whole series.
cli_snapshot!(show_markets_token, "--data", MARKETS, "--format", "table", "show", "render-token");
// On an earlier day the earlier value stands (the projection never does).
cli_snapshot!(
    show_markets_token_as_of,
    "--data",
    MARKETS,
    "--format",
    "tsv",
    "--as-of",
    "2025-01",
    "show",
    "render-token"
);
// A company: revenue per year; a project: its round counted once, with the lead.
cli_snapshot!(show_markets_company, "--data", MARKETS, "--format", "table", "show", "chipco");
cli_snapshot!(show_markets_project_rounds, "--data", MARKETS, "--format", "table", "show", "render-network");
// A round: its investors, the lead first.
cli_snapshot!(show_markets_round, "--data", MARKETS, "--format", "table", "show", "render-series-a");
// "render" names the project and its token: an error listing both, exit 2.
cli_snapshot!(show_markets_ambiguous_render, "--data", MARKETS, "show", "render");
// Queries read a metric as a node property, as of the view's day.
cli_snapshot!(
    query_markets_metric,
    "--data",
    MARKETS,
    "query",
    "MATCH (t:Token) RETURN t.id, t.market_cap_usd, t.market_cap_usd_as_of, t.price_usd"
);
cli_snapshot!(
    query_markets_metric_before_first,
    "--data",
    MARKETS,
    "--as-of",
    "2024-06",
    "query",
    "MATCH (t:Token) RETURN t.id, t.market_cap_usd, t.market_cap_usd_as_of"
);
// Graph exports carry the standing values; Kùzu's tables declare the metric columns.
cli_snapshot!(export_markets_kuzu, "--data", MARKETS, "export", "--to", "cypher", "--dialect", "kuzu");
cli_snapshot!(stats_markets, "--data", MARKETS, "stats");
// Money cycles follow investor -> round -> project.
cli_snapshot!(cycles_markets, "--data", MARKETS, "cycles");

// The built-in data.
cli_snapshot!(series_builtin, "--format", "tsv", "series");
cli_snapshot!(show_builtin_render, "show", "render");
cli_snapshot!(show_builtin_token_series, "--format", "tsv", "show", "sxt-token");
cli_snapshot!(show_builtin_company_series, "--format", "tsv", "show", "appen");
cli_snapshot!(
    query_builtin_token_supply,
    "query",
    "MATCH (t:Token) WHERE t.total_supply IS NOT NULL RETURN t.id, t.total_supply, t.total_supply_as_of ORDER BY t.id"
);

/// JSON and CSV exports carry the observations and read back as the same dataset.
#[test]
fn markets_exports_round_trip_with_observations() {
    let s = common::Scratch::new("series-roundtrip");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/markets");
    let go = |args: &[&str]| {
        let out = common::run_in(&s.0, args);
        assert!(out.contains("exit: 0"), "{out}");
    };
    go(&["--data", data, "export", "--to", "json", "-o", "a.json"]);
    let a = std::fs::read_to_string(s.0.join("a.json")).unwrap();
    assert!(a.contains("\"observations\"") && a.contains("\"metrics\""), "{a}");
    // A round-trip export carries records, not the values standing on a day.
    assert!(!a.contains("market_cap_usd_as_of"), "{a}");
    go(&["import", "a.json", "-o", "imported"]);
    go(&["--data", "imported", "export", "--to", "json", "-o", "b.json"]);
    assert_eq!(a, std::fs::read_to_string(s.0.join("b.json")).unwrap());
    let schema = format!("{data}/schema.toml");
    go(&["--data", data, "export", "--to", "csv", "-o", "ca"]);
    go(&[
        "import",
        "--schema",
        &schema,
        "ca/nodes.csv",
        "ca/edges.csv",
        "ca/sources.csv",
        "ca/observations.csv",
        "-o",
        "cimported",
    ]);
    go(&["--data", "cimported", "export", "--to", "csv", "-o", "cb"]);
    for f in ["nodes.csv", "edges.csv", "sources.csv", "observations.csv"] {
        let a = std::fs::read_to_string(s.0.join("ca").join(f)).unwrap();
        assert_eq!(a, std::fs::read_to_string(s.0.join("cb").join(f)).unwrap(), "{f}");
    }
}
