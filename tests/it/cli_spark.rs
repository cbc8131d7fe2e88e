//! The Spark side: `--as spark-sql` scripts (their meaning is checked on Spark itself by
//! scripts/compare_spark.py), `--timeless`, and `export --to parquet`.

use crate::common;

use crate::common::run;

const PRODUCTS: &str = "tests/fixtures/products";
const TIME: &str = "tests/fixtures/time";

// The impact script: the cascade as a fixed point, splits by shares, the verdict query.
cli_snapshot!(spark_sql_impact, "--data", PRODUCTS, "impact", "mem-a", "--as", "spark-sql");
// A cut in part does not cascade.
cli_snapshot!(
    spark_sql_impact_cut,
    "--data",
    PRODUCTS,
    "impact",
    "mem-a",
    "--cut",
    "0.5",
    "--as",
    "spark-sql"
);
// The evidence policy is written into the script; tiers are bounded by --depth.
cli_snapshot!(
    spark_sql_downstream_policy,
    "--data",
    PRODUCTS,
    "--min-tier",
    "secondary",
    "--include-unverified",
    "downstream",
    "fab",
    "--depth",
    "2",
    "--as",
    "spark-sql"
);
cli_snapshot!(
    spark_sql_path_constrained,
    "--data",
    PRODUCTS,
    "path",
    "net-hpc",
    "fab",
    "--upstream",
    "--avoid",
    "designer",
    "--layer",
    "hardware",
    "--as",
    "spark-sql"
);
cli_snapshot!(spark_sql_concentration, "--data", PRODUCTS, "concentration", "--as", "spark-sql");
cli_snapshot!(
    spark_sql_concentration_no_series,
    "--data",
    PRODUCTS,
    "concentration",
    "--series",
    "x",
    "--as",
    "spark-sql"
);
cli_snapshot!(
    spark_sql_path_no_all,
    "--data",
    PRODUCTS,
    "path",
    "net-hpc",
    "fab",
    "--all",
    "--as",
    "spark-sql"
);
cli_snapshot!(spark_sql_unknown_node, "--data", PRODUCTS, "upstream", "nosuch", "--as", "spark-sql");
// --timeless: every edge counts, nothing is spared by time (compare time_impact_spares_made_models).
cli_snapshot!(timeless_impact, "--data", TIME, "--format", "table", "impact", "oldfab", "--timeless");
cli_snapshot!(timeless_upstream, "--data", TIME, "--format", "table", "upstream", "model-19", "--timeless");

#[test]
fn parquet_export_writes_three_files_and_nothing_else() {
    let dir = common::Scratch::new("parquet");
    let out = dir.0.join("pq");
    let text = run(&["export", "--to", "parquet", "-o", out.to_str().unwrap()]);
    assert!(
        text.starts_with(&format!("$ aikg export --to parquet -o {}\nexit: 0\n", out.display())),
        "{text}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["edges.parquet", "nodes.parquet", "sources.parquet"]);
    for n in &names {
        let bytes = std::fs::read(out.join(n)).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"), "{n} is not Parquet");
    }
}

#[test]
fn parquet_export_refuses_a_selection() {
    let text = run(&["export", "--to", "parquet", "--focus", "tsmc", "-o", "/nonexistent/x"]);
    assert!(text.contains("exit: 2"), "{text}");
}

/// What the CSV export cannot carry (a list item with `;`, quotes, markup) the Parquet export
/// keeps, item for item.
#[test]
fn parquet_keeps_list_items_the_csv_cannot() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::{Field, ListAccessor, RowAccessor};

    let dir = common::Scratch::new("parquet-hostile");
    let out = dir.0.join("pq");
    let text =
        run(&["--data", "tests/fixtures/hostile", "export", "--to", "parquet", "-o", out.to_str().unwrap()]);
    assert!(text.contains("exit: 0"), "{text}");
    let reader = SerializedFileReader::new(std::fs::File::open(out.join("nodes.parquet")).unwrap()).unwrap();
    let rows: Vec<_> = reader.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
    let quote = rows.iter().find(|r| r.get_string(0).unwrap() == "quote-co").expect("quote-co is exported");
    let (i, _) = quote.get_column_iter().enumerate().find(|(_, (k, _))| k.as_str() == "aliases").unwrap();
    let aliases = quote.get_list(i).unwrap();
    let items: Vec<String> = (0..aliases.len()).map(|j| aliases.get_string(j).unwrap().clone()).collect();
    assert_eq!(items, ["It's \"Q\"", "semi;colon", "comma, inc", "<br>", "list; sep"]);
    // Every row of every table reads back.
    for (table, want) in [("nodes", rows.len()), ("edges", 6), ("sources", 2)] {
        let r = SerializedFileReader::new(std::fs::File::open(out.join(format!("{table}.parquet"))).unwrap())
            .unwrap();
        let n = r
            .get_row_iter(None)
            .unwrap()
            .filter(|row| {
                row.as_ref().is_ok_and(|row| !matches!(row.get_column_iter().next(), Some((_, Field::Null))))
            })
            .count();
        assert_eq!(n, want, "{table}");
    }
}

// Time in the scripts: a made-once model's upstream walks the chain as of its release (the day of
// the walk), every edge on the day its ends' owners hold it (acquisitions), the data's today
// computed from the sources.
cli_snapshot!(spark_sql_upstream_in_time, "--data", TIME, "upstream", "model-19", "--as", "spark-sql");
// --as-of writes its day (the last day of the period) into the script; downstream spares the
// artifacts the start did not reach when they were released, found by a walk on each such day.
cli_snapshot!(
    spark_sql_downstream_as_of,
    "--data",
    TIME,
    "--as-of",
    "2020-06",
    "downstream",
    "oldfab",
    "--as",
    "spark-sql"
);
// Impact spares every made-once artifact already released; --timeless keeps the script of every
// edge (nothing spared).
cli_snapshot!(spark_sql_impact_in_time, "--data", TIME, "impact", "oldfab", "--as", "spark-sql");
cli_snapshot!(
    spark_sql_impact_timeless,
    "--data",
    TIME,
    "impact",
    "oldfab",
    "--timeless",
    "--as",
    "spark-sql"
);
