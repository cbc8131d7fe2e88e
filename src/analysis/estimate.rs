//! Compute economics: the seed report's rules of thumb turned into FLOPs, chip-hours, days,
//! energy and dollars.
//!
//! - Training a dense transformer of `P` parameters on `D` tokens takes about `6·P·D` FLOPs
//!   (2 for the forward pass, 4 for the backward); serving takes about `2·P` FLOPs per generated
//!   token. Both ignore attention's own FLOPs, which matter only at long context. For a mixture
//!   of experts `P` is the parameters active per token, not the total.
//! - A chip delivers its dense peak at the chosen precision times the model-FLOPs utilisation
//!   (MFU): `chip-hours = FLOPs / (peak · MFU · 3600)`.
//! - Wall-clock days = chip-hours / chips / 24; energy = chip-hours × the chip's rated power
//!   (the chip alone: no host, network or cooling); cost = chip-hours × a dated rental price.
//!
//! Everything here is pure arithmetic on `f64`, checked: a result that is not finite is an error
//! naming what overflowed, never a silent `inf`.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{Dataset, Day, Node, Price, Value};

/// FLOPs per parameter per training token (forward 2 + backward 4).
pub const TRAIN_FLOPS_PER_PARAM_TOKEN: f64 = 6.0;
/// FLOPs per parameter per generated token (the forward pass).
pub const INFER_FLOPS_PER_PARAM_TOKEN: f64 = 2.0;
/// The default model-FLOPs utilisation: Meta reported 38-43% BF16 MFU for the pre-training of
/// Llama 3 405B on 8,192 to 16,384 H100s (The Llama 3 Herd of Models, 2024, table 4).
pub const DEFAULT_MFU: f64 = 0.40;
/// The default precision of the throughput figure.
pub const DEFAULT_PRECISION: &str = "bf16";
/// How far an estimate of training FLOPs may be from a disclosed figure.
pub const FLOPS_TOLERANCE: f64 = 0.10;
/// How far an estimate of chip-hours may be from a disclosed figure: disclosed hours include
/// restarts, evaluation, long-context and post-training stages that 6·P·D leaves out.
pub const CHIP_HOURS_TOLERANCE: f64 = 0.25;

/// The precisions `--precision` takes, each with the chip property holding its dense peak (in
/// tera-operations per second).
pub const PRECISIONS: &[(&str, &str)] = &[
    ("fp4", "fp4_dense_tflops"),
    ("fp8", "fp8_dense_tflops"),
    ("fp16", "fp16_dense_tflops"),
    ("bf16", "bf16_dense_tflops"),
    ("tf32", "tf32_dense_tflops"),
    ("int8", "int8_dense_tops"),
];

/// What is being estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Training on this many tokens.
    Training {
        /// Tokens trained on.
        tokens: f64,
    },
    /// Generating this many tokens.
    Inference {
        /// Tokens generated.
        tokens_out: f64,
    },
}

/// The inputs of one estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// Parameters (active per token, for a mixture of experts).
    pub params: f64,
    pub(crate) mode: Mode,
    /// The chip's dense peak at the chosen precision, in TFLOP/s.
    pub peak_tflops: f64,
    /// Model-FLOPs utilisation, in (0, 1].
    pub mfu: f64,
    /// Chips working at once.
    pub count: f64,
    /// The chip's rated power, in watts, if known.
    pub power_w: Option<f64>,
}

/// The figures an estimate derives.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub(crate) flops: f64,
    /// FLOP/s one chip delivers: peak × MFU.
    pub flops_per_chip_s: f64,
    pub(crate) chip_hours: f64,
    pub(crate) days: f64,
    /// Megawatt-hours drawn by the chips alone.
    pub energy_mwh: Option<f64>,
    /// Inference only: tokens per second one chip generates.
    pub tokens_per_chip_s: Option<f64>,
}

/// Why an estimate cannot be made. Each names the flag to fix.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A count or size that must be positive and finite.
    NotPositive {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: f64,
    },
    /// An MFU outside (0, 1].
    Mfu(f64),
    /// A result too large for a 64-bit float.
    Overflow(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotPositive { flag, value } => write!(f, "{flag} must be a positive number, not {value}"),
            Error::Mfu(v) => write!(f, "--mfu must be above 0 and at most 1 (a fraction of peak), not {v}"),
            Error::Overflow(what) => write!(f, "the {what} is too large to compute (it overflows)"),
        }
    }
}

fn positive(flag: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::NotPositive { flag, value })
    }
}

fn finite(what: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::Overflow(what))
    }
}

/// Checks an MFU.
pub fn check_mfu(mfu: f64) -> Result<f64, Error> {
    if mfu.is_finite() && mfu > 0.0 && mfu <= 1.0 {
        Ok(mfu)
    } else {
        Err(Error::Mfu(mfu))
    }
}

/// The estimate for `i`.
pub fn estimate(i: &Inputs) -> Result<Estimate, Error> {
    let params = positive("--params", i.params)?;
    let peak = positive("the chip's throughput", i.peak_tflops)?;
    let mfu = check_mfu(i.mfu)?;
    let count = positive("--count", i.count)?;
    let flops = match i.mode {
        Mode::Training { tokens } => TRAIN_FLOPS_PER_PARAM_TOKEN * params * positive("--tokens", tokens)?,
        Mode::Inference { tokens_out } => {
            INFER_FLOPS_PER_PARAM_TOKEN * params * positive("--tokens-out", tokens_out)?
        }
    };
    let flops = finite("FLOP count", flops)?;
    let flops_per_chip_s = finite("chip throughput", peak * 1e12 * mfu)?;
    let chip_hours = finite("chip-hours", flops / flops_per_chip_s / 3600.0)?;
    let days = finite("wall-clock time", chip_hours / count / 24.0)?;
    let energy_mwh = match i.power_w {
        Some(w) => Some(finite("energy", chip_hours * positive("the chip's power", w)? / 1e6)?),
        None => None,
    };
    let tokens_per_chip_s = match i.mode {
        Mode::Inference { .. } => {
            Some(finite("token rate", flops_per_chip_s / (INFER_FLOPS_PER_PARAM_TOKEN * params))?)
        }
        Mode::Training { .. } => None,
    };
    Ok(Estimate { flops, flops_per_chip_s, chip_hours, days, energy_mwh, tokens_per_chip_s })
}

/// The cost of `chip_hours` at `usd_per_chip_hour`.
pub fn cost(chip_hours: f64, usd_per_chip_hour: f64) -> Result<f64, Error> {
    finite("cost", chip_hours * usd_per_chip_hour)
}

/// Dollars per million generated tokens, for a chip rented at `usd_per_chip_hour` that
/// generates `tokens_per_s`.
pub fn usd_per_million_tokens(usd_per_chip_hour: f64, tokens_per_s: f64) -> Result<f64, Error> {
    finite("cost per million tokens", usd_per_chip_hour / (tokens_per_s * 3600.0) * 1e6)
}

/// A quantity typed by a person: a number (`70e9`, `1.5`) or one with a suffix, `k` (thousand),
/// `M` (million; a lower-case `m` would read as milli), `B` or `G` (billion), `T` (trillion), in
/// either case but `M`, as in `70B` or `15t`. `None` when it is neither.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let t: String = text.trim().chars().filter(|c| *c != '_').collect();
    let (num, scale) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1e3),
        'M' => (&t[..t.len() - 1], 1e6),
        'B' | 'b' | 'G' | 'g' => (&t[..t.len() - 1], 1e9),
        'T' | 't' => (&t[..t.len() - 1], 1e12),
        _ => (t.as_str(), 1.0),
    };
    // Digits, a dot, a sign and an exponent only: Rust's parser also reads "inf" and "NaN".
    let plain = num.bytes().all(|b| b.is_ascii_digit() || b"-.eE".contains(&b));
    if num.is_empty() || !plain {
        return None;
    }
    num.parse::<f64>().ok().map(|v| v * scale)
}

/// The throughput property for a precision name, if it is one.
pub fn precision_prop(precision: &str) -> Option<&'static str> {
    PRECISIONS.iter().find(|(p, _)| p.eq_ignore_ascii_case(precision)).map(|(_, k)| *k)
}

/// A chip's dense peak at `precision`, in TFLOP/s (or TOP/s for int8).
pub fn peak(chip: &Node, precision: &str) -> Option<f64> {
    number(chip, precision_prop(precision)?)
}

/// The precisions a chip has a dense figure for, in [`PRECISIONS`] order.
pub fn precisions_of(chip: &Node) -> Vec<&'static str> {
    PRECISIONS.iter().filter(|(_, k)| number(chip, k).is_some()).map(|(p, _)| *p).collect()
}

/// A numeric property.
pub fn number(n: &Node, key: &str) -> Option<f64> {
    match n.props.get(key)? {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// A text property.
pub fn text<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    match n.props.get(key)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// The parameters the 6·P·D rule counts for a model: those active per token where the model
/// says (a mixture of experts), else all of them.
pub fn rule_params(model: &Node) -> Option<f64> {
    number(model, "params_active").or_else(|| number(model, "params"))
}

/// The prices of `chip` that stand on `day` (every price when `None`): of each provider's
/// series (one provider, one set of terms), the latest observation at or before the day.
/// Sorted by price, then provider and terms.
pub fn standing_prices<'a>(prices: &'a [Price], chip: &str, day: Option<Day>) -> Vec<&'a Price> {
    let mut latest: BTreeMap<(&str, &str), (Day, &Price)> = BTreeMap::new();
    for p in prices.iter().filter(|p| p.chip.0 == chip) {
        let Some(at) = Day::first(&p.date) else { continue };
        if day.is_some_and(|d| at > d) {
            continue;
        }
        let slot = latest.entry((p.provider.0.as_str(), p.terms.as_str())).or_insert((at, p));
        if at > slot.0 {
            *slot = (at, p);
        }
    }
    let mut out: Vec<&Price> = latest.into_values().map(|(_, p)| p).collect();
    out.sort_by(|a, b| {
        a.usd_per_chip_hour
            .total_cmp(&b.usd_per_chip_hour)
            .then_with(|| a.provider.cmp(&b.provider))
            .then_with(|| a.terms.cmp(&b.terms))
    });
    out
}

/// One disclosed figure of a model against its estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub(crate) model: String,
    /// `training FLOPs` or `chip-hours`.
    pub figure: &'static str,
    /// `None` when the data cannot estimate it (the chip has no throughput figure).
    pub estimate: Option<f64>,
    pub(crate) disclosed: f64,
    pub(crate) tolerance: f64,
    /// What the estimate rests on: the parameters counted, the chip and MFU.
    pub basis: String,
}

impl Check {
    /// estimate / disclosed - 1.
    pub fn error(&self) -> Option<f64> {
        self.estimate.map(|e| e / self.disclosed - 1.0)
    }

    /// Whether the estimate lands within the tolerance (`None` when there is no estimate).
    pub fn within(&self) -> Option<bool> {
        self.error().map(|e| e.abs() <= self.tolerance)
    }
}

/// Every model with disclosed training FLOPs or chip-hours, estimated with the default MFU and
/// precision on its disclosed training chip, in dataset order. A model without parameters or
/// tokens, or whose chip has no throughput figure, yields no check for what it lacks.
pub fn checks(d: &Dataset) -> Vec<Check> {
    let mut out = Vec::new();
    for m in d.nodes.iter().filter(|n| n.kind == "Model") {
        let (Some(params), Some(tokens)) = (rule_params(m), number(m, "training_tokens")) else { continue };
        let counted = if number(m, "params_active").is_some() { "active" } else { "all" };
        let flops = TRAIN_FLOPS_PER_PARAM_TOKEN * params * tokens;
        if let Some(disclosed) = number(m, "training_flops") {
            out.push(Check {
                model: m.id.0.clone(),
                figure: "training FLOPs",
                estimate: Some(flops),
                disclosed,
                tolerance: FLOPS_TOLERANCE,
                basis: format!("6 x {params:e} ({counted} params) x {tokens:e} tokens"),
            });
        }
        let Some(disclosed) = number(m, "training_chip_hours") else { continue };
        let chip_id = text(m, "training_chip").unwrap_or("none named");
        let chip = d.nodes.iter().find(|n| n.id.0 == chip_id);
        let (estimate, basis) = match chip.and_then(|c| peak(c, DEFAULT_PRECISION)) {
            Some(peak) => (
                Some(flops / (peak * 1e12 * DEFAULT_MFU) / 3600.0),
                format!("{chip_id} {DEFAULT_PRECISION} {peak} TFLOPS at MFU {DEFAULT_MFU}, {counted} params"),
            ),
            None => {
                (None, format!("training chip {chip_id} has no {DEFAULT_PRECISION} dense figure in the data"))
            }
        };
        out.push(Check {
            model: m.id.0.clone(),
            figure: "chip-hours",
            estimate,
            disclosed,
            tolerance: CHIP_HOURS_TOLERANCE,
            basis,
        });
    }
    out
}

/// `x` to `digits` significant digits, for display.
pub fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits - 1 - magnitude);
    let rounded = (x * scale).round() / scale;
    // Dividing by a power of ten can leave a tail (0.30000000000000004): print the shortest form.
    format!("{rounded:.prec$e}", prec = (digits - 1).max(0) as usize).parse().unwrap_or(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(mode: Mode) -> Inputs {
        Inputs { params: 405e9, mode, peak_tflops: 989.0, mfu: 0.4, count: 16384.0, power_w: Some(700.0) }
    }

    #[test]
    fn training_follows_six_n_d() {
        let e = estimate(&inputs(Mode::Training { tokens: 15.6e12 })).unwrap();
        assert_eq!(e.flops, 6.0 * 405e9 * 15.6e12);
        assert!((e.flops / 3.8e25 - 1.0).abs() < 0.01, "{}", e.flops);
        let hours = e.flops / (989e12 * 0.4) / 3600.0;
        assert!((e.chip_hours - hours).abs() < 1e-6 * hours);
        assert!((e.days - hours / 16384.0 / 24.0).abs() < 1e-9 * e.days);
        assert!((e.energy_mwh.unwrap() - hours * 700.0 / 1e6).abs() < 1e-6);
        assert_eq!(e.tokens_per_chip_s, None);
    }

    #[test]
    fn inference_follows_two_n() {
        let e = estimate(&Inputs { params: 70e9, ..inputs(Mode::Inference { tokens_out: 1e6 }) }).unwrap();
        assert_eq!(e.flops, 2.0 * 70e9 * 1e6);
        // 989 TFLOP/s x 0.4 / (2 x 70e9) = 2826 tokens/s.
        let rate = e.tokens_per_chip_s.unwrap();
        assert!((rate - 989e12 * 0.4 / 140e9).abs() < 1e-6);
        let per_m = usd_per_million_tokens(2.0, rate).unwrap();
        assert!((per_m - 2.0 / (rate * 3600.0) * 1e6).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs_name_their_flag() {
        let t = Mode::Training { tokens: 1e12 };
        for mfu in [0.0, -0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert!(matches!(estimate(&Inputs { mfu, ..inputs(t) }), Err(Error::Mfu(_))), "{mfu}");
        }
        assert!(matches!(
            estimate(&Inputs { count: 0.0, ..inputs(t) }),
            Err(Error::NotPositive { flag: "--count", .. })
        ));
        assert!(matches!(
            estimate(&Inputs { params: -1.0, ..inputs(t) }),
            Err(Error::NotPositive { flag: "--params", .. })
        ));
        assert!(matches!(
            estimate(&inputs(Mode::Training { tokens: 0.0 })),
            Err(Error::NotPositive { flag: "--tokens", .. })
        ));
        assert!(matches!(
            estimate(&inputs(Mode::Inference { tokens_out: -5.0 })),
            Err(Error::NotPositive { flag: "--tokens-out", .. })
        ));
        assert!(Error::Mfu(0.0).to_string().contains("--mfu"));
    }

    #[test]
    fn huge_values_are_errors_not_infinity() {
        let e = estimate(&Inputs { params: 1e300, ..inputs(Mode::Training { tokens: 1e300 }) });
        assert_eq!(e, Err(Error::Overflow("FLOP count")));
        assert_eq!(cost(1e300, 1e10), Err(Error::Overflow("cost")));
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("70e9"), Some(70e9));
        assert_eq!(parse_quantity("70B"), Some(70e9));
        assert_eq!(parse_quantity("15T"), Some(15e12));
        assert_eq!(parse_quantity("1.5M"), Some(1.5e6));
        assert_eq!(parse_quantity("2k"), Some(2e3));
        assert_eq!(parse_quantity("16_384"), Some(16384.0));
        assert_eq!(parse_quantity("8b"), Some(8e9));
        assert_eq!(parse_quantity("15t"), Some(15e12));
        assert_eq!(parse_quantity("3m"), None);
        assert_eq!(parse_quantity("-3"), Some(-3.0));
        for bad in ["", "B", "abc", "1e", "12X", "inf", "NaN", "+5", "1.2.3"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(26_680_123.0, 4), 26_680_000.0);
        assert_eq!(significant(0.123456, 3), 0.123);
        assert_eq!(significant(0.0, 3), 0.0);
    }

    fn price(provider: &str, terms: &str, usd: f64, date: &str) -> Price {
        Price {
            provider: crate::model::NodeId(provider.into()),
            chip: crate::model::NodeId("h100".into()),
            usd_per_chip_hour: usd,
            terms: terms.into(),
            date: date.into(),
            sources: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn the_latest_price_of_each_series_stands() {
        let prices = vec![
            price("aws", "on-demand", 12.29, "2023-07"),
            price("aws", "on-demand", 6.88, "2025-06"),
            price("aws", "spot", 3.0, "2025-06"),
            price("akash", "marketplace", 2.71, "2026-09"),
        ];
        let now: Vec<f64> =
            standing_prices(&prices, "h100", None).iter().map(|p| p.usd_per_chip_hour).collect();
        assert_eq!(now, [2.71, 3.0, 6.88]);
        let then = standing_prices(&prices, "h100", Day::last("2024"));
        assert_eq!(then.iter().map(|p| p.usd_per_chip_hour).collect::<Vec<_>>(), [12.29]);
        assert!(standing_prices(&prices, "h100", Day::last("2022")).is_empty());
        assert!(standing_prices(&prices, "a100", None).is_empty());
    }

    #[test]
    fn the_rules_reproduce_every_disclosed_figure_in_the_data() {
        let d = crate::testing::builtin();
        let all = checks(&d);
        let llama: Vec<&str> = all.iter().filter(|c| c.model == "llama-3-1").map(|c| c.figure).collect();
        assert_eq!(llama, ["training FLOPs", "chip-hours"]);
        assert!(all.iter().filter(|c| c.estimate.is_some()).count() >= 3, "{all:?}");
        // Figures the one-MFU rule is known to miss, and why: Meta's 7.0M H100-hours for Llama 3.3
        // 70B imply an MFU near 25%, against the 38-43% it reported for the 405B. `estimate` prints
        // the difference. SmolLM2's paper gives its compute to one figure (about 1e23 FLOPs), where
        // 6 x 1.7B parameters x 11T tokens is 1.12e23. This list fails when the data or the rule
        // changes either way.
        let known_misses = [("llama-3-3", "chip-hours"), ("smollm2", "training FLOPs")];
        for c in &all {
            if let Some(ok) = c.within() {
                let known = known_misses.contains(&(&*c.model, c.figure));
                assert_eq!(
                    ok,
                    !known,
                    "{} {} off by {:?} (tolerance {})",
                    c.model,
                    c.figure,
                    c.error(),
                    c.tolerance
                );
            }
        }
    }
}
