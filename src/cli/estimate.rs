//! `aikg estimate`: training or serving compute from the report's rules of thumb (6·P·D to
//! train, 2·P per generated token), in chip-hours, days, energy and dollars per provider from
//! the dated rental prices in the data. `--disclosed` checks the rules against every model
//! whose training compute was disclosed.

use super::{split_list, CliError, Ctx, Result};
use crate::analysis::estimate::{
    self as est, checks, cost, estimate, number, peak, precision_prop, precisions_of, rule_params,
    significant, standing_prices, text, usd_per_million_tokens, Inputs, Mode, DEFAULT_MFU, DEFAULT_PRECISION,
    PRECISIONS,
};
use crate::model::{Node, NodeIx};
use crate::table::{round, Cell, Output, Section, Table};

/// The chip when neither `--chip` nor the model names one.
const DEFAULT_CHIP: &str = "h100";
/// Generated tokens priced by `--inference` without `--tokens-out`.
const DEFAULT_TOKENS_OUT: f64 = 1e6;
/// Significant digits of derived figures.
const DIGITS: i32 = 4;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model node (any of its names): its parameters (the active ones for a mixture of experts), training tokens, chip and chip count
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// Parameters, as 70e9 or 70B (k, M, B, T); overrides the model's
    #[arg(long, value_name = "N")]
    params: Option<String>,
    /// Training tokens, as 15e12 or 15T; overrides the model's
    #[arg(long, value_name = "N")]
    tokens: Option<String>,
    /// The chip (any name of a Chip node) [default: the model's training chip, else h100]
    #[arg(long, value_name = "CHIP")]
    chip: Option<String>,
    /// Chips working at once, for the wall-clock time [default: the model's training chip count, else 1]
    #[arg(long, value_name = "N")]
    count: Option<String>,
    /// Model-FLOPs utilisation: the fraction of the chip's dense peak delivered, in (0, 1] [default: 0.40, Meta's 38-43% for Llama 3 405B]
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    mfu: Option<f64>,
    /// The precision whose dense peak is used: fp4, fp8, fp16, bf16, tf32, int8
    #[arg(long, value_name = "PRECISION", default_value = DEFAULT_PRECISION)]
    precision: String,
    /// Serving instead of training: 2 FLOPs per parameter per generated token, cost per million tokens
    #[arg(long)]
    inference: bool,
    /// Generated tokens to price with --inference [default: 1M]
    #[arg(long, value_name = "N", requires = "inference")]
    tokens_out: Option<String>,
    /// Only prices from these providers (comma-separated names)
    #[arg(long, value_name = "PROVIDER")]
    price_from: Vec<String>,
    /// Every model with disclosed training FLOPs or chip-hours against the estimate, and the tolerance
    #[arg(long, conflicts_with_all = ["model", "params", "tokens", "chip", "count", "mfu", "inference", "price_from"])]
    disclosed: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.disclosed {
        return ctx.emit(&Output::Report(disclosed(ctx)));
    }
    let g = &ctx.graph;
    let model = args.model.as_deref().map(|m| kind_of(ctx, m, "Model", "--model")).transpose()?;
    let model_node = model.map(|ix| g.node(ix));
    let bad = |e: est::Error| CliError::bad_input(e.to_string());

    let params = match (&args.params, model_node) {
        (Some(p), _) => (quantity("--params", p)?, "--params".to_string()),
        (None, Some(m)) => match rule_params(m) {
            Some(p) if number(m, "params_active").is_some() => (
                p,
                format!("params_active of {} (a mixture of experts: the parameters active per token)", m.id),
            ),
            Some(p) => (p, format!("params of {}", m.id)),
            None => {
                return Err(CliError::bad_input(format!("model `{}` has no `params`", m.id))
                    .with_help("give its size with --params, as 70e9 or 70B"))
            }
        },
        (None, None) => {
            return Err(CliError::bad_input("nothing to estimate")
                .with_help("name a model with --model, or give --params (and --tokens, or --inference)"))
        }
    };
    let mode = if args.inference {
        let n = args.tokens_out.as_deref().map(|t| quantity("--tokens-out", t)).transpose()?;
        (
            Mode::Inference { tokens_out: n.unwrap_or(DEFAULT_TOKENS_OUT) },
            n.map_or("default", |_| "--tokens-out"),
        )
    } else {
        match (&args.tokens, model_node.and_then(|m| number(m, "training_tokens"))) {
            (Some(t), _) => (Mode::Training { tokens: quantity("--tokens", t)? }, "--tokens"),
            (None, Some(t)) => (Mode::Training { tokens: t }, "training_tokens"),
            (None, None) => {
                let err = match model_node {
                    Some(m) => CliError::bad_input(format!("model `{}` has no `training_tokens`", m.id)),
                    None => CliError::bad_input("--params needs --tokens (or --inference)"),
                };
                return Err(err.with_help("give the training tokens with --tokens, as 15e12 or 15T"));
            }
        }
    };

    let model_chip = model_node.and_then(|m| text(m, "training_chip"));
    let chip_name = args.chip.as_deref().or(model_chip).unwrap_or(DEFAULT_CHIP);
    let defaulted = args.chip.is_none() && model_chip.is_none();
    if defaulted && ctx.graph.resolve(DEFAULT_CHIP).is_err() {
        return Err(CliError::bad_input(format!("no --chip given, and the dataset has no `{DEFAULT_CHIP}`"))
            .with_help("name the chip with --chip; `aikg list --kind Chip` lists them"));
    }
    let chip_ix = kind_of(ctx, chip_name, "Chip", "--chip")?;
    let chip = g.node(chip_ix);
    let trained_on_it = model_chip == Some(chip.id.0.as_str());
    let prop = precision_prop(&args.precision).ok_or_else(|| {
        let names: Vec<&str> = PRECISIONS.iter().map(|(p, _)| *p).collect();
        ctx.unknown_value("precision", &args.precision, &names)
    })?;
    let precision = args.precision.to_ascii_lowercase();
    let peak = peak(chip, &precision).ok_or_else(|| {
        let has = precisions_of(chip);
        let err =
            CliError::bad_input(format!("{} (`{}`) has no {precision} dense figure", chip.name, chip.id));
        if has.is_empty() {
            err.with_help("it has no dense throughput figure at all: pick another --chip")
        } else {
            err.with_help(&format!("it has: {}; pick one with --precision", has.join(", ")))
        }
    })?;
    let mfu = args.mfu.unwrap_or(DEFAULT_MFU);
    // A model's training chip count sizes a training run, not a serving one.
    let model_count = model_node
        .and_then(|m| number(m, "training_chip_count"))
        .filter(|_| trained_on_it && !args.inference);
    let (count, count_basis) = match (&args.count, model_count) {
        (Some(c), _) => (quantity("--count", c)?, "--count".to_string()),
        (None, Some(c)) => (c, format!("training_chip_count of {}", model_node.map_or("", |m| &m.id.0))),
        (None, None) => (1.0, "default: one chip".to_string()),
    };
    let power_w = number(chip, "power_w");
    let e = estimate(&Inputs { params: params.0, mode: mode.0, peak_tflops: peak, mfu, count, power_w })
        .map_err(bad)?;

    // The figures, each with its formula.
    let sig = |x: f64| Cell::Float(significant(x, DIGITS));
    let mut t = Table::new(&["figure", "value", "unit", "formula"]);
    let mut row = |figure: &str, value: Cell, unit: &str, formula: String| {
        t.push(vec![figure.into(), value, unit.into(), formula.into()]);
    };
    if let Some(m) = model_node {
        row("model", format!("{} ({})", m.name, m.id).into(), "", "--model".into());
    }
    row("parameters", sig(params.0), "parameters", params.1.clone());
    match mode.0 {
        Mode::Training { tokens } => {
            row("training tokens", sig(tokens), "tokens", token_basis(mode.1, model_node));
            row("training FLOPs", sig(e.flops), "FLOP", "6 x parameters x training tokens".into());
        }
        Mode::Inference { tokens_out } => {
            let basis = if mode.1 == "default" { "default: one million" } else { "--tokens-out" };
            row("generated tokens", sig(tokens_out), "tokens", basis.into());
            row("inference FLOPs", sig(e.flops), "FLOP", "2 x parameters x generated tokens".into());
        }
    }
    let chip_basis = match (&args.chip, model_chip) {
        (Some(_), _) => "--chip".to_string(),
        (None, Some(_)) => format!("training_chip of {}", model_node.map_or("", |m| &m.id.0)),
        (None, None) => format!("default: {DEFAULT_CHIP}"),
    };
    row("chip", format!("{} ({})", chip.name, chip.id).into(), "", chip_basis);
    row(
        "peak",
        sig(peak),
        if prop.ends_with("tops") { "TOP/s" } else { "TFLOP/s" },
        format!("{prop} of {}", chip.id),
    );
    let mfu_basis = if args.mfu.is_some() {
        "--mfu".to_string()
    } else {
        format!("default {DEFAULT_MFU}: Meta reported 38-43% for Llama 3 405B")
    };
    row("MFU", Cell::Float(mfu), "fraction", mfu_basis);
    row("delivered per chip", sig(e.flops_per_chip_s / 1e12), "TFLOP/s", "peak x MFU".into());
    if let Some(rate) = e.tokens_per_chip_s {
        row("tokens per second per chip", sig(rate), "tokens/s", "peak x MFU / (2 x parameters)".into());
    }
    row("chip-hours", sig(e.chip_hours), "chip-hours", "FLOPs / (peak x MFU x 3600)".into());
    row("chips", Cell::Float(count), "chips", count_basis);
    row("wall-clock", sig(e.days), "days", "chip-hours / chips / 24".into());
    match (e.energy_mwh, power_w) {
        (Some(mwh), Some(w)) => row(
            "energy",
            sig(mwh),
            "MWh",
            format!(
                "chip-hours x {w} W power_w of {} (the chips alone: no host, network or cooling)",
                chip.id
            ),
        ),
        _ => row("energy", Cell::Null, "MWh", format!("{} has no power_w figure", chip.id)),
    }
    let mut sections = vec![Section { title: "estimate".into(), table: t }];

    if let Some(m) = model_node.filter(|_| !args.inference) {
        let against = disclosed_rows(m, &e, trained_on_it, chip);
        if !against.rows.is_empty() {
            sections.push(Section { title: "against disclosed figures".into(), table: against });
        }
    }

    // Cost per provider, from the prices standing on the view's day.
    let wanted: Vec<NodeIx> =
        split_list(&args.price_from).iter().map(|p| ctx.node(p)).collect::<Result<_>>()?;
    let inference = matches!(mode.0, Mode::Inference { .. });
    let mut header = vec!["provider", "name", "type", "terms", "usd per chip-hour", "date"];
    header.push(if inference { "usd for the tokens" } else { "usd total" });
    if inference {
        header.push("usd per million tokens");
    }
    header.extend(["evidence", "sources", "note"]);
    let mut costs = Table::new(&header);
    for p in standing_prices(&g.dataset.prices, &chip.id.0, ctx.day()) {
        let Ok(provider) = g.resolve(&p.provider.0) else { continue };
        if !wanted.is_empty() && !wanted.contains(&provider) {
            continue;
        }
        let n = g.node(provider);
        let total = cost(e.chip_hours, p.usd_per_chip_hour).map_err(bad)?;
        let mut r = vec![
            (&n.id.0).into(),
            (&n.name).into(),
            provider_type(n).into(),
            (&p.terms).into(),
            Cell::Float(p.usd_per_chip_hour),
            (&p.date).into(),
            Cell::Float(round(significant(total, DIGITS), 2)),
        ];
        if let Some(rate) = e.tokens_per_chip_s {
            let per_m = usd_per_million_tokens(p.usd_per_chip_hour, rate).map_err(bad)?;
            r.push(Cell::Float(significant(per_m, DIGITS)));
        }
        r.push(g.dataset.best_tier(&p.sources).name().into());
        r.push(Cell::List(p.sources.iter().map(|s| Cell::from(&s.0)).collect()));
        r.push(p.note.as_ref().into());
        costs.push(r);
    }
    sections.push(Section { title: "cost by provider".into(), table: costs });
    let mut footnotes = notes(inference);
    let standing = match ctx.day() {
        Some(d) => format!("each provider's latest price per terms at or before {d} (--as-of)"),
        None => {
            "each provider's latest price per terms in the data (--as-of picks an earlier day)".to_string()
        }
    };
    footnotes.push(vec!["prices".into(), standing.into()]);
    sections.push(Section { title: "notes".into(), table: footnotes });
    ctx.emit(&Output::Report(sections))
}

/// A node named on the command line that must be of `kind`.
fn kind_of(ctx: &Ctx, name: &str, kind: &str, flag: &str) -> Result<NodeIx> {
    let ix = ctx.node(name)?;
    let n = ctx.graph.node(ix);
    if n.kind != kind {
        return Err(CliError::bad_input(format!("{flag} `{name}` is a {}, not a {kind}", n.kind))
            .with_help(&format!("`aikg list --kind {kind}` lists them")));
    }
    Ok(ix)
}

/// A quantity flag's value, or an error naming the flag.
fn quantity(flag: &str, value: &str) -> Result<f64> {
    est::parse_quantity(value).ok_or_else(|| {
        CliError::bad_input(format!("{flag} `{value}` is not a number"))
            .with_help("write it as 70e9, 70B, 15T or 16384 (suffixes k, M, B, T)")
    })
}

fn token_basis(basis: &str, model: Option<&Node>) -> String {
    match (basis, model) {
        ("training_tokens", Some(m)) => format!("training_tokens of {}", m.id),
        _ => basis.to_string(),
    }
}

/// Hyperscaler, GPU cloud or decentralised network: what kind of seller a provider is.
fn provider_type(n: &Node) -> String {
    match (n.layer.as_str(), n.segment.as_deref()) {
        ("crypto", _) => "decentralised".into(),
        (_, Some(seg)) => seg.replace('-', " "),
        (layer, None) => layer.to_string(),
    }
}

/// The model's disclosed figures against this estimate.
fn disclosed_rows(m: &Node, e: &est::Estimate, trained_on_it: bool, chip: &Node) -> Table {
    let mut t = Table::new(&["figure", "estimate", "disclosed", "difference %", "note"]);
    let mut push = |figure: &str, estimate: f64, disclosed: f64, note: String| {
        t.push(vec![
            figure.into(),
            Cell::Float(significant(estimate, DIGITS)),
            Cell::Float(disclosed),
            Cell::Float(round((estimate / disclosed - 1.0) * 100.0, 1)),
            note.into(),
        ]);
    };
    if let Some(f) = number(m, "training_flops") {
        push("training FLOPs", e.flops, f, format!("training_flops of {}", m.id));
    }
    if let Some(h) = number(m, "training_chip_hours") {
        if trained_on_it {
            push("chip-hours", e.chip_hours, h, format!("training_chip_hours of {} on {}", m.id, chip.id));
        }
    }
    t
}

/// `--disclosed`: every model with disclosed compute against the rules.
fn disclosed(ctx: &Ctx) -> Vec<Section> {
    let mut t = Table::new(&[
        "model",
        "figure",
        "estimate",
        "disclosed",
        "difference %",
        "tolerance %",
        "within",
        "basis",
    ]);
    for c in checks(&ctx.graph.dataset) {
        t.push(vec![
            (&c.model).into(),
            c.figure.into(),
            c.estimate.map_or(Cell::Null, |e| Cell::Float(significant(e, DIGITS))),
            Cell::Float(c.disclosed),
            c.error().map_or(Cell::Null, |e| Cell::Float(round(e * 100.0, 1))),
            Cell::Float(round(c.tolerance * 100.0, 1)),
            match c.within() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not estimable",
            }
            .into(),
            c.basis.into(),
        ]);
    }
    vec![
        Section { title: "disclosed training compute against 6 x parameters x tokens".into(), table: t },
        Section { title: "notes".into(), table: notes(false) },
    ]
}

/// The footnotes: what each formula assumes.
fn notes(inference: bool) -> Table {
    let mut t = Table::new(&["note", "text"]);
    let mut push = |k: &str, v: &str| t.push(vec![k.into(), v.into()]);
    if inference {
        push("FLOPs", "2 x parameters per generated token: the forward pass; attention's own FLOPs are left out. Decoding is often limited by memory bandwidth, not FLOPs: real MFU when serving is usually lower, so pass --mfu.");
        push(
            "cost per million tokens",
            "usd per chip-hour / (tokens per second per chip x 3600) x 1,000,000",
        );
    } else {
        push("FLOPs", "6 x parameters x training tokens (forward 2, backward 4); attention's own FLOPs are left out, which matter only at long context.");
    }
    push(
        "parameters",
        "for a mixture of experts, the parameters active per token (params_active), not the total.",
    );
    push("MFU", "model-FLOPs utilisation: the share of the chip's dense peak that goes into the model's FLOPs. Default 0.40: Meta reported 38-43% BF16 MFU pre-training Llama 3 405B on 8,192-16,384 H100s (The Llama 3 Herd of Models, 2024).");
    push("chip-hours", "FLOPs / (dense peak at --precision x MFU x 3600); a disclosed figure also counts restarts, evaluation and later training stages.");
    push("energy", "chip-hours x the chip's rated power (power_w): the chips alone, before hosts, network and cooling (PUE).");
    push("cost", "chip-hours x a dated rental price per chip-hour (an 8-GPU instance's price / 8), per terms: on-demand, committed, spot, marketplace (a market's 'starting at' ask) or cap (the most a market lets a seller ask).");
    t
}
