//! `[[price]]` records: dated rental prices of a chip at a provider, checked like edges; and the
//! chip a model names as its `training_chip`, which `aikg estimate` looks up.

use std::collections::BTreeSet;

use toml::Spanned;

use super::raw::RawPrice;
use super::{Checker, Known};
use crate::diag::Diagnostic;
use crate::model::*;

/// The relation whose `from` kinds may ask a price (a cloud, a network, a product).
const OFFERS: &str = "OFFERS";
/// The kind a price is for.
const CHIP: &str = "Chip";
/// Above this a price per chip-hour is taken for a typo (a node's price, a month's).
const MAX_USD_PER_CHIP_HOUR: f64 = 1000.0;

/// Checks every `[[price]]` of every file; returns the valid ones in file order.
pub(super) fn check_prices(ck: &mut Checker, known: &Known) -> Vec<Price> {
    let sellers: Vec<&str> = known
        .schema
        .relation(OFFERS)
        .map(|r| r.from.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut seen: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for (file, raw) in known.files {
        for p in &raw.price {
            let span = p.span();
            let p: &RawPrice = p.get_ref();
            let mut node = |id: &Spanned<String>, want: &[&str], role: &str| -> Option<()> {
                let ix = known.node(ck, *file, id)?;
                let kind = known.nodes[ix].kind.as_str();
                if !want.is_empty() && !want.contains(&kind) {
                    ck.error(
                        *file,
                        id.span(),
                        format!("a price's {role} must be a {}, not a {kind}", want.join(" or ")),
                    )
                    .help = Some(format!("`{}` is a {kind}", id.get_ref()));
                    return None;
                }
                Some(())
            };
            let provider = node(&p.provider, &sellers, "provider");
            let chip = node(&p.chip, &[CHIP], "chip");
            let cited = ck.sources(*file, &p.sources, known.sources, span.clone(), "price");
            ck.non_empty(*file, span.clone(), "note", p.note.as_deref());
            let usd = *p.usd_per_chip_hour.get_ref();
            let usd_ok = usd.is_finite() && usd > 0.0 && usd <= MAX_USD_PER_CHIP_HOUR;
            if !usd_ok {
                ck.error(
                    *file,
                    p.usd_per_chip_hour.span(),
                    format!("usd_per_chip_hour {usd} is outside (0, {MAX_USD_PER_CHIP_HOUR}]"),
                )
                .help = Some("the price of one chip for one hour, in US dollars: divide an 8-GPU instance's price by 8".into());
            }
            let terms = p.terms.get_ref();
            let terms_ok = PRICE_TERMS.contains(&terms.as_str());
            if !terms_ok {
                let d = Diagnostic::error(*file, p.terms.span(), format!("unknown terms `{terms}`"))
                    .suggest(terms, PRICE_TERMS.iter().copied());
                ck.diags.push(d);
            }
            let date = Some(p.date.clone());
            ck.date(*file, &date, "date");
            let date_ok = super::is_date(p.date.get_ref());
            if provider.is_none() || chip.is_none() || !usd_ok || !terms_ok || !date_ok || cited.is_empty() {
                continue;
            }
            let key = (
                p.provider.get_ref().clone(),
                p.chip.get_ref().clone(),
                terms.clone(),
                p.date.get_ref().clone(),
            );
            if !seen.insert(key) {
                ck.error(
                    *file,
                    p.date.span(),
                    format!(
                        "duplicate price of `{}` at `{}` ({terms}) on {}",
                        p.chip.get_ref(),
                        p.provider.get_ref(),
                        p.date.get_ref()
                    ),
                )
                .help = Some("one observation per provider, chip, terms and date; give the other its own date or terms".into());
                continue;
            }
            out.push(Price {
                provider: NodeId(p.provider.get_ref().clone()),
                chip: NodeId(p.chip.get_ref().clone()),
                usd_per_chip_hour: usd,
                terms: terms.clone(),
                date: p.date.get_ref().clone(),
                sources: cited,
                note: p.note.clone(),
            });
        }
    }
    out
}

/// A model's `training_chip` must be the id of a Chip node.
pub(super) fn check_training_chips(
    ck: &mut Checker,
    index: &super::ids::NodeIndex,
    nodes: &[Node],
    spans: &[(usize, std::ops::Range<usize>)],
) {
    let chips: Vec<&str> = nodes.iter().filter(|n| n.kind == CHIP).map(|n| n.id.0.as_str()).collect();
    for (n, (file, span)) in nodes.iter().zip(spans) {
        let Some(Value::Str(chip)) = n.props.get("training_chip") else { continue };
        if index.get(chip).is_some_and(|ix| nodes[ix].kind == CHIP) {
            continue;
        }
        let d = Diagnostic::error(
            *file,
            span.clone(),
            format!("`training_chip` of `{}` is `{chip}`, which is not the id of a Chip node", n.id),
        )
        .suggest(chip, chips.iter().copied());
        ck.diags.push(d);
    }
}
