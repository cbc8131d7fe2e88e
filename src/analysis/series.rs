//! Series: dated observations of a node's metric (`[[observation]]`), and the value that stands
//! on a day.
//!
//! - On a day, a node's metric is its latest observation dated at or before that day (a date
//!   names a period and is read as its last day: a value for "2024" stands from 2024-12-31).
//!   Of several on the same date (other periods), the first in the data stands.
//! - A `projected` observation is a forecast: it never stands, whatever the day.
//! - The standing value is shown as the node property named after the metric, and its date as
//!   `<metric>_as_of`, wherever node properties are read (queries, `show`, the graph exports);
//!   the round-trip exports (JSON, CSV, the dataset folder) carry the observations themselves.

use std::collections::BTreeMap;

use crate::model::{Dataset, Day, FastMap, NodeIx, Observation, Value};

/// The confidence of a forecast, which never stands.
pub const PROJECTED: &str = "projected";
pub use crate::model::METRIC_AS_OF_SUFFIX as AS_OF_SUFFIX;

/// The observation of each (node id, metric) that stands on `day` (every day, when `None`).
pub fn standing(observations: &[Observation], day: Option<Day>) -> BTreeMap<(&str, &str), &Observation> {
    let mut out: BTreeMap<(&str, &str), (Day, &Observation)> = BTreeMap::new();
    for o in observations.iter().filter(|o| o.confidence() != PROJECTED) {
        let Some(at) = Day::last(&o.date) else { continue };
        if day.is_some_and(|d| at > d) {
            continue;
        }
        let slot = out.entry((o.node.0.as_str(), o.metric.as_str())).or_insert((at, o));
        if at > slot.0 {
            *slot = (at, o);
        }
    }
    out.into_iter().map(|(k, (_, o))| (k, o)).collect()
}

/// Writes each node's standing metrics on `day` into its properties: `<metric>` (a number) and
/// `<metric>_as_of` (the observation's date). The schema keeps these names free for them.
pub fn apply(d: &mut Dataset, day: Option<Day>) {
    if d.observations.is_empty() {
        return;
    }
    // Read from the ids alone, so that a stored dataset decodes only the nodes observed.
    let index: FastMap<&str, NodeIx> = (0..d.nodes.len()).map(|ix| (d.node_id(ix), ix)).collect();
    let mut values: Vec<(NodeIx, String, f64, String)> = Vec::new();
    for ((node, metric), o) in standing(&d.observations, day) {
        if let Some(&ix) = index.get(node) {
            values.push((ix, metric.to_string(), o.value, o.date.clone()));
        }
    }
    // Made when each node is read: a stored dataset decodes no node for it.
    for (ix, metric, value, date) in values {
        let dated = format!("{metric}{AS_OF_SUFFIX}");
        d.nodes.update(ix, move |n| {
            n.props.insert(dated.clone(), Value::Str(date.clone()));
            n.props.insert(metric.clone(), Value::Float(value));
        });
    }
}

/// The observations of the nodes `keep` admits, sorted by node id, metric, date (by the period
/// it ends) and period.
pub fn rows<'a>(
    observations: &'a [Observation],
    keep: &dyn Fn(&Observation) -> bool,
) -> Vec<&'a Observation> {
    let mut out: Vec<&Observation> = observations.iter().filter(|o| keep(o)).collect();
    out.sort_by(|a, b| {
        (&a.node, &a.metric, Day::last(&a.date), &a.date, &a.period).cmp(&(
            &b.node,
            &b.metric,
            Day::last(&b.date),
            &b.date,
            &b.period,
        ))
    });
    out
}

/// A value in a unit, for people: `$1.25B`, `2.5M tokens`, `415 TWh`.
pub fn display(value: f64, unit: &str) -> String {
    let scaled = |v: f64| -> String {
        let (x, suffix) = match v.abs() {
            a if a >= 1e12 => (v / 1e12, "T"),
            a if a >= 1e9 => (v / 1e9, "B"),
            a if a >= 1e6 => (v / 1e6, "M"),
            a if a >= 1e4 => (v / 1e3, "K"),
            _ => (v, ""),
        };
        let text = if suffix.is_empty() && x.fract() != 0.0 {
            format!("{}", (x * 1e4).round() / 1e4)
        } else {
            format!("{}", (x * 100.0).round() / 100.0)
        };
        format!("{text}{suffix}")
    };
    match unit {
        "usd" => format!("${}", scaled(value)),
        "usd_per_token" => format!("${}", scaled(value)),
        "tokens" => format!("{} tokens", scaled(value)),
        "twh" => format!("{} TWh", scaled(value)),
        "gw" => format!("{} GW", scaled(value)),
        other => format!("{} {other}", scaled(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeId, SourceId};

    fn obs(node: &str, metric: &str, value: f64, date: &str, confidence: Option<&str>) -> Observation {
        Observation {
            node: NodeId(node.into()),
            metric: metric.into(),
            value,
            date: date.into(),
            period: None,
            confidence: confidence.map(str::to_string),
            sources: vec![SourceId("s".into())],
            note: None,
        }
    }

    fn value_on(all: &[Observation], day: &str) -> Option<f64> {
        standing(all, Day::last(day)).get(&("tao", "market_cap_usd")).map(|o| o.value)
    }

    #[test]
    fn the_latest_observation_at_or_before_the_day_stands() {
        let all = vec![
            obs("tao", "market_cap_usd", 2.0e9, "2024-06-30", None),
            obs("tao", "market_cap_usd", 3.0e9, "2025-01-15", Some("estimated")),
            obs("tao", "market_cap_usd", 9.0e9, "2030", Some(PROJECTED)),
        ];
        // Before the first observation: nothing stands.
        assert_eq!(value_on(&all, "2024-06-29"), None);
        assert_eq!(value_on(&all, "2024-06-30"), Some(2.0e9));
        // Between two observations: the earlier one.
        assert_eq!(value_on(&all, "2024-12"), Some(2.0e9));
        assert_eq!(value_on(&all, "2025-01"), Some(3.0e9));
        // A projection never stands, even on or after its date.
        assert_eq!(value_on(&all, "2031"), Some(3.0e9));
        assert_eq!(standing(&all, None)[&("tao", "market_cap_usd")].value, 3.0e9);
    }

    #[test]
    fn a_year_stands_from_its_last_day() {
        let all = vec![obs("tao", "market_cap_usd", 1.0, "2024", None)];
        assert_eq!(value_on(&all, "2024-12-30"), None);
        assert_eq!(value_on(&all, "2024"), Some(1.0));
    }

    #[test]
    fn applied_values_are_properties_with_their_date() {
        let mut d = Dataset::default();
        d.nodes.push(crate::model::Node {
            name: "TAO".into(),
            ..crate::model::Node::bare("tao".into(), "Token".into(), "crypto".into())
        });
        d.observations = vec![
            obs("tao", "market_cap_usd", 2.0e9, "2024-06-30", None),
            obs("gone", "market_cap_usd", 1.0, "2024-06-30", None),
        ];
        apply(&mut d, Day::last("2025"));
        let p = &d.nodes[0].props;
        assert_eq!(p.get("market_cap_usd"), Some(&Value::Float(2.0e9)));
        assert_eq!(p.get("market_cap_usd_as_of"), Some(&Value::Str("2024-06-30".into())));
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(display(1.25e9, "usd"), "$1.25B");
        assert_eq!(display(0.4512, "usd_per_token"), "$0.4512");
        assert_eq!(display(2.5e6, "tokens"), "2.5M tokens");
        assert_eq!(display(415.0, "twh"), "415 TWh");
        assert_eq!(display(21_000_000.0, "tokens"), "21M tokens");
    }
}
