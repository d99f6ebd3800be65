//! Shared helpers for glia's integration tests: fixture sites written into a temporary folder,
//! builds through the library and the CLI, HTML inspection with `scraper`, and link checking
//! over a whole output folder.
//!
//! Every test file includes this module but uses only part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use glia::diagnostics::Diagnostic;
use glia::site::{build, BuildOptions, BuildReport};
use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

/// The smallest `site.yaml` a fixture needs.
pub const SITE_YAML: &str =
    "title: Test Site\ndescription: A fixture site\nbase_url: https://example.org/\n";

/// A site written into a temporary folder: sources in `<tmp>/site`, output in `<tmp>/public`,
/// so the output's parent (`<tmp>`) holds nothing else and staging leftovers are easy to spot.
pub struct Fixture {
    pub tmp: TempDir,
}

impl Fixture {
    /// Writes `files` (path relative to the site root, contents) in the order given.
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let fx = Fixture::empty();
        for (path, contents) in files {
            fx.write(path, contents);
        }
        fx
    }

    /// A copy of the site in `dir` (a folder under tests/fixtures/).
    pub fn from_dir(dir: &Path) -> Fixture {
        let fx = Fixture::empty();
        for (rel, bytes) in walk(dir) {
            fx.write(&rel, bytes);
        }
        fx
    }

    /// A fixture with no files at all (not even `site.yaml`).
    pub fn empty() -> Fixture {
        let tmp = tempfile::Builder::new()
            .prefix("glia-test-")
            .tempdir()
            .expect("create temp dir");
        std::fs::create_dir_all(tmp.path().join("site")).unwrap();
        Fixture { tmp }
    }

    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    pub fn output(&self) -> PathBuf {
        self.tmp.path().join("public")
    }

    /// Writes (or overwrites) a file under the site root, creating folders as needed.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let p = self.root().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.root().join(path)).unwrap();
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root(),
            output: Some(self.output()),
            ..BuildOptions::default()
        }
    }

    /// Builds through the library with default options.
    pub fn build(&self) -> Result<BuildReport, Vec<Diagnostic>> {
        build(&self.options())
    }

    /// Builds and panics with every diagnostic printed if the build fails.
    pub fn build_ok(&self) -> Out {
        expect_ok(self.build());
        Out { dir: self.output() }
    }

    /// Builds with `drafts: true`.
    pub fn build_drafts_ok(&self) -> Out {
        let opts = BuildOptions {
            drafts: true,
            ..self.options()
        };
        expect_ok(build(&opts));
        Out { dir: self.output() }
    }

    /// Runs `glia build --root <site> --output <public> <extra…>`.
    pub fn cli(&self, extra: &[&str]) -> Output {
        run_cli(&self.root(), &self.output(), extra, &[])
    }

    pub fn out(&self) -> Out {
        Out { dir: self.output() }
    }

    /// Names in the output's parent folder other than the output itself (staging leftovers).
    pub fn leftovers_beside_output(&self) -> Vec<String> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "site" && n != "public")
            .collect()
    }
}

pub fn expect_ok(r: Result<BuildReport, Vec<Diagnostic>>) -> BuildReport {
    match r {
        Ok(report) => report,
        Err(diags) => panic!("build failed:\n{}", render_diags(&diags)),
    }
}

pub fn render_diags(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| d.to_string()).collect()
}

/// Runs the `glia` binary's `build` command with extra arguments and environment variables.
pub fn run_cli(root: &Path, output: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_glia"));
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run glia")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The root of this repository: the network's own site.
/// `tests/browser`: the browser tests' scripts and their npm packages.
pub fn browser_dir() -> PathBuf {
    repo_root().join("tests/browser")
}

/// The browser the browser tests drive: Debian's chromium unless `CHROMIUM` names another.
pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A built output folder.
pub struct Out {
    pub dir: PathBuf,
}

impl Out {
    pub fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).is_file()
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(rel))
            .unwrap_or_else(|e| panic!("read {rel} in output: {e}; files: {:?}", self.files()))
    }

    pub fn text(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).unwrap_or_else(|_| panic!("{rel} is not UTF-8"))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.text(rel))
    }

    /// Every file of the output, relative, `/`-separated, sorted.
    pub fn files(&self) -> Vec<String> {
        walk(&self.dir).into_keys().collect()
    }

    pub fn html_files(&self) -> Vec<String> {
        self.files()
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect()
    }

    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        walk(&self.dir)
    }
}

/// Every regular file under `dir` (relative path with `/` → bytes), sorted by path.
pub fn walk(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()))
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                go(base, &p, out);
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    go(dir, dir, &mut out);
    out
}

/// Asserts two snapshots are identical, naming the first differing file.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let ka: Vec<&String> = a.keys().collect();
    let kb: Vec<&String> = b.keys().collect();
    assert_eq!(ka, kb, "the two outputs hold different files");
    for (path, bytes) in a {
        if bytes != &b[path] {
            panic!(
                "{path} differs between the two builds:\n--- first ---\n{}\n--- second ---\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&b[path])
            );
        }
    }
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

pub fn select<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

/// The single element matching `s`; panics if there is none or more than one.
pub fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let found = select(doc, s);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one `{s}`, found {}",
        found.len()
    );
    found[0]
}

pub fn attr(e: &ElementRef<'_>, name: &str) -> String {
    e.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", e.value().name()))
        .to_string()
}

pub fn text_of(e: &ElementRef<'_>) -> String {
    e.text().collect()
}

/// Every `id` in a document.
pub fn ids(doc: &Html) -> BTreeSet<String> {
    select(doc, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .map(str::to_string)
        .collect()
}

/// Every `href` and `src` value in a document, with the tag that carries it.
pub fn urls(doc: &Html) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in select(doc, "[href], [src]") {
        for a in ["href", "src"] {
            if let Some(v) = e.value().attr(a) {
                out.push((e.value().name().to_string(), v.to_string()));
            }
        }
    }
    out
}

/// The scheme of a URL (`https`), the way browsers see it: leading blanks and control
/// characters ignored.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let (s, _) = cleaned.split_once(':')?;
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    ok.then(|| s.to_ascii_lowercase())
}

/// A relative URL on page `page` (output-relative path of the HTML file) resolved to the output
/// file it names and its fragment. `None` for URLs that are not relative (with a scheme, or
/// starting with `/`). `Err` when the URL climbs out of the output folder.
pub fn resolve_relative(page: &str, url: &str) -> Option<Result<(String, Option<String>), String>> {
    if scheme(url).is_some() || url.starts_with('/') {
        return None;
    }
    let (path_q, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (url, None),
    };
    let path = percent_decode(path_q.split('?').next().unwrap_or(""));
    if path.is_empty() {
        return Some(Ok((page.to_string(), fragment)));
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(format!("`{url}` on {page} climbs out of the output")));
                }
            }
            s => parts.push(s),
        }
    }
    let folder = path.ends_with('/') || path == "." || path == ".." || path.ends_with("/..");
    if folder {
        parts.push("index.html");
    }
    Some(Ok((parts.join("/"), fragment)))
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every relative `href`/`src` of every HTML file in `out`: the target file exists
/// (`x/` meaning `x/index.html`) and, if there is a `#fragment`, the target has that `id`.
/// Returns one line per problem.
///
/// Footnote links (`#1` → `<div class="footnote-definition" id="1">`) are checked like any
/// other fragment: pulldown-cmark's ids and hrefs agree, so no exception is needed.
pub fn broken_relative_links(out: &Out) -> Vec<String> {
    let files: BTreeSet<String> = out.files().into_iter().collect();
    let mut id_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for page in out.html_files() {
        let doc = out.html(&page);
        for (tag, url) in urls(&doc) {
            let Some(resolved) = resolve_relative(&page, &url) else {
                continue;
            };
            let (target, fragment) = match resolved {
                Ok(t) => t,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            if !files.contains(&target) {
                problems.push(format!(
                    "{page}: <{tag}> `{url}` → {target}, which does not exist"
                ));
                continue;
            }
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            if !target.ends_with(".html") {
                continue;
            }
            let target_ids = id_cache
                .entry(target.clone())
                .or_insert_with(|| ids(&out.html(&target)));
            if !target_ids.contains(&fragment) {
                problems.push(format!(
                    "{page}: <{tag}> `{url}` → {target} has no id `{fragment}`"
                ));
            }
        }
    }
    problems
}

/// The first `error[code]: …` header line of `stderr`, or a panic showing all of it.
pub fn error_line<'a>(stderr: &'a str, code: &str) -> &'a str {
    let prefix = format!("error[{code}]: ");
    stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in stderr:\n{stderr}"))
}

/// Asserts stderr has an error on line `line` of `file` (any column) and returns it.
pub fn assert_error_on_line(stderr: &str, code: Option<&str>, file: &str, line: usize) -> String {
    let prefix = format!("{file}:{line}:");
    let found = stderr.lines().find_map(|l| {
        let rest = l.strip_prefix("error[")?;
        let (c, after) = rest.split_once("]: ")?;
        let pos = after.split(": ").next()?;
        let col = pos.strip_prefix(&prefix)?;
        (code.is_none_or(|code| c == code) && col.parse::<usize>().is_ok()).then(|| pos.to_string())
    });
    match found {
        Some(pos) => assert_error_at(stderr, code, &pos),
        None => panic!("expected an error on {file} line {line}; stderr was:\n{stderr}"),
    }
}

/// Asserts stderr has an error whose header is `error[code]: file:line:col: …` (any code when
/// `code` is `None`), and returns that whole diagnostic (its header, source excerpt and help).
pub fn assert_error_at(stderr: &str, code: Option<&str>, position: &str) -> String {
    let wanted = |l: &str| {
        let Some(rest) = l.strip_prefix("error[") else {
            return false;
        };
        let Some((c, after)) = rest.split_once("]: ") else {
            return false;
        };
        code.is_none_or(|code| c == code) && after.starts_with(&format!("{position}: "))
    };
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| wanted(l)).unwrap_or_else(|| {
        panic!(
            "expected an error{} at `{position}`; stderr was:\n{stderr}",
            code.map(|c| format!("[{c}]")).unwrap_or_default()
        )
    });
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            l.starts_with("error[") || l.starts_with("warning[") || l.starts_with("build failed")
        })
        .map_or(lines.len(), |i| start + 1 + i);
    lines[start..end].join("\n")
}

// ---- Running the `glia` binary on small sites (check, init, serve tests) ----

pub const GLIA: &str = env!("CARGO_BIN_EXE_glia");

/// 2026-11-29T00:00:00Z: "today" for every check run, so review ages never drift.
pub const TODAY_EPOCH: &str = "1796083200";

pub const SMALL_SITE_YAML: &str = "title: Test site\nbase_url: https://example.org/\n";

/// A site in a temporary folder: `site.yaml`, a home page, and `files` on top.
pub fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.yaml", SMALL_SITE_YAML);
    write(
        dir.path(),
        "content/_index.md",
        "---\ntitle: Home\n---\n\nWelcome to the site.\n",
    );
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `glia <args>` with a fixed `SOURCE_DATE_EPOCH`.
pub fn glia(args: &[&str]) -> Output {
    Command::new(GLIA)
        .args(args)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .output()
        .unwrap()
}

/// Kills the child when dropped, so a failing assertion never leaves a server running.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Panics with an install hint unless chromium is there (`CHROMIUM` or /usr/bin/chromium).
pub fn require_chromium() {
    let c = chromium();
    assert!(
        c.is_file(),
        "chromium not found at {} (set CHROMIUM to use another path)\nhint: apt-get install -y chromium",
        c.display()
    );
}

/// Panics with an install hint unless `tests/browser/node_modules/<what>` is installed.
pub fn require_npm_packages(what: &str) {
    assert!(
        browser_dir().join("node_modules").join(what).is_dir(),
        "tests/browser/node_modules/{what} is missing\nhint: (cd tests/browser && npm ci)"
    );
}

/// Every `.html` file under `dir`, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Runs the Nu Html Checker (vnu.jar from tests/browser's npm packages) over `pages` and
/// panics with its report on any error, or with an install hint when java or the jar is
/// missing.
pub fn assert_valid_html(pages: &[PathBuf]) {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing\nhint: (cd tests/browser && npm ci)",
        jar.display()
    );
    let java = std::process::Command::new("java").arg("-version").output();
    assert!(
        java.is_ok_and(|o| o.status.success()),
        "java not found\nhint: apt-get install -y openjdk-17-jre-headless"
    );
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .args(pages)
        .output()
        .expect("run java");
    let report =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !report.contains("error:"),
        "the Nu Html Checker found errors:\n{report}"
    );
}

/// A free loopback port for a test server.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Runs `tests/browser/theme.mjs` (axe-core, CSP, reflow and the theme's own checks in
/// chromium) on the built site in `site`, served on `port`, with `extra` arguments; panics
/// with an install hint when a tool is missing, and when a check fails.
pub fn run_theme_checks(site: &Path, port: u16, extra: &[&std::ffi::OsStr]) {
    require_chromium();
    require_npm_packages("playwright-core");
    require_npm_packages("axe-core");
    let status = Command::new("node")
        .current_dir(browser_dir())
        .arg("theme.mjs")
        .arg("--site")
        .arg(site)
        .args(["--port", &port.to_string()])
        .args(extra)
        .env("CHROMIUM", chromium())
        .status()
        .expect("run node (hint: apt-get install -y nodejs npm)");
    assert!(
        status.success(),
        "tests/browser/theme.mjs failed on {} (see above)",
        site.display()
    );
}

/// Whether a file of the network's content is a translation (`ketamine-therapy.es.md`): the
/// languages its `site.yaml` names besides English. Tests that count the English pages
/// leave these out.
pub fn is_translation(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".es.md"))
}

/// A bibliography of one work, for fixture sites that cite `work1`.
pub const ONE_WORK: &str = "\
- id: work1
  type: article-journal
  title: A test work
  authors:
    - {family: Tester, given: Tess}
  container: Test Journal
  year: 2020
  url: https://example.org/work1
";
