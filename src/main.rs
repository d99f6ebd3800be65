//! The `glia` command line. Thin: parses arguments and prints; the work is in the library.

#![allow(unused_crate_dependencies)] // the library uses the package's dependencies

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use glia::diagnostics::{Diagnostic, Severity};
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
    /// Check the site without writing anything: everything a build checks, plus stale
    /// reviews, readability of patient pages, uncited figures, malformed web addresses and
    /// unused glossary terms.
    ///
    /// Exit status 1 on errors (and on warnings with --deny-warnings).
    Check(CheckArgs),
    /// Preview the site: build it into a temporary folder, serve it, and rebuild and reload
    /// open pages on every change.
    ///
    /// A change that breaks the build keeps the last good version on screen, with the errors
    /// shown over it. Listens on 127.0.0.1 only, unless --bind says otherwise.
    Serve(ServeArgs),
    /// Build the offline copy and pack it into one zip with a START-HERE.html, for reading
    /// from disk or a USB stick (default: <root>/<site-name>-offline.zip).
    Bundle(BundleArgs),
    /// Create a new site in DIR (missing or empty) that builds as it is.
    Init(InitArgs),
    /// Create a new page from a template with every front-matter key filled in or explained.
    #[command(subcommand)]
    New(NewCommand),
}

#[derive(Args)]
struct BundleArgs {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The zip to write [default: <root>/<site-name>-offline.zip]. It replaces only a previous
    /// bundle, and never one of the site's sources.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Overwrite the output file even if it is not a bundle glia wrote (never a source).
    #[arg(long)]
    force: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

fn bundle(args: BundleArgs) -> ExitCode {
    let opts = BuildOptions {
        root: args.root,
        drafts: args.drafts,
        force: args.force,
        ..BuildOptions::default()
    };
    match glia::bundle::bundle(&opts, args.output) {
        Ok(r) => {
            println!(
                "bundled {} files ({:.1} MB) → {}",
                r.files,
                r.bytes as f64 / 1e6,
                r.path.display()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!("bundle failed; nothing was written");
            ExitCode::FAILURE
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Port to listen on; if it is busy the next free one is used (and said).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on. Anything but loopback lets other machines read the preview.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Args)]
struct InitArgs {
    /// Where to create the site; must not exist yet or be empty.
    dir: PathBuf,
}

#[derive(Subcommand)]
enum NewCommand {
    /// Write content/articles/[SECTION/]<slug>.md; never overwrites a file.
    Article(NewArticleArgs),
}

#[derive(Args)]
struct NewArticleArgs {
    /// The article's title; the file name is made from it.
    title: String,
    /// A folder under content/articles/ to put it in.
    #[arg(long, value_name = "S")]
    section: Option<String>,
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

#[derive(Args)]
struct CheckArgs {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// `human` (rustc-style, with the source line) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Do not report this diagnostic code (repeatable), e.g. `--allow uncited-claims`.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// The output folder of the last build (default `<root>/public`): addresses its
    /// sitemap.xml lists that this build no longer has are reported (`moved-without-alias`).
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Args)]
struct BuildArgs {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public]. It must not be or hold the sources;
    /// an existing folder is replaced only if it is empty or glia wrote it (see --force).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace the output folder even if glia did not write it, deleting what is in it (the
    /// sources are refused all the same).
    #[arg(long)]
    force: bool,
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
    /// Print only errors: no warnings, no progress bar, no summary line.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took and where the time went.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Bundle(args) => bundle(args),
        Command::Check(args) => check(args),
        Command::Serve(args) => serve(args),
        Command::Init(args) => init(args),
        Command::New(NewCommand::Article(args)) => new_article(args),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let opts = glia::serve::ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        drafts: args.drafts,
    };
    match glia::serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The local calendar date: for dates written into new files, where the clock is the point.
fn local_today() -> String {
    jiff::Zoned::now().date().to_string()
}

fn init(args: InitArgs) -> ExitCode {
    match glia::scaffold::init(&args.dir, &local_today()) {
        Ok(files) => {
            for f in files {
                println!("created {}", f.display());
            }
            println!(
                "next: cd {} && glia serve   (or glia build)",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn new_article(args: NewArticleArgs) -> ExitCode {
    let author = glia::load::read_config(&args.root)
        .ok()
        .and_then(|c| c.author);
    match glia::scaffold::new_article(
        &args.root,
        &args.title,
        args.section.as_deref(),
        &local_today(),
        author.as_deref(),
    ) {
        Ok(path) => {
            println!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let build = BuildOptions {
        root: args.root,
        drafts: args.drafts,
        output: args.output,
        ..BuildOptions::default()
    };
    let opts = glia::check::Options { allow: args.allow };
    let outcome = glia::check::check(&build, &opts);
    let summary = outcome.diagnostics.summary();
    let failed = outcome.diagnostics.has_errors()
        || (args.deny_warnings && outcome.diagnostics.count(Severity::Warning) > 0);
    let diags = outcome.diagnostics.sorted();
    let mut out = std::io::stdout().lock();
    for d in &diags {
        let written = match args.format {
            Format::Human => writeln!(out, "{d}"),
            Format::Json => writeln!(out, "{}", diagnostic_json(d)),
        };
        if written.is_err() {
            return ExitCode::FAILURE; // stdout closed (e.g. piped into `head`)
        }
    }
    if args.format == Format::Human {
        let _ = writeln!(out, "{summary}");
        if !outcome.compiled {
            let _ = writeln!(
                out,
                "the site did not compile, so the editorial checks did not run; fix the errors first"
            );
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "file": d.file,
        "line": d.location.as_ref().map(|l| l.line),
        "column": d.location.as_ref().map(|l| l.column),
        "message": d.message,
        "help": d.help,
    })
}

fn build(args: BuildArgs) -> ExitCode {
    let opts = BuildOptions {
        root: args.root.clone(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        offline: args.offline,
        force: args.force,
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(Bar::start);
    let result = match &bar {
        Some(b) => site::build_with(&opts, b),
        None => site::build(&opts),
    };
    if let Some(b) = bar {
        b.finish();
    }
    match result {
        Ok(report) => {
            if args.quiet {
                return ExitCode::SUCCESS;
            }
            print_diagnostics(&report.diagnostics);
            if args.timings || args.verbose {
                for (stage, t) in &report.timings {
                    eprintln!("{stage:>8}: {:>8.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
            // Pretty URLs (`articles/x/`) open a folder listing from disk: say which build
            // gives a copy that opens from disk, where the editor is looking.
            let use_hint = if report.offline {
                "open index.html from disk"
            } else {
                "serve it over HTTP; for a copy to open from disk, build with --offline"
            };
            println!(
                "built {} pages ({} files) in {:.2} s → {} ({use_hint})",
                thousands(report.pages),
                thousands(report.files),
                report.elapsed.as_secs_f64(),
                report.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let shown: Vec<Diagnostic> = if args.quiet {
                diags.iter().filter(|d| d.is_error()).cloned().collect()
            } else {
                diags.clone()
            };
            print_diagnostics(&shown);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "build failed: {errors} error{}; the previous output was left unchanged",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

/// The progress bar of a build, on a terminal's stderr. It appears only once the build has
/// taken a second, so a quick build prints just its summary line.
struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    fn start() -> Bar {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {msg:<10} [{bar:30}] {pos}/{len} pages, {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        let later = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !later.is_finished() {
                later.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                later.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Bar { bar }
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}

impl site::Progress for Bar {
    fn stage(&self, name: &'static str, total: Option<usize>) {
        self.bar.set_message(name);
        if let Some(n) = total {
            self.bar.set_length(n as u64);
            self.bar.set_position(0);
        }
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }
}

/// `10000` → `10,000`, as summaries are read by people.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let _color = std::io::stderr().is_terminal();
    for d in diags {
        eprintln!("{d}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1045), "1,045");
        assert_eq!(super::thousands(10_000_000), "10,000,000");
    }
}
