//! The network's site in a real browser: Debian's chromium driven by `tests/browser/e2e.mjs`
//! (playwright-core, axe-core), once opened from disk (`--offline`, `file://`) and once hosted
//! under a sub-path by a small loopback HTTP server written here.
//!
//! The script opens the home page, follows a link to an article and back, searches from the
//! header box for a word of the article's title and follows the first result. It fails on any
//! failed request, console error, uncaught page error, request leaving the site, or serious
//! accessibility violation. See the script's header for the details.
//!
//! These tests are ignored by default. Run them with
//!
//! ```sh
//! apt-get install -y chromium
//! (cd tests/browser && npm ci)
//! cargo test --test browser -- --include-ignored
//! ```
//!
//! Without chromium or the npm packages they fail with that hint; they never pass silently.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;

/// The longest a browser run may take before it is killed and the test fails.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(240);
/// The longest the test server stays up, whatever happens to the test.
const SERVER_LIFETIME: Duration = Duration::from_secs(300);

/// Panics with an install hint unless chromium, node and the npm packages are there.
fn require_tools() {
    let chromium = chromium();
    assert!(
        chromium.is_file(),
        "chromium not found at {} (set CHROMIUM to use another path)\n\
         hint: apt-get install -y chromium",
        chromium.display()
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found ({node:?})\nhint: apt-get install -y nodejs npm"
    );
    for package in ["playwright-core", "axe-core"] {
        let dir = browser_dir().join("node_modules").join(package);
        assert!(
            dir.join("package.json").is_file(),
            "{} is missing\nhint: cd tests/browser && npm ci",
            dir.display()
        );
    }
}

/// Builds the network's site with the CLI into `<tmp>/public`.
fn build_site(tmp: &Path, extra: &[&str]) -> PathBuf {
    let out = tmp.join("public");
    let o = run_cli(&repo_root(), &out, extra, &[]);
    assert!(
        o.status.success(),
        "glia build {extra:?} failed:\n{}",
        stderr(&o)
    );
    out
}

/// Runs `node e2e.mjs <url>`, killing it after [`BROWSER_TIMEOUT`], and panics with its JSON
/// summary unless it passed.
fn run_e2e(url: &str) {
    run_script("e2e.mjs", url);
}

/// Runs `node <script> <url>` from `tests/browser` as [`run_e2e`] does.
fn run_script(script: &str, url: &str) {
    run_script_with(script, url, &[]);
}

/// [`run_script`] with more of the script's environment (`E2E_QUERY`).
fn run_script_with(script: &str, url: &str, env: &[(&str, &str)]) {
    let mut child = Command::new("node")
        .arg(browser_dir().join(script))
        .arg(url)
        .envs(env.iter().copied())
        .current_dir(browser_dir())
        .env("CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    // Drain both pipes in threads so a chatty browser cannot block on a full pipe.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + BROWSER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    match status {
        Some(s) if s.success() => {
            assert!(
                out.contains("\"ok\": true"),
                "e2e.mjs exited 0 without a passing summary:\n{out}\n{err}"
            );
        }
        Some(s) => panic!("browser check of {url} failed ({s}):\n{out}\nstderr:\n{err}"),
        None => panic!(
            "browser check of {url} took longer than {BROWSER_TIMEOUT:?} and was killed:\n{out}\nstderr:\n{err}"
        ),
    }
}

fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap();
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[test]
#[ignore = "needs chromium and npm packages (tests/browser)"]
fn offline_copy_works_from_disk() {
    require_tools();
    let tmp = tempfile::Builder::new()
        .prefix("glia-browser-")
        .tempdir()
        .unwrap();
    let out = build_site(tmp.path(), &["--offline"]);
    run_e2e(&file_url(&out.join("index.html")));
}

/// The Spanish copy of the network's site opened from disk on its own folder (`es/`): the
/// Spanish home page, an article, and a search typed without its accent ("depresion") that
/// finds the Spanish pages saying "depresión" through the Spanish stemmer in the browser.
#[test]
#[ignore = "needs chromium and npm packages (tests/browser)"]
fn the_spanish_copy_works_from_disk_and_searches_in_spanish() {
    require_tools();
    let tmp = tempfile::Builder::new()
        .prefix("glia-browser-")
        .tempdir()
        .unwrap();
    let out = build_site(tmp.path(), &["--offline"]);
    let home = Out { dir: out.clone() }.html("es/index.html");
    assert_eq!(attr(&one(&home, "html"), "lang"), "es");
    run_script_with(
        "e2e.mjs",
        &file_url(&out.join("es/index.html")),
        &[
            ("E2E_QUERY", "depresion"),
            ("E2E_RESULT_PATH", "/public/es/"),
        ],
    );
}

/// A glossary term on a phone: a tap shows its definition in place, Escape hides it, a second
/// tap (or a tap with JavaScript off) goes to the term's page; hover and focus still work. See
/// `tests/browser/glossary.mjs`.
#[test]
#[ignore = "needs chromium and npm packages (tests/browser)"]
fn a_tapped_glossary_term_shows_its_definition() {
    require_tools();
    let tmp = tempfile::Builder::new()
        .prefix("glia-browser-")
        .tempdir()
        .unwrap();
    let out = build_site(tmp.path(), &["--offline"]);
    let site = Out { dir: out.clone() };
    let article = site
        .html_files()
        .into_iter()
        .filter(|f| f.starts_with("articles/") && f.matches('/').count() == 2)
        .find(|f| !select(&site.html(f), ".prose a.gloss-term[aria-describedby]").is_empty())
        .expect("an article of the network's site links a glossary term");
    run_script("glossary.mjs", &file_url(&out.join(article)));
}

#[test]
#[ignore = "needs chromium and npm packages (tests/browser)"]
fn hosted_under_a_sub_path_works_over_http() {
    require_tools();
    let tmp = tempfile::Builder::new()
        .prefix("glia-browser-")
        .tempdir()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/sub/path/");
    let out = build_site(tmp.path(), &["--base-url", &base]);
    let server = Server::start(listener, out, "/sub/path/");
    run_e2e(&base);
    server.stop();
}

// ---------------------------------------------------------------------------------------------
// A static file server for one test: GET/HEAD only, files under a URL prefix, `x/` serves
// `x/index.html`, a folder without its slash redirects, anything else is 404.
// ---------------------------------------------------------------------------------------------

struct Server {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Server {
    fn start(listener: TcpListener, root: PathBuf, prefix: &'static str) -> Server {
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let until = Instant::now() + SERVER_LIFETIME;
            while !flag.load(Ordering::Relaxed) && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let root = root.clone();
                        std::thread::spawn(move || {
                            let _ = serve(stream, &root, prefix);
                        });
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => break,
                }
            }
        });
        Server { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

fn serve(stream: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"",
            true,
        );
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or(""));
    let Some(rel) = path.strip_prefix(prefix) else {
        return not_found(&mut stream, method);
    };
    if rel
        .split('/')
        .any(|s| s == ".." || s == "." || s.contains('\\'))
    {
        return not_found(&mut stream, method);
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            let location = format!("{path}/");
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return stream.write_all(head.as_bytes());
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => respond(
            &mut stream,
            "200 OK",
            content_type(&file),
            &bytes,
            method == "GET",
        ),
        Err(_) => not_found(&mut stream, method),
    }
}

fn not_found(stream: &mut TcpStream, method: &str) -> std::io::Result<()> {
    respond(
        stream,
        "404 Not Found",
        "text/plain; charset=utf-8",
        b"not found\n",
        method == "GET",
    )
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "bib" => "application/x-bibtex; charset=utf-8",
        "ris" => "application/x-research-info-systems",
        _ => "application/octet-stream",
    }
}

/// The server itself, checked without a browser, so a failure in the browser tests is never
/// the server's.
#[test]
fn test_server_serves_the_prefix_only() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(root.join("index.html"), "home").unwrap();
    std::fs::write(root.join("a/index.html"), "page a").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = Server::start(listener, root, "/sub/path/");
    let get = |path: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let home = get("/sub/path/");
    assert!(
        home.starts_with("HTTP/1.1 200") && home.ends_with("home"),
        "{home}"
    );
    let a = get("/sub/path/a/?q=1");
    assert!(
        a.starts_with("HTTP/1.1 200") && a.ends_with("page a"),
        "{a}"
    );
    assert!(get("/sub/path/a").starts_with("HTTP/1.1 301"));
    assert!(get("/index.html").starts_with("HTTP/1.1 404"));
    assert!(get("/sub/path/../index.html").starts_with("HTTP/1.1 404"));
    assert!(get("/sub/path/missing.html").starts_with("HTTP/1.1 404"));
    server.stop();
}
