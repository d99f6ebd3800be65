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

    write(root, "content/articles/a.md", "---\ntitl: A\n---\n\nBroken A.\n");
    assert!(server.next_rebuild().starts_with("build failed"));
    let broken_a = build_errors(root);
    assert!(!broken_a.is_empty());
    assert_eq!(serve_errors(&server.addr), broken_a);

    // A valid edit elsewhere: the site is still broken, so the overlay stays everywhere.
    write(root, "content/articles/b.md", &article("B", "New words of B."));
    let line = server.next_rebuild();
    assert!(line.starts_with("build failed"), "{line}");
    assert_eq!(serve_errors(&server.addr), broken_a);
    assert!(overlay("/articles/b/") && overlay("/articles/a/"));

    // A second broken page: both pages' errors, as the build reports them.
    write(root, "content/articles/c.md", "---\ntitle: C\ndaft: true\n---\n\nC.\n");
    server.next_rebuild();
    let both = build_errors(root);
    assert!(both.len() > broken_a.len(), "{both:?}");
    assert_eq!(serve_errors(&server.addr), both);

    // Fixing one of them leaves the other's error.
    write(root, "content/articles/a.md", &article("A", "Fixed A."));
    server.next_rebuild();
    let only_c = build_errors(root);
    assert!(!only_c.is_empty() && only_c.iter().all(|e| e.contains("c.md")), "{only_c:?}");
    assert_eq!(serve_errors(&server.addr), only_c);
    assert!(overlay("/articles/a/"));

    // Fixing the last one clears it, and every edit made meanwhile is served.
    write(root, "content/articles/c.md", &article("C", "Fixed C."));
    let line = server.next_rebuild();
    assert!(line.starts_with("rebuilt"), "{line}");
    assert!(build_errors(root).is_empty());
    assert!(serve_errors(&server.addr).is_empty());
    for (page, words) in [("a", "Fixed A."), ("b", "New words of B."), ("c", "Fixed C.")] {
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

    write(root, "content/articles/b.md", &article("B", "New words of B."));
    let line = server.next_rebuild();
    assert!(line.starts_with("build failed"), "{line}");
    assert_eq!(serve_errors(&server.addr), broken);

    write(root, "site.yaml", &yaml);
    assert!(server.next_rebuild().starts_with("rebuilt"));
    assert!(serve_errors(&server.addr).is_empty());
    assert!(get(&server.addr, "/articles/b/").1.contains("New words of B."));
}
