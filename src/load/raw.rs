//! The data file formats as written, with spans kept on everything an error may point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSchema {
    #[serde(default)]
    pub(crate) layer: Vec<RawLayer>,
    #[serde(default)]
    pub(crate) kind: Vec<RawKind>,
    #[serde(default)]
    pub(crate) relation: Vec<RawRelation>,
    #[serde(default)]
    pub(crate) domain: Vec<RawDomain>,
    #[serde(default)]
    pub(crate) metric: Vec<RawMetric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMetric {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) unit: Spanned<String>,
    pub(crate) kinds: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) flow: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDomain {
    pub(crate) domain: Spanned<String>,
    #[serde(default)]
    pub(crate) publisher: String,
    pub(crate) kind: Spanned<String>,
    pub(crate) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLayer {
    pub(crate) id: Spanned<String>,
    pub(crate) name: String,
    pub(crate) name_zh: Option<String>,
    pub(crate) color: Spanned<String>,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) segments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKind {
    pub(crate) id: Spanned<String>,
    pub(crate) shape: Spanned<String>,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) props: BTreeMap<Spanned<String>, Spanned<String>>,
    pub(crate) lifecycle: Option<Spanned<String>>,
    pub(crate) start_label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelation {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) supply: Option<Spanned<String>>,
    pub(crate) required: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) required_for: Vec<Spanned<String>>,
    pub(crate) carries: Option<bool>,
    #[serde(default)]
    pub(crate) money: bool,
    pub(crate) from: Vec<Spanned<String>>,
    pub(crate) to: Vec<Spanned<String>>,
    pub(crate) style: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSources {
    #[serde(default)]
    pub(crate) source: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub(crate) id: Spanned<String>,
    pub(crate) title: String,
    pub(crate) publisher: Option<String>,
    pub(crate) url: Spanned<String>,
    pub(crate) via: Option<Spanned<String>>,
    pub(crate) date: Option<Spanned<String>>,
    pub(crate) retrieved: Option<Spanned<String>>,
    pub(crate) kind: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLayerFile {
    #[serde(default)]
    pub(crate) node: Vec<Spanned<RawNode>>,
    #[serde(default)]
    pub(crate) edge: Vec<Spanned<RawEdge>>,
    #[serde(default)]
    pub(crate) price: Vec<Spanned<RawPrice>>,
    #[serde(default)]
    pub(crate) observation: Vec<Spanned<RawObservation>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawObservation {
    pub(crate) node: Spanned<String>,
    pub(crate) metric: Spanned<String>,
    pub(crate) value: Spanned<f64>,
    pub(crate) date: Spanned<String>,
    pub(crate) period: Option<Spanned<String>>,
    pub(crate) confidence: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    pub(crate) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrice {
    pub(crate) provider: Spanned<String>,
    pub(crate) chip: Spanned<String>,
    pub(crate) usd_per_chip_hour: Spanned<f64>,
    pub(crate) terms: Spanned<String>,
    pub(crate) date: Spanned<String>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    pub(crate) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    pub(crate) id: Spanned<String>,
    pub(crate) kind: Spanned<String>,
    pub(crate) layer: Spanned<String>,
    pub(crate) segment: Option<Spanned<String>>,
    pub(crate) name: Spanned<String>,
    pub(crate) name_zh: Option<String>,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
    pub(crate) summary: Option<String>,
    pub(crate) start: Option<Spanned<String>>,
    pub(crate) end: Option<Spanned<String>>,
    pub(crate) lifecycle: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) props: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) claim: Vec<Spanned<RawClaim>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdge {
    pub(crate) from: Spanned<String>,
    pub(crate) to: Spanned<String>,
    pub(crate) rel: Spanned<String>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    pub(crate) share_pct: Option<Spanned<f64>>,
    pub(crate) share_of: Option<String>,
    pub(crate) as_of: Option<Spanned<String>>,
    pub(crate) since: Option<Spanned<String>>,
    pub(crate) until: Option<Spanned<String>>,
    pub(crate) status: Option<Spanned<String>>,
    pub(crate) confidence: Option<Spanned<String>>,
    pub(crate) note: Option<String>,
    #[serde(default)]
    pub(crate) props: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) claim: Vec<Spanned<RawClaim>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    pub(crate) prop: Spanned<String>,
    pub(crate) value: Spanned<toml::Value>,
    #[serde(default)]
    pub(crate) sources: Vec<Spanned<String>>,
    pub(crate) note: Option<String>,
}
