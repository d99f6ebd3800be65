//! The `glia` command line. Thin: parses arguments and prints; the work is in the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use glia::diagnostics::Diagnostic;
use glia::site::{self, BuildOptions};

/// glia builds cited, reviewed medical explainer sites from Markdown.
///
/// Articles live in content/articles/, the site's settings in site.yaml. Run `glia build` in
/// the site's folder and open public/index.html.
#[derive(Parser)]
#[command(name = "glia", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    ///
    /// The previous output is replaced only when the whole build succeeds; on any error it
    /// is left exactly as it was, and every problem is listed with file:line:col.
    Build(BuildArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Use this address instead of site.yaml's base_url (for preview deployments).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Build a copy to open from disk (file://): every link names its index.html.
    #[arg(long)]
    offline: bool,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let opts = BuildOptions {
        root: args.root.clone(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        offline: args.offline,
    };
    match site::build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics);
            if args.timings {
                for (stage, t) in &report.timings {
                    eprintln!("{stage:>8}: {:>8.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
            println!(
                "built {} pages ({} files) in {:.2} s → {}",
                report.pages,
                report.files,
                report.elapsed.as_secs_f64(),
                report.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_diagnostics(&diags);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "build failed: {errors} error{}; the previous output was left unchanged",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let _color = std::io::stderr().is_terminal();
    for d in diags {
        eprintln!("{d}");
    }
}
