//! The dev server's error state and slow clients. Each test runs the real `glia serve`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{site, write, GLIA};

#[path = "../common/serve.rs"]
mod serving;

use serving::{get, serve};

fn article(title: &str, words: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n{words}\n")
}

/// The errors `glia build` reports for the files as they are now, as `code file:line:col`.
fn build_errors(root: &Path) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(GLIA)
        .args(["build", "--root", root.to_str().unwrap(), "--output"])
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    let mut errors: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|l| {
            let (code, rest) = l.split_once("]: ")?;
            let pos = rest.split(": ").next()?;
            Some(format!("{code} {pos}"))
        })
        .collect();
    errors.sort();
    assert_eq!(
        run.status.success(),
        errors.is_empty(),
        "build exit status and errors disagree: {stderr}"
    );
    errors
}

/// The errors serve reports (`/__glia/status`), in the same form.
fn serve_errors(addr: &str) -> Vec<String> {
    let (status, response) = get(addr, "/__glia/status");
    assert_eq!(status, 200, "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    let mut errors: Vec<String> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}:{}:{}",
                e["code"].as_str().unwrap(),
                e["file"].as_str().unwrap(),
                e["line"],
                e["column"]
            )
        })
        .collect();
    errors.sort();
    errors
}

/// Issue 15, point 5: a valid edit to one page after a broken edit to another must not clear
/// the overlay; serve's errors are always the ones `glia build` reports for the current files.
#[test]
fn the_overlay_stays_until_every_error_in_the_site_is_fixed() {
    let s = site(&[
        ("content/articles/a.md", &article("A", "Words of A.")),
        ("content/articles/b.md", &article("B", "Words of B.")),
        ("content/articles/c.md", &article("C", "Words of C.")),
    ]);
    let root = s.path();
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(root, tmp.path());
    let overlay = |page: &str| get(&server.addr, page).1.contains("id=\"glia-overlay\"");
    assert!(serve_errors(&server.addr).is_empty());

    write(
        root,
        "content/articles/a.md",
        "---\ntitl: A\n---\n\nBroken A.\n",
    );
    assert!(server.next_rebuild().starts_with("build failed"));
    let broken_a = build_errors(root);
    assert!(!broken_a.is_empty());
    assert_eq!(serve_errors(&server.addr), broken_a);

    // A valid edit elsewhere: the site is still broken, so the overlay stays everywhere.
    write(
        root,
        "content/articles/b.md",
        &article("B", "New words of B."),
    );
    let line = server.next_rebuild();
    assert!(line.starts_with("build failed"), "{line}");
    assert_eq!(serve_errors(&server.addr), broken_a);
    assert!(overlay("/articles/b/") && overlay("/articles/a/"));

    // A second broken page: both pages' errors, as the build reports them.
    write(
        root,
        "content/articles/c.md",
        "---\ntitle: C\ndaft: true\n---\n\nC.\n",
    );
    server.next_rebuild();
    let both = build_errors(root);
    assert!(both.len() > broken_a.len(), "{both:?}");
    assert_eq!(serve_errors(&server.addr), both);

    // Fixing one of them leaves the other's error.
    write(root, "content/articles/a.md", &article("A", "Fixed A."));
    server.next_rebuild();
    let only_c = build_errors(root);
    assert!(
        !only_c.is_empty() && only_c.iter().all(|e| e.contains("c.md")),
        "{only_c:?}"
    );
    assert_eq!(serve_errors(&server.addr), only_c);
    assert!(overlay("/articles/a/"));

    // Fixing the last one clears it, and every edit made meanwhile is served.
    write(root, "content/articles/c.md", &article("C", "Fixed C."));
    let line = server.next_rebuild();
    assert!(line.starts_with("rebuilt"), "{line}");
    assert!(build_errors(root).is_empty());
    assert!(serve_errors(&server.addr).is_empty());
    for (page, words) in [
        ("a", "Fixed A."),
        ("b", "New words of B."),
        ("c", "Fixed C."),
    ] {
        let body = get(&server.addr, &format!("/articles/{page}/")).1;
        assert!(body.contains(words), "{page}: {body}");
        assert!(!body.contains("glia-overlay"), "{page}: {body}");
    }
}

/// After a full compile fails (here a broken `site.yaml`), a page edit must not patch the
/// last good build and report "no errors".
#[test]
fn after_a_failed_full_compile_edits_compile_everything_until_it_is_fixed() {
    let s = site(&[
        ("content/articles/a.md", &article("A", "Words of A.")),
        ("content/articles/b.md", &article("B", "Words of B.")),
    ]);
    let root = s.path();
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(root, tmp.path());
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    write(root, "site.yaml", &format!("{yaml}titel: oops\n"));
    assert!(server.next_rebuild().starts_with("build failed"));
    let broken = build_errors(root);
    assert!(!broken.is_empty());
    assert_eq!(serve_errors(&server.addr), broken);

    write(
        root,
        "content/articles/b.md",
        &article("B", "New words of B."),
    );
    let line = server.next_rebuild();
    assert!(line.starts_with("build failed"), "{line}");
    assert_eq!(serve_errors(&server.addr), broken);

    write(root, "site.yaml", &yaml);
    assert!(server.next_rebuild().starts_with("rebuilt"));
    assert!(serve_errors(&server.addr).is_empty());
    assert!(get(&server.addr, "/articles/b/")
        .1
        .contains("New words of B."));
}

/// Issue 15, point 6: clients that announce a body and stall, or never finish their request
/// head, must not hold up anyone else; and they are answered and closed, not kept forever.
#[test]
fn stalled_clients_never_hold_up_other_requests() {
    let s = site(&[("content/articles/a.md", &article("A", "Words of A."))]);
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    // A 1 MB body announced, 3 bytes sent; a request head that never ends; a chunked body
    // that stops.
    let body = |method: &str| {
        format!("{method} /articles/a/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\nabc")
    };
    let head = "GET /articles/a/ HTTP/1.1\r\nHost: loc".to_string();
    let chunked =
        "GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc"
            .to_string();
    let stalls = [
        body("GET"),
        body("POST"),
        body("GET"),
        body("POST"),
        head.clone(),
        body("GET"),
        chunked,
        head,
    ];
    let mut stalled = Vec::new();
    for stall in &stalls {
        let mut c = TcpStream::connect(&server.addr).unwrap();
        c.write_all(stall.as_bytes()).unwrap();
        stalled.push(c);
    }
    // Let the server take them in first, as a flood would.
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let (status, body) = get(&server.addr, "/articles/a/");
    let took = start.elapsed();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Words of A."));
    assert!(
        took < Duration::from_secs(1),
        "a page took {took:?} behind 8 stalled clients"
    );

    for (i, mut c) in stalled.into_iter().enumerate() {
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut got = Vec::new();
        let end = c.read_to_end(&mut got);
        let held = matches!(&end, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
        assert!(!held, "stalled client {i} was held open for 20 s");
        let got = String::from_utf8_lossy(&got);
        assert!(
            got.is_empty() || got.starts_with("HTTP/1.1 4"),
            "client {i}: {got}"
        );
    }
}

/// Raw requests: the answer for each method and for an oversized head.
#[test]
fn only_get_and_head_are_answered_and_huge_heads_are_refused() {
    let s = site(&[("content/articles/a.md", &article("A", "Words of A."))]);
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    let raw = |request: &str| {
        let mut c = TcpStream::connect(&server.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.write_all(request.as_bytes()).unwrap();
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        String::from_utf8_lossy(&got).into_owned()
    };
    let head = raw("HEAD /articles/a/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("Content-Length: ") && head.ends_with("\r\n\r\n"),
        "{head}"
    );
    let post = raw("POST /articles/a/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert!(raw(&huge).starts_with("HTTP/1.1 431"));
    assert!(raw("NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400"));
}
