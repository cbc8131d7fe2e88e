//! The happy paths of `gen`, `import` and `export --to cypher`, snapshotted whole like `cli.rs`:
//! a generated folder and an imported one open with `--data`, and the Cypher scripts of the mini
//! fixture for Neo4j and Kùzu.

use std::path::Path;

use crate::common::{run, run_in, settings, Scratch};

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn gen_then_stats() {
    let s = Scratch::new("gen");
    let generated = run_in(&s.0, &["gen", "--nodes", "200", "--edges", "600", "--seed", "3", "-o", "gen"]);
    assert!(generated.contains("exit: 0\n"), "{generated}");
    let names: Vec<String> = files(&s.0.join("gen")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["aikg.cache", "edges.toml", "nodes.toml", "schema.toml", "sources.toml"]);
    // The cache and the TOML files hold the same dataset, and it is valid.
    let stats = run_in(&s.0, &["--data", "gen", "--format", "table", "stats"]);
    let check = run_in(&s.0, &["--data", "gen", "--format", "table", "check"]);
    std::fs::remove_file(s.0.join("gen/aikg.cache")).unwrap();
    assert_eq!(run_in(&s.0, &["--data", "gen", "--format", "table", "stats"]), stats);
    settings().bind(|| {
        insta::assert_snapshot!("gen_200_600_seed_3", generated);
        insta::assert_snapshot!("gen_200_600_seed_3_stats", stats);
        insta::assert_snapshot!("gen_200_600_seed_3_check", check);
    });
}

#[test]
fn gen_is_deterministic() {
    let s = Scratch::new("gen-twice");
    for (dir, seed) in [("a", "3"), ("b", "3"), ("c", "4")] {
        let out = run_in(&s.0, &["gen", "--nodes", "120", "--edges", "300", "--seed", seed, "-o", dir]);
        assert!(out.contains("exit: 0\n"), "{out}");
    }
    let toml = |dir: &str| -> Vec<(String, Vec<u8>)> {
        files(&s.0.join(dir)).into_iter().filter(|(n, _)| n.ends_with(".toml")).collect()
    };
    assert_eq!(toml("a"), toml("b"), "the same seed gives the same files");
    assert_ne!(toml("a"), toml("c"), "another seed gives another dataset");
}

#[test]
fn import_json_export_then_show() {
    let s = Scratch::new("import");
    let export = run_in(&s.0, &["export", "--to", "json", "-o", "builtin.json"]);
    assert!(export.contains("exit: 0\n"), "{export}");
    let imported = run_in(&s.0, &["import", "builtin.json", "-o", "imported"]);
    let show = run_in(&s.0, &["--data", "imported", "--format", "table", "show", "h100"]);
    // The imported folder answers as the built-in data does, apart from where nodes are defined.
    let builtin = run(&["--format", "table", "show", "h100"]);
    let defined_at = |text: &str| -> String {
        text.lines().filter(|l| !l.contains("defined at")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(defined_at(&show.replacen("--data imported ", "", 1)), defined_at(&builtin));
    settings().bind(|| {
        insta::assert_snapshot!("import_builtin_json", imported);
        insta::assert_snapshot!("import_builtin_json_show_h100", show);
    });
}

#[test]
fn import_into_an_empty_folder_and_with_force() {
    let s = Scratch::new("import-force");
    run_in(&s.0, &["export", "--to", "json", "-o", "builtin.json"]);
    std::fs::create_dir(s.0.join("empty")).unwrap();
    let into_empty = run_in(&s.0, &["import", "builtin.json", "-o", "empty"]);
    assert!(into_empty.contains("exit: 0\n"), "{into_empty}");
    std::fs::write(s.0.join("empty/stray.txt"), "x").unwrap();
    let refused = run_in(&s.0, &["import", "builtin.json", "-o", "empty"]);
    assert!(refused.contains("exit: 2\n"), "{refused}");
    let forced = run_in(&s.0, &["import", "builtin.json", "-o", "empty", "--force"]);
    assert!(forced.contains("exit: 0\n"), "{forced}");
    assert!(!s.0.join("empty/stray.txt").exists(), "--force replaces the folder");
    let left: Vec<String> = std::fs::read_dir(&s.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary folders left behind: {left:?}");
}

#[test]
fn export_cypher_neo4j() {
    settings().bind(|| {
        insta::assert_snapshot!(
            "export_cypher_neo4j_mini",
            run(&["--data", "tests/fixtures/mini", "export", "--to", "cypher", "--dialect", "neo4j"])
        );
    });
}

#[test]
fn export_cypher_kuzu() {
    settings().bind(|| {
        insta::assert_snapshot!(
            "export_cypher_kuzu_mini",
            run(&["--data", "tests/fixtures/mini", "export", "--to", "cypher", "--dialect", "kuzu"])
        );
    });
}

#[test]
fn export_cypher_memgraph() {
    settings().bind(|| {
        insta::assert_snapshot!(
            "export_cypher_memgraph_mini",
            run(&["--data", "tests/fixtures/mini", "export", "--to", "cypher", "--dialect", "memgraph"])
        );
    });
}

#[test]
fn export_cypher_falkordb() {
    settings().bind(|| {
        insta::assert_snapshot!(
            "export_cypher_falkordb_mini",
            run(&["--data", "tests/fixtures/mini", "export", "--to", "cypher", "--dialect", "falkordb"])
        );
    });
}

/// `show` names the file and line a node is defined at. In a folder written by `import` or `gen`
/// that is the folder's nodes.toml, whether the dataset comes from the cache or from the TOML.
#[test]
fn written_folders_name_their_own_files_as_origins() {
    let s = Scratch::new("origins");
    run_in(&s.0, &["export", "--to", "json", "-o", "builtin.json"]);
    run_in(&s.0, &["import", "builtin.json", "-o", "imported"]);
    run_in(&s.0, &["gen", "--nodes", "120", "--edges", "300", "-o", "gen"]);
    for (dir, node) in [("imported", "h100"), ("gen", "chip-1")] {
        let defined_at = || -> String {
            let out = run_in(&s.0, &["--data", dir, "--format", "tsv", "show", node]);
            out.lines().find(|l| l.starts_with("defined at")).unwrap_or_default().to_string()
        };
        let from_cache = defined_at();
        std::fs::remove_file(s.0.join(dir).join("aikg.cache")).unwrap();
        let from_toml = defined_at();
        assert!(from_toml.contains(&format!("{dir}/nodes.toml:")), "{from_toml}");
        assert_eq!(from_cache, from_toml, "{dir}: the cache and the TOML files disagree on the origin");
    }
}

/// A write killed halfway leaves a hidden `.NAME.aikg-tmp-PID`; the next write to the same
/// destination removes it once its process is gone (on systems with /proc), and leaves a live
/// process's alone.
#[test]
fn the_next_write_clears_what_a_killed_write_left() {
    if !Path::new("/proc").is_dir() {
        return; // liveness cannot be told here: leftovers are kept, as documented
    }
    let scratch = Scratch::new("leftovers");
    let dead = scratch.0.join(".out.aikg-tmp-4294967295");
    std::fs::create_dir_all(dead.join("inside")).unwrap();
    let live = scratch.0.join(format!(".out.aikg-tmp-{}", std::process::id()));
    std::fs::write(&live, "a write in progress").unwrap();
    let out = run_in(&scratch.0, &["gen", "--nodes", "400", "--edges", "800", "--seed", "1", "-o", "out"]);
    assert!(out.contains("exit: 0"), "{out}");
    assert!(!dead.exists(), "a dead process's leftover stays: {out}");
    assert!(live.exists(), "a live process's temporary file was removed");
}
