//! Diagrams: DOT and Mermaid text snapshotted for the overview, a focus view and a layer view;
//! every DOT the tests produce is run through Graphviz `dot -Tsvg`, which must accept it; hostile
//! labels must come out of `dot` exactly as written.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{run, settings};

/// The stdout part of a captured run.
fn stdout(out: &str) -> &str {
    out.split("--- stdout\n").nth(1).unwrap().split("--- stderr\n").next().unwrap()
}

/// Runs `dot -Tsvg` on DOT text; fails the test if `dot` rejects it.
fn svg(dot: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is on PATH (scripts/test installs it)");
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "dot rejected the DOT:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of every `<text>` element of an SVG, XML entities decoded.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|chunk| chunk.rfind('>').map(|i| &chunk[i + 1..]))
        .map(|t| {
            t.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

macro_rules! diagram_snapshot {
    ($name:ident, $($arg:expr),*) => {
        #[test]
        fn $name() {
            let out = run(&[$($arg),*]);
            assert!(out.contains("exit: 0"), "{out}");
            if out.contains("--to dot") {
                svg(stdout(&out));
            }
            settings().bind(|| insta::assert_snapshot!(stringify!($name), out));
        }
    };
}

diagram_snapshot!(dot_overview, "export", "--to", "dot", "--overview");
diagram_snapshot!(mermaid_overview, "export", "--to", "mermaid", "--overview");
diagram_snapshot!(dot_focus_io_net, "export", "--to", "dot", "--focus", "io-net", "--depth", "3");
diagram_snapshot!(mermaid_focus_io_net, "export", "--to", "mermaid", "--focus", "io-net", "--depth", "3");
diagram_snapshot!(
    dot_layer_semiconductors,
    "export",
    "--to",
    "dot",
    "--layer",
    "semiconductors",
    "--rel",
    "MANUFACTURES,SUPPLIES,PACKAGES"
);
diagram_snapshot!(
    mermaid_layer_semiconductors,
    "export",
    "--to",
    "mermaid",
    "--layer",
    "semiconductors",
    "--rel",
    "MANUFACTURES,SUPPLIES,PACKAGES"
);
diagram_snapshot!(dot_hostile, "--data", "tests/fixtures/hostile", "export", "--to", "dot");
diagram_snapshot!(mermaid_hostile, "--data", "tests/fixtures/hostile", "export", "--to", "mermaid");

#[test]
fn every_focus_direction_and_the_whole_graph_pass_dot() {
    for dir in ["upstream", "downstream", "supply", "out", "in", "both"] {
        let out = run(&["export", "--to", "dot", "--focus", "tsmc", "--depth", "2", "--direction", dir]);
        assert!(out.contains("exit: 0"), "{out}");
        svg(stdout(&out));
    }
    svg(stdout(&run(&["export", "--to", "dot"])));
}

#[test]
fn hostile_labels_render_exactly() {
    let out = run(&["--data", "tests/fixtures/hostile", "export", "--to", "dot"]);
    let texts = svg_texts(&svg(stdout(&out)));
    for expected in [
        "Say \"hi\" Ltd",
        "引号公司",
        "C:\\path\\n x",
        "a<b> & c | d [e] #f; g,h",
        "first line",
        "second: line",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected:?} not in {texts:?}");
    }
}

#[test]
fn render_writes_svg_and_png() {
    let dir = std::env::temp_dir().join(format!("aikg-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, magic) in [("x.svg", &b"<?xml"[..]), ("x.png", &b"\x89PNG"[..])] {
        let path = dir.join(file);
        let out = run(&["render", "--focus", "io-net", "--depth", "2", "-o", path.to_str().unwrap()]);
        assert!(out.contains("exit: 0"), "{out}");
        assert!(std::fs::read(&path).unwrap().starts_with(magic), "{file}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_errors() {
    settings().bind(|| {
        insta::assert_snapshot!("render_bad_extension", run(&["render", "--overview", "-o", "tests/x.jpg"]));
        insta::assert_snapshot!(
            "export_json_with_selection",
            run(&["export", "--to", "json", "--focus", "tsmc"])
        );
        insta::assert_snapshot!(
            "overview_conflicts_with_focus",
            run(&["export", "--to", "dot", "--overview", "--focus", "tsmc"])
        );
    });
    assert!(!std::path::Path::new("tests/x.jpg").exists());
}

#[test]
fn render_without_graphviz_says_how_to_install_it_and_writes_nothing() {
    let target = std::env::temp_dir().join(format!("aikg-nodot-{}.svg", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_aikg"))
        .args(["render", "--overview", "-o", target.to_str().unwrap()])
        .env("PATH", "/nonexistent")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Graphviz `dot` is not installed"), "{stderr}");
    assert!(stderr.contains("apt-get install graphviz"), "{stderr}");
    assert!(!target.exists());
}

diagram_snapshot!(
    dot_query_selection,
    "export",
    "--to",
    "dot",
    "--query",
    "MATCH p = (n:Project {id: 'io-net'})-[:OFFERS]->(c:Chip)<-[:MANUFACTURES]-(f) RETURN p"
);

#[test]
fn query_selection_errors_point_into_the_query() {
    settings().bind(|| {
        insta::assert_snapshot!(
            "diagram_query_error",
            run(&["export", "--to", "dot", "--query", "MATCH (n:Chipp) RETURN n"])
        );
    });
}

diagram_snapshot!(graphml_hostile, "--data", "tests/fixtures/hostile", "export", "--to", "graphml");
