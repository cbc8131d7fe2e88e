//! `aikg downstream NODE`: supply tiers towards customers. Tier 1 is a direct customer, tier 2
//! one step further; the walk and its rules of time are `upstream`'s, the other way (see
//! `upstream.rs`).

use super::{Ctx, Result};
use crate::analysis::supply::Flow;

pub use super::upstream::Args;

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    super::upstream::tiers(ctx, args, Flow::Downstream)
}
