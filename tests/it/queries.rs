//! Every saved analyst question in `queries/` runs and its table is snapshotted: adding a query
//! file adds a test. A query file without a snapshot, or a snapshot without a query file, fails.

use crate::common::{run, settings};

/// The `// Params: a=1, b='x'` line of a query file, as `--param` arguments.
fn params(text: &str) -> Vec<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("// Params:"))
        .map(|p| {
            p.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .flat_map(|kv| ["--param".to_string(), kv.to_string()])
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn query() {
    settings().bind(|| {
        insta::glob!("../../queries", "*.cypher", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(text.starts_with("// Question: "), "{} must start with `// Question: …`", path.display());
            let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
            let mut args =
                vec!["--format".to_string(), "table".to_string(), "query".to_string(), "-f".to_string(), rel];
            args.extend(params(&text));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run(&args);
            assert!(out.contains("exit: 0\n"), "{out}");
            insta::assert_snapshot!(out);
        });
    });
}

#[test]
fn every_query_has_a_snapshot_and_every_snapshot_a_query() {
    let root = env!("CARGO_MANIFEST_DIR");
    let queries: std::collections::BTreeSet<String> = std::fs::read_dir(format!("{root}/queries"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".cypher"))
        .collect();
    let snapshots: std::collections::BTreeSet<String> = std::fs::read_dir(format!("{root}/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_prefix("query@").and_then(|r| r.strip_suffix(".snap")).map(String::from))
        .collect();
    assert!(queries.len() >= 25, "only {} saved queries", queries.len());
    assert_eq!(queries, snapshots, "queries/ and snapshots/query@*.snap must match one to one");
}
