//! The built-in dataset meets its coverage and quality bar. These tests read the data compiled
//! into the library, in-process.

use aikg::analysis::path::{shortest_paths, Constraints};
use aikg::graph::KnowledgeGraph;

fn built_in() -> (KnowledgeGraph, usize) {
    let texts = aikg::embedded::texts();
    match aikg::load::load(&texts) {
        Ok(loaded) => (KnowledgeGraph::new(loaded.dataset), loaded.warnings.len()),
        Err(e) => panic!("the built-in dataset does not load: {e:?}"),
    }
}

#[test]
fn loads_with_no_errors_and_no_warnings() {
    let (_, warnings) = built_in();
    assert_eq!(warnings, 0);
}

#[test]
fn covers_every_layer_at_the_promised_size() {
    let (g, _) = built_in();
    let d = &g.dataset;
    assert!(d.nodes.len() >= 300, "{} nodes", d.nodes.len());
    assert!(d.edges.len() >= 700, "{} edges", d.edges.len());
    for layer in &d.schema.layers {
        assert!(d.nodes.iter().any(|n| n.layer == layer.id), "layer {} is empty", layer.id);
    }
    let projects = d.nodes.iter().filter(|n| n.layer == "crypto" && n.kind == "Project").count();
    assert!(projects >= 60, "{projects} crypto projects");
    for seg in &d.schema.layer("crypto").unwrap().segments {
        assert!(
            d.nodes.iter().any(|n| n.segment.as_ref().is_some_and(|s| s == seg)),
            "crypto segment {seg} is empty"
        );
    }
}

#[test]
fn every_crypto_compute_network_reaches_the_euv_supplier_through_supply_edges() {
    let (g, _) = built_in();
    let asml = g.resolve("asml").unwrap();
    let upstream = Constraints { upstream: true, ..Constraints::default() };
    let networks: Vec<usize> = (0..g.node_count())
        .filter(|&i| {
            let n = g.node(i);
            n.kind == "Project" && n.segment.as_deref() == Some("compute")
        })
        .collect();
    assert!(networks.len() >= 10);
    // Networks whose citable sources name no chip (Fluence's providers rent data-centre servers,
    // NetMind's contributors their GPUs, neither saying which): listed so that a new gap fails,
    // and so does this list once the data closes a gap.
    const NO_HARDWARE_KNOWN: &[&str] = &["fluence", "netmind"];
    for n in networks {
        let found = shortest_paths(&g, n, asml, &upstream, 1);
        let id = g.node(n).id.0.as_str();
        if NO_HARDWARE_KNOWN.contains(&id) {
            assert!(found.paths.is_empty(), "{id} now reaches asml: take it off NO_HARDWARE_KNOWN");
        } else {
            assert!(!found.paths.is_empty(), "no supply path from {id} to asml");
        }
    }
}

#[test]
fn the_seed_disagreements_are_recorded_as_claims() {
    let (g, _) = built_in();
    let gpt4 = g.node(g.resolve("gpt-4").unwrap());
    assert!(gpt4
        .claims
        .iter()
        .any(|c| c.prop == "start" && c.sources.iter().any(|s| s.0 == "seed-gate-ventures-2024")));
    assert!(gpt4.claims.iter().filter(|c| c.prop == "params").count() >= 2);
    assert!(!gpt4.props.contains_key("params"), "OpenAI never disclosed GPT-4's size");
}
