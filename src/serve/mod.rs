//! `glia serve`: build into a temporary folder, serve it, rebuild on every edit, and reload
//! the open tabs.
//!
//! A rebuild goes through an [`incremental::Session`]: an edit to an article's body re-renders
//! that article and what depends on it, anything else compiles the whole site in memory with
//! the same stages as `glia build`, so what the editor sees is what the build would produce.
//! Either way only the files whose bytes changed are written. A failed rebuild writes nothing: the last good site stays served, and the
//! errors go to the terminal and, as an overlay, to every open tab. The reload script and the
//! overlay are added to HTML as it is sent, never to the files, so the serve folder holds
//! exactly what a build would write.

mod http;
mod path;
mod sync;

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::RecursiveMode;

use crate::diagnostics::Diagnostic;
use crate::incremental::{Rebuild, Session};
use crate::render::escape;
use crate::site::BuildOptions;

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// The first port tried; the next free one is taken if it is busy.
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
}

/// Folders and files whose edits trigger a rebuild, relative to the site root.
const WATCHED: [&str; 5] = [
    "content",
    "themes",
    "static",
    "templates",
    crate::config::FILE_NAME,
];

/// How many ports after the requested one are tried before giving up.
const PORT_TRIES: u16 = 50;

/// What the request threads and the rebuild loop share.
pub(crate) struct Shared {
    /// The build folder, canonical, so resolved paths can be compared with it.
    dir: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Bumped whenever the served files change: open tabs with an older one reload.
    generation: u64,
    /// Bumped on every change of what the tabs should show (files or errors).
    version: u64,
    /// The errors of the last rebuild, if it failed.
    errors: Vec<Diagnostic>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicked request thread cannot leave the state half-updated (every update is a
        // few assignments), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, files_changed: bool, errors: Vec<Diagnostic>) {
        let mut s = self.lock();
        if files_changed {
            s.generation += 1;
        }
        if files_changed || s.errors != errors {
            s.version += 1;
        }
        s.errors = errors;
        drop(s);
        self.changed.notify_all();
    }

    /// Blocks until the state's version differs from `seen` or `timeout` passes; returns the
    /// version and the event to send.
    fn wait_for_change(&self, seen: Option<u64>, timeout: Duration) -> (u64, String) {
        let mut s = self.lock();
        if seen == Some(s.version) {
            s = self
                .changed
                .wait_timeout_while(s, timeout, |s| Some(s.version) == seen)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        (s.version, event_json(&s))
    }

    fn status_json(&self) -> String {
        let s = self.lock();
        let errors: Vec<serde_json::Value> = s
            .errors
            .iter()
            .map(|d| {
                serde_json::json!({
                    "code": d.code,
                    "file": d.file,
                    "line": d.location.as_ref().map(|l| l.line),
                    "column": d.location.as_ref().map(|l| l.column),
                    "message": d.message,
                })
            })
            .collect();
        serde_json::json!({ "generation": s.generation, "errors": errors }).to_string()
    }

    /// Adds the reload script (and the error overlay while the build is broken) to a page.
    fn inject(&self, html: Vec<u8>) -> Vec<u8> {
        let s = self.lock();
        let mut extra = overlay_html(&s.errors);
        extra.push_str(&format!(
            r#"<script src="/__glia/live.js" data-generation="{}"></script>"#,
            s.generation
        ));
        drop(s);
        let at = find_last(&html, b"</body>").unwrap_or(html.len());
        let mut out = Vec::with_capacity(html.len() + extra.len());
        out.extend_from_slice(&html[..at]);
        out.extend_from_slice(extra.as_bytes());
        out.extend_from_slice(&html[at..]);
        out
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn event_json(s: &State) -> String {
    serde_json::json!({ "generation": s.generation, "overlay": overlay_html(&s.errors) })
        .to_string()
}

/// The error panel shown over the last good page. Inline styles, so no theme can hide it.
fn overlay_html(errors: &[Diagnostic]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let items: String = errors
        .iter()
        .map(|d| {
            format!(
                "<pre style=\"white-space:pre-wrap;margin:0 0 1em\">{}</pre>",
                escape(&d.to_string())
            )
        })
        .collect();
    format!(
        "<div id=\"glia-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,20,.94);color:#f3f3f3;padding:2em;\
         font:14px/1.45 ui-monospace,monospace\"><p style=\"font-weight:bold;color:#ff8a80;margin-top:0\">\
         glia: the last change broke the build ({} error{}). This is the last good version; \
         fix the file and this message goes away.</p>{items}</div>",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )
}

/// Runs the server until the process is stopped. Returns only on a setup failure.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    // File events name absolute (on some systems canonical) paths: compare them with a
    // canonical root, not with `.`.
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", opts.root.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix("glia-serve-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder to build into: {e}"))?;
    let dir = tmp
        .path()
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", tmp.path().display()))?;
    let cleanup = dir.clone();
    // Ctrl-C would otherwise skip the temporary folder's removal on drop.
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&cleanup);
        std::process::exit(130);
    }) {
        eprintln!(
            "warning: cannot catch Ctrl-C ({e}); {} may be left behind",
            dir.display()
        );
    }
    let shared = Arc::new(Shared {
        dir: dir.clone(),
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    });
    let (listener, addr) = bind(opts.bind, opts.port)?;
    let url = format!("http://{addr}/");
    // Absolute links (canonical, feed, sitemap, the 404 page) point at the preview, not at
    // the published site, and a site without a `base_url` can still be previewed.
    let build = BuildOptions {
        root,
        drafts: opts.drafts,
        base_url: Some(url.clone()),
        ..BuildOptions::default()
    };
    let watch = Watch::start(&build.root)?;
    let mut written = sync::Written::new();
    let mut session = Session::new(build);
    rebuild(&mut session, None, &shared, &mut written);
    if addr.port() != opts.port && opts.port != 0 {
        println!("port {} is busy; using {} instead", opts.port, addr.port());
    }
    if !opts.bind.is_loopback() {
        println!(
            "warning: listening on {} — other machines on the network can read this preview",
            opts.bind
        );
    }
    println!("serving {} at {url} (Ctrl-C to stop)", opts.root.display());
    http::spawn(listener, Arc::clone(&shared));
    if opts.open {
        open_browser(&url);
    }
    watch.run(&mut session, &shared, &mut written);
    drop(tmp);
    Ok(())
}

/// Binds `ip:port`, or the next free port if that one is taken.
fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, SocketAddr), String> {
    let mut last = None;
    for p in (0..PORT_TRIES).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => {
                let addr = l.local_addr().map_err(|e| e.to_string())?;
                return Ok((l, addr));
            }
            Err(e) if e.kind() == ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(format!("cannot listen on {ip}:{p}: {e}")),
        }
        if port == 0 {
            break;
        }
    }
    Err(format!(
        "no free port among {port}–{}: {}",
        port.saturating_add(PORT_TRIES - 1),
        last.map_or_else(String::new, |e| e.to_string())
    ))
}

/// Compiles the site (all of it, or after `changed` as little as the edits need) and writes
/// what changed; on failure keeps the last good files.
fn rebuild(
    session: &mut Session,
    changed: Option<&[PathBuf]>,
    shared: &Shared,
    written: &mut sync::Written,
) {
    let start = Instant::now();
    let first = changed.is_none();
    let (result, diags) = match changed {
        None => session.full(),
        Some(paths) => session.update(paths),
    };
    let diags = diags.sorted();
    for d in &diags {
        eprintln!("{d}");
    }
    let Some(result) = result else {
        let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
        eprintln!(
            "build failed ({} error{}); {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if first {
                "fix it and the site appears"
            } else {
                "still serving the last good build"
            }
        );
        shared.update(false, errors);
        return;
    };
    let compiled_in = start.elapsed();
    let (synced, what, total) = match &result {
        Rebuild::Full { files, assets } => (
            sync::sync(&shared.dir, files, assets, written),
            "",
            files.len() + assets.len(),
        ),
        Rebuild::Patch(files) => (
            sync::patch(&shared.dir, files, written),
            " incrementally",
            written.len(),
        ),
    };
    match synced {
        Ok(changed) => {
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let steps: String = session
                .timings
                .iter()
                .map(|(name, d)| format!("{name} {:.0} ms, ", ms(*d)))
                .collect();
            println!(
                "{}{what} in {:.0} ms ({steps}write {:.0} ms): {changed} of {total} file{} changed",
                if first { "built" } else { "rebuilt" },
                ms(start.elapsed()),
                ms(start.elapsed() - compiled_in),
                if total == 1 { "" } else { "s" }
            );
            shared.update(changed > 0, Vec::new());
        }
        Err(e) => {
            let d = Diagnostic::error(
                "write-failed",
                format!(
                    "could not write the preview into {}: {e}",
                    shared.dir.display()
                ),
            );
            eprintln!("{d}");
            shared.update(true, vec![d]);
        }
    }
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// The site's sources being watched. Started before the first build, so no edit made while
/// that build runs, or just after the address is printed, can be missed.
struct Watch {
    debouncer: Debouncer,
    rx: mpsc::Receiver<notify_debouncer_full::DebounceEventResult>,
    /// The paths whose changes matter (`WATCHED` under the root).
    watched: Vec<PathBuf>,
    /// The folders among them watched recursively so far.
    watching: BTreeSet<PathBuf>,
}

impl Watch {
    fn start(root: &Path) -> Result<Watch, String> {
        let (tx, rx) = mpsc::channel();
        let mut debouncer =
            notify_debouncer_full::new_debouncer(Duration::from_millis(100), None, tx)
                .map_err(|e| format!("cannot watch files: {e}"))?;
        // The root itself, not recursively: site.yaml lives there, and folders such as
        // templates/ may be created while serving.
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watch {
            debouncer,
            rx,
            watched: WATCHED.iter().map(|w| root.join(w)).collect(),
            watching: BTreeSet::new(),
        };
        w.watch_new_folders();
        Ok(w)
    }

    fn watch_new_folders(&mut self) {
        for w in &self.watched {
            if w.is_dir()
                && !self.watching.contains(w)
                && self.debouncer.watch(w, RecursiveMode::Recursive).is_ok()
            {
                self.watching.insert(w.clone());
            }
        }
    }

    /// Rebuilds after each burst of relevant changes, until the watcher stops.
    fn run(mut self, session: &mut Session, shared: &Shared, written: &mut sync::Written) {
        while let Ok(result) = self.rx.recv() {
            let changed: BTreeSet<PathBuf> = match result {
                Ok(events) => events
                    .iter()
                    .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                    .flat_map(|e| e.paths.iter())
                    .filter(|p| is_watched(p, &self.watched))
                    .cloned()
                    .collect(),
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: file watching: {e}");
                    }
                    BTreeSet::new()
                }
            };
            if !changed.is_empty() {
                self.watch_new_folders();
                let changed: Vec<PathBuf> = changed.into_iter().collect();
                rebuild(session, Some(&changed), shared, written);
            }
        }
    }
}

fn is_watched(path: &Path, watched: &[PathBuf]) -> bool {
    watched.iter().any(|w| path.starts_with(w))
}

/// Best effort: a missing opener is reported, never fatal.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}
