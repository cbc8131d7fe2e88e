//! The data file formats as written, with spans kept on everything an error may point at.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchema {
    #[serde(default)]
    pub(super) layer: Vec<RawLayer>,
    #[serde(default)]
    pub(super) kind: Vec<RawKind>,
    #[serde(default)]
    pub(super) relation: Vec<RawRelation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLayer {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) name_zh: Option<String>,
    pub(super) color: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) segments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKind {
    pub(super) id: Spanned<String>,
    pub(super) shape: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) props: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelation {
    pub(super) id: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    pub(super) supply: Option<Spanned<String>>,
    pub(super) required: Option<Spanned<bool>>,
    pub(super) from: Vec<Spanned<String>>,
    pub(super) to: Vec<Spanned<String>>,
    pub(super) style: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSources {
    #[serde(default)]
    pub(super) source: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    pub(super) publisher: Option<String>,
    pub(super) url: Spanned<String>,
    pub(super) date: Option<Spanned<String>>,
    pub(super) kind: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLayerFile {
    #[serde(default)]
    pub(super) node: Vec<Spanned<RawNode>>,
    #[serde(default)]
    pub(super) edge: Vec<Spanned<RawEdge>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNode {
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) layer: Spanned<String>,
    pub(super) segment: Option<Spanned<String>>,
    pub(super) name: Spanned<String>,
    pub(super) name_zh: Option<String>,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) summary: Option<String>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    pub(super) sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) props: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub(super) claim: Vec<Spanned<RawClaim>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEdge {
    pub(super) from: Spanned<String>,
    pub(super) to: Spanned<String>,
    pub(super) rel: Spanned<String>,
    #[serde(default)]
    pub(super) sources: Vec<Spanned<String>>,
    pub(super) share_pct: Option<Spanned<f64>>,
    pub(super) share_of: Option<String>,
    pub(super) as_of: Option<Spanned<String>>,
    pub(super) since: Option<Spanned<String>>,
    pub(super) until: Option<Spanned<String>>,
    pub(super) confidence: Option<Spanned<String>>,
    pub(super) note: Option<String>,
    #[serde(default)]
    pub(super) props: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub(super) claim: Vec<Spanned<RawClaim>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClaim {
    pub(super) prop: Spanned<String>,
    pub(super) value: Spanned<toml::Value>,
    #[serde(default)]
    pub(super) sources: Vec<Spanned<String>>,
    pub(super) note: Option<String>,
}
