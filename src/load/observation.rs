//! `[[metric]]` in the schema and `[[observation]]` records: dated values of a node's metric (a
//! token's market capitalisation, a company's revenue), checked like prices.

use std::collections::BTreeSet;

use super::raw::{RawMetric, RawObservation};
use super::{Checker, Known};
use crate::diag::Diagnostic;
use crate::model::*;

const AS_OF_SUFFIX: &str = METRIC_AS_OF_SUFFIX;

/// A metric id: lowercase snake case, like `market_cap_usd`.
fn is_metric_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.split('_')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// Checks the schema's `[[metric]]` tables against its kinds; returns them in file order.
pub(super) fn check_metrics(
    ck: &mut Checker,
    file: usize,
    raw: Vec<RawMetric>,
    schema: &Schema,
) -> Vec<Metric> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in raw {
        let id = m.id.get_ref();
        if !is_metric_id(id) {
            ck.error(file, m.id.span(), format!("malformed metric id `{id}`")).help =
                Some("metric ids are lowercase snake case with the unit last, like `market_cap_usd`".into());
        }
        if !seen.insert(id.clone()) {
            ck.error(file, m.id.span(), format!("duplicate metric `{id}`"));
        }
        if m.unit.get_ref().trim().is_empty() {
            ck.error(file, m.unit.span(), format!("metric `{id}` has an empty unit")).help =
                Some("name the unit: usd, tokens, usd_per_token, twh, gw…".into());
        }
        if m.kinds.is_empty() {
            ck.error(file, m.id.span(), format!("metric `{id}` describes no kind")).help =
                Some("list the node kinds it may describe: kinds = [\"Token\"]".into());
        }
        let as_of = format!("{id}{AS_OF_SUFFIX}");
        let is_node_field = |name: &str| crate::fields::find(&crate::fields::NODE, name).is_some();
        if is_node_field(id) || is_node_field(&as_of) {
            ck.error(file, m.id.span(), format!("metric `{id}` has the name of a node field"));
        }
        for k in &m.kinds {
            match schema.kind(k.get_ref()) {
                None => {
                    let names = schema.kinds.iter().map(|k| k.id.as_str());
                    let d = Diagnostic::error(file, k.span(), format!("unknown kind `{}`", k.get_ref()))
                        .suggest(k.get_ref(), names);
                    ck.diags.push(d);
                }
                Some(kind) => {
                    if let Some(p) = [id, &as_of].into_iter().find(|p| kind.props.contains_key(p.as_str())) {
                        ck.error(file, k.span(), format!("kind {} already has a property `{p}`", kind.id)).help =
                            Some(format!("a metric's standing value is the node property `{id}` (and `{as_or}`): remove the property from the kind, or name the metric otherwise", as_or = as_of));
                    }
                }
            }
        }
        out.push(Metric {
            id: m.id.into_inner(),
            description: m.description,
            unit: m.unit.into_inner(),
            kinds: m.kinds.into_iter().map(|k| k.into_inner()).collect(),
            flow: m.flow,
        });
    }
    out
}

/// Checks every `[[observation]]` of every file; returns the valid ones in file order.
pub(super) fn check_observations(ck: &mut Checker, known: &Known) -> Vec<Observation> {
    let schema = known.schema;
    let metric_ids: Vec<&str> = schema.metrics.iter().map(|m| m.id.as_str()).collect();
    let mut seen: BTreeSet<(String, String, String, Option<String>)> = BTreeSet::new();
    let mut out = Vec::new();
    for (file, raw) in known.files {
        for o in &raw.observation {
            let span = o.span();
            let o: &RawObservation = o.get_ref();
            let node = known.node(ck, *file, &o.node).map(|ix| &known.nodes[ix]);
            let metric = schema.metric(o.metric.get_ref());
            if metric.is_none() {
                let d = Diagnostic::error(
                    *file,
                    o.metric.span(),
                    format!("unknown metric `{}`", o.metric.get_ref()),
                )
                .suggest(o.metric.get_ref(), metric_ids.iter().copied());
                ck.diags.push(d);
            }
            let mut kind_ok = true;
            if let (Some(n), Some(m)) = (node, metric) {
                if !m.kinds.iter().any(|k| *k == n.kind) {
                    kind_ok = false;
                    ck.error(
                        *file,
                        o.metric.span(),
                        format!("metric `{}` does not describe a {}", m.id, n.kind),
                    )
                    .help = Some(format!(
                        "`{}` describes a {}; `{}` is a {}",
                        m.id,
                        m.kinds.join(" or "),
                        n.id,
                        n.kind
                    ));
                }
            }
            let value = *o.value.get_ref();
            let value_ok = value.is_finite() && value >= 0.0;
            if !value_ok {
                ck.error(
                    *file,
                    o.value.span(),
                    format!("value {value} is not a finite number at or above 0"),
                )
                .help = Some(
                    "write the figure in the metric's unit, like 1.25e9 for 1.25 billion US dollars".into(),
                );
            }
            let date_ok = super::is_date(o.date.get_ref());
            ck.date(*file, &Some(o.date.clone()), "date");
            ck.non_empty(*file, span.clone(), "note", o.note.as_deref());
            if let Some(p) = &o.period {
                ck.non_empty(*file, p.span(), "period", [p.get_ref().as_str()]);
            }
            let mut confidence_ok = true;
            if let Some(c) = &o.confidence {
                if !OBSERVATION_CONFIDENCES.contains(&c.get_ref().as_str()) {
                    confidence_ok = false;
                    let d =
                        Diagnostic::error(*file, c.span(), format!("unknown confidence `{}`", c.get_ref()))
                            .suggest(c.get_ref(), OBSERVATION_CONFIDENCES.iter().copied());
                    ck.diags.push(d);
                }
            }
            let cited = ck.sources(*file, &o.sources, known.sources, span.clone(), "observation");
            if node.is_none()
                || metric.is_none()
                || !kind_ok
                || !value_ok
                || !date_ok
                || !confidence_ok
                || cited.len() != o.sources.len()
                || cited.is_empty()
            {
                continue;
            }
            let period = o.period.as_ref().map(|p| p.get_ref().clone());
            let key = (
                o.node.get_ref().clone(),
                o.metric.get_ref().clone(),
                o.date.get_ref().clone(),
                period.clone(),
            );
            if !seen.insert(key) {
                let of = period.as_deref().map(|p| format!(" for {p}")).unwrap_or_default();
                ck.error(
                    *file,
                    o.date.span(),
                    format!("duplicate observation of `{}` {} on {}{of}", o.node.get_ref(), o.metric.get_ref(), o.date.get_ref()),
                )
                .help = Some("one observation per node, metric, date and period: keep the better-sourced one, or put the other in a claim".into());
                continue;
            }
            out.push(Observation {
                node: NodeId(o.node.get_ref().clone()),
                metric: o.metric.get_ref().clone(),
                value,
                date: o.date.get_ref().clone(),
                period,
                confidence: o.confidence.as_ref().map(|c| c.get_ref().clone()),
                sources: cited,
                note: o.note.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Texts;

    /// The errors of loading a bad-data case, as (file name, line, message).
    fn errors(case: [(&str, &str); 3]) -> Vec<(String, usize, String)> {
        let texts = Texts::of(case);
        match crate::load::load(&texts) {
            Err(crate::load::LoadError::Invalid(diags)) => diags
                .iter()
                .map(|d| {
                    let (name, text) = &texts.files[d.file];
                    (name.clone(), text[..d.span.start].matches('\n').count() + 1, d.message.clone())
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_bad_observation_is_a_located_error() {
        let got = errors([
            ("schema.toml", include_str!("../../tests/bad-data/bad-observations/schema.toml")),
            ("sources.toml", include_str!("../../tests/bad-data/bad-observations/sources.toml")),
            ("chain.toml", include_str!("../../tests/bad-data/bad-observations/chain.toml")),
        ]);
        let want = [
            (59, "no node has id `fabcoo`"),
            (67, "unknown metric `revenue_us`"),
            (74, "metric `market_cap_usd` does not describe a Company"),
            (83, "`date` is not a date: `FY2024`"),
            (86, "observation cites no source"),
            (97, "unknown source `example-fabb`"),
            (102, "value NaN is not a finite number at or above 0"),
            (109, "value -5 is not a finite number at or above 0"),
            (118, "unknown confidence `forecast`"),
            (133, "duplicate observation of `fabco` revenue_usd on 2023 for FY2023"),
            (142, "empty `period`"),
        ];
        let got: Vec<(usize, &str)> = got
            .iter()
            .map(|(file, line, msg)| {
                assert_eq!(file, "chain.toml");
                (*line, msg.as_str())
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn every_bad_metric_is_a_located_error() {
        let got = errors([
            ("schema.toml", include_str!("../../tests/bad-data/bad-metrics/schema.toml")),
            ("sources.toml", include_str!("../../tests/bad-data/bad-metrics/sources.toml")),
            ("chain.toml", include_str!("../../tests/bad-data/bad-metrics/chain.toml")),
        ]);
        let want = [
            (42, "malformed metric id `Market-Cap`"),
            (48, "metric `revenue_usd` has an empty unit"),
            (49, "unknown kind `Compnay`"),
            (52, "duplicate metric `revenue_usd`"),
            (52, "metric `revenue_usd` describes no kind"),
            (59, "kind Company already has a property `ticker`"),
            (62, "metric `name` has the name of a node field"),
        ];
        let got: Vec<(usize, &str)> = got
            .iter()
            .map(|(file, line, msg)| {
                assert_eq!(file, "schema.toml");
                (*line, msg.as_str())
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn valid_observations_load_in_file_order() {
        let d = crate::load::load(&Texts {
            files: [
                ("schema.toml", include_str!("../../tests/fixtures/markets/schema.toml")),
                ("sources.toml", include_str!("../../tests/fixtures/markets/sources.toml")),
                ("chain.toml", include_str!("../../tests/fixtures/markets/chain.toml")),
                ("observations.toml", include_str!("../../tests/fixtures/markets/observations.toml")),
            ]
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
        })
        .expect("the markets fixture is valid")
        .dataset;
        assert_eq!(d.schema.metrics.len(), 3);
        assert!(d.schema.metric("revenue_usd").is_some_and(|m| m.flow));
        let first = &d.observations[0];
        assert_eq!(
            (first.node.0.as_str(), first.metric.as_str(), first.value),
            ("render-token", "market_cap_usd", 2.1e9)
        );
        assert_eq!(first.confidence(), "reported");
        assert_eq!(d.observations[1].confidence(), "estimated");
        assert_eq!(d.observations[4].period.as_deref(), Some("FY2024"));
        assert_eq!(d.observations.len(), 6);
    }

    #[test]
    fn metric_ids() {
        for good in ["price_usd", "market_cap_usd", "electricity_twh", "h100_count"] {
            assert!(is_metric_id(good), "{good}");
        }
        for bad in ["", "Price", "price-usd", "_x", "x_", "a__b", "1x"] {
            assert!(!is_metric_id(bad), "{bad}");
        }
    }
}
