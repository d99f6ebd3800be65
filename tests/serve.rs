//! `glia serve` end to end: live rebuilds, the error overlay, and refusing paths that lead
//! out of the build folder. Each test runs the real binary on a free port.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{site, write, KillOnDrop, GLIA};

const ARTICLE: &str = "---\ntitle: A\n---\n\nOriginal words here.\n";

struct Server {
    _child: KillOnDrop,
    addr: String,
    /// Where the server's temporary build folder lives (its TMPDIR).
    tmp: PathBuf,
}

/// Starts `glia serve` on `root` on a free port and waits for it to say where it listens.
fn serve(root: &Path, tmp: &Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    serve_on(root, tmp, port).0
}

/// Starts `glia serve` asking for `port`; also returns what it printed before listening.
fn serve_on(root: &Path, tmp: &Path, port: u16) -> (Server, Vec<String>) {
    let mut child = Command::new(GLIA)
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let child = KillOnDrop(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut said = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("glia serve did not start");
        if let Some(url) = line.split("at http://").nth(1) {
            let addr = url.split('/').next().unwrap().to_string();
            let server = Server {
                _child: child,
                addr,
                tmp: tmp.to_path_buf(),
            };
            return (server, said);
        }
        said.push(line);
    }
}

/// A raw HTTP/1.1 GET, so the path reaches the server exactly as written.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
    start.elapsed()
}

#[test]
fn edits_show_up_errors_overlay_the_last_good_page_and_clear_when_fixed() {
    let s = site(&[("content/articles/a.md", ARTICLE)]);
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    let page = || get(&server.addr, "/articles/a/");
    let (status, body) = page();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Original words here."));
    assert!(
        body.contains("/__glia/live.js"),
        "the reload script is injected"
    );
    assert!(!body.contains("glia-overlay"));

    // No pause: the watcher is running before the address is printed.
    write(
        s.path(),
        "content/articles/a.md",
        &ARTICLE.replace("Original", "Edited"),
    );
    let took = wait_for("the edit", Duration::from_secs(2), || {
        page().1.contains("Edited words here.")
    });
    eprintln!("edit served after {took:?}");

    write(
        s.path(),
        "content/articles/a.md",
        "---\ntitl: A\n---\n\nBroken.\n",
    );
    wait_for("the overlay", Duration::from_secs(2), || {
        page().1.contains("id=\"glia-overlay\"")
    });
    let (status, body) = page();
    assert_eq!(status, 200);
    assert!(
        body.contains("Edited words here."),
        "the last good page stays"
    );
    assert!(!body.contains("Broken."));
    assert!(body.contains("content/articles/a.md:2:1"), "{body}");
    assert!(body.contains("unknown front-matter key"), "{body}");
    let (_, status_json) = get(&server.addr, "/__glia/status");
    assert!(
        status_json.contains("\"code\":\"unknown-key\""),
        "{status_json}"
    );

    // The event stream tells open tabs at once.
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        events,
        "GET /__glia/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("data: ") || !seen.ends_with("\n\n") {
        let n = events.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    assert!(seen.contains("glia-overlay"), "{seen}");

    write(
        s.path(),
        "content/articles/a.md",
        &ARTICLE.replace("Original", "Fixed"),
    );
    wait_for("the fix", Duration::from_secs(2), || {
        let b = page().1;
        b.contains("Fixed words here.") && !b.contains("glia-overlay")
    });
    // The open stream hears about it too: an event without an overlay.
    let mut more = String::new();
    while !more.contains("\"overlay\":\"\"") {
        let n = events.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {more}");
        more.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    drop(server);
}

#[test]
fn folders_redirect_and_missing_pages_get_the_sites_404() {
    let s = site(&[("content/articles/a.md", ARTICLE)]);
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    let (status, head) = get(&server.addr, "/articles/a?x=1");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /articles/a/?x=1"), "{head}");
    let (status, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the site's own 404.html: {body}");
}

#[test]
fn nothing_outside_the_build_folder_is_ever_served() {
    let s = site(&[("content/articles/a.md", ARTICLE)]);
    let tmp = tempfile::tempdir().unwrap();
    let secret = "TOP-SECRET-7c1f";
    let server = serve(s.path(), tmp.path());
    // Beside the build folder, in the same temporary folder.
    std::fs::write(server.tmp.join("secret"), secret).unwrap();
    let build = std::fs::read_dir(&server.tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("glia-serve-")
        })
        .expect("the build folder is in TMPDIR");
    assert!(build.join("index.html").is_file());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(server.tmp.join("secret"), build.join("leak")).unwrap();
        std::os::unix::fs::symlink(&server.tmp, build.join("up")).unwrap();
    }
    let attempts = [
        "/../secret",
        "/%2e%2e/secret",
        "/%2E%2E/secret",
        "/..%2fsecret",
        "/..%2Fsecret",
        "/a%5c..%5csecret",
        "/a\\..\\secret",
        "/C:/x",
        "/C:%5csecret",
        "//etc/passwd",
        "/articles/../../secret",
        "/articles/%2e%2e/%2e%2e/secret",
        "/leak",
        "/up/secret",
        "/up/",
        &format!("{}/secret", server.tmp.display()),
        "/etc/passwd",
        "/%00",
    ];
    for path in attempts {
        let (status, response) = get(&server.addr, path);
        assert!(
            status == 400 || status == 404,
            "{path} answered {status}: {response}"
        );
        assert!(!response.contains(secret), "{path} leaked the secret");
        assert!(!response.contains("root:"), "{path} leaked /etc/passwd");
    }
    let (status, _) = get(&server.addr, "/");
    assert_eq!(status, 200, "ordinary pages still work");
}

#[test]
fn a_busy_port_moves_to_the_next_free_one_and_says_so() {
    let s = site(&[("content/articles/a.md", ARTICLE)]);
    let tmp = tempfile::tempdir().unwrap();
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let (server, said) = serve_on(s.path(), tmp.path(), port);
    assert!(
        said.iter()
            .any(|l| l.contains(&format!("port {port} is busy"))),
        "{said:?}"
    );
    assert!(server.addr.starts_with("127.0.0.1:"), "loopback by default");
    assert_ne!(server.addr, format!("127.0.0.1:{port}"));
    assert_eq!(get(&server.addr, "/").0, 200);
}
