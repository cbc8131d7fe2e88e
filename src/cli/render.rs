//! `aikg render [selection] -o FILE.svg|FILE.png`: a diagram through Graphviz `dot`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::support::diagram::{text, DrawArgs, SelectArgs, Syntax};
use super::{write_output, CliError, Ctx, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The image to write; its extension picks the format (.svg, .png, .pdf, or .dot for the DOT text)
    #[arg(short, long, value_name = "FILE", required_unless_present = "layout_report")]
    output: Option<PathBuf>,
    /// Resolution of a PNG, in dots per inch [default: Graphviz's 96]
    #[arg(long, value_name = "DPI", value_parser = clap::value_parser!(u32).range(24..=1200))]
    dpi: Option<u32>,
    /// Print how well the layout reads (measured from `dot -Tplain`) instead of writing an image
    #[arg(long, hide = true)]
    layout_report: bool,
    #[command(flatten)]
    select: SelectArgs,
    #[command(flatten)]
    draw: DrawArgs,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.layout_report {
        let dot = text(ctx, &args.select, &args.draw, Syntax::Dot)?;
        let plain = run_dot(&dot, "plain", &[])?;
        let plain = crate::diagram::layout::parse_plain(&String::from_utf8_lossy(&plain))
            .map_err(|e| CliError::failure(format!("cannot read `dot -Tplain`: {e}")))?;
        let report = crate::diagram::layout::measure(&plain).summary() + "\n";
        return write_output(None, report.as_bytes());
    }
    let Some(output) = &args.output else { return Err(CliError::bad_input("name the image with -o FILE")) };
    let format =
        match output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => "svg",
            Some("png") => "png",
            Some("pdf") => "pdf",
            Some("dot") => "dot",
            _ => return Err(CliError::bad_input(format!(
                "cannot tell the image format of `{}`",
                output.display()
            ))
            .with_help(
                "name the output FILE.svg, FILE.png, FILE.pdf or FILE.dot (the DOT text given to Graphviz)",
            )),
        };
    let dot = text(ctx, &args.select, &args.draw, Syntax::Dot)?;
    if args.dpi.is_some() && format != "png" {
        return Err(CliError::bad_input("--dpi applies to PNG output only"));
    }
    if format == "dot" {
        // The DOT text handed to Graphviz (the analytics' edges, unlike `export --to dot`).
        return write_output(Some(output), dot.as_bytes());
    }
    let extra: Vec<String> = args.dpi.map(|d| format!("-Gdpi={d}")).into_iter().collect();
    let image = run_dot(&dot, format, &extra)?;
    write_output(Some(output), &image)
}

/// The bytes of a picture that also has a Markdown form (`map`, `matrix`), by the output file's
/// extension: Markdown with no file or `.md`, DOT text for `.dot`, Graphviz for SVG, PNG and PDF.
pub fn picture_or_markdown(
    output: Option<&std::path::Path>,
    dpi: Option<u32>,
    markdown: impl FnOnce() -> String,
    dot: impl FnOnce() -> String,
) -> Result<Vec<u8>> {
    let ext = output.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if dpi.is_some() && ext.as_deref() != Some("png") {
        return Err(CliError::bad_input("--dpi applies to PNG output only"));
    }
    Ok(match ext.as_deref() {
        None if output.is_none() => markdown().into_bytes(),
        Some("md") => markdown().into_bytes(),
        Some("dot") => dot().into_bytes(),
        Some(format @ ("svg" | "png" | "pdf")) => {
            let extra: Vec<String> = dpi.map(|d| format!("-Gdpi={d}")).into_iter().collect();
            run_dot(&dot(), format, &extra)?
        }
        _ => {
            return Err(CliError::bad_input(format!(
                "cannot tell the format of `{}`",
                output.unwrap_or(std::path::Path::new("")).display()
            ))
            .with_help("name the output FILE.svg, FILE.png, FILE.pdf, FILE.dot or FILE.md"))
        }
    })
}

/// Runs `dot -T<format> [extra…]` on the DOT text and returns the image.
pub fn run_dot(dot: &str, format: &str, extra: &[String]) -> Result<Vec<u8>> {
    let child = Command::new("dot")
        .arg(format!("-T{format}"))
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CliError::failure("Graphviz `dot` is not installed (or not on PATH)").with_help(
                "install Graphviz: `apt-get install graphviz` on Debian or Ubuntu, `brew install graphviz` on macOS",
            ))
        }
        Err(e) => return Err(CliError::failure(format!("cannot run Graphviz `dot`: {e}"))),
    };
    // Feed stdin from a thread so that a large image on stdout cannot dead-lock the pipe.
    let mut stdin = child.stdin.take().ok_or_else(|| CliError::failure("cannot write to `dot`"))?;
    let input = dot.as_bytes().to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(|e| CliError::failure(format!("`dot` failed: {e}")))?;
    let fed = feeder.join().map_err(|_| CliError::failure("cannot write to `dot`"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first: Vec<&str> = stderr.lines().take(5).collect();
        return Err(CliError::failure(format!("Graphviz `dot` rejected the diagram: {}", first.join("\n"))));
    }
    fed.map_err(|e| CliError::failure(format!("cannot write to `dot`: {e}")))?;
    Ok(out.stdout)
}
