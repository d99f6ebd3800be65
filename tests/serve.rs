//! `glia serve` end to end: live rebuilds, the error overlay, and refusing paths that lead
//! out of the build folder. Each test runs the real binary on a free port.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

#[path = "common/serve.rs"]
mod serving;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use common::{site, write};
use glia::render::search;
use serving::{get, serve, serve_on, wait_for};

const ARTICLE: &str = "---\ntitle: A\n---\n\nOriginal words here.\n";

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

/// The number in `"key":N` of the search manifest.
fn manifest_number(manifest: &str, key: &str) -> usize {
    let at = manifest.find(&format!("\"{key}\":")).expect(key) + key.len() + 3;
    let digits: String = manifest[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

#[test]
fn search_finds_a_word_added_by_a_one_article_rebuild() {
    // Enough articles for more than one term shard, so the word's shard is one of several.
    let articles: Vec<(String, String)> = (0..140)
        .map(|i| {
            (
                format!("content/articles/a{i}.md"),
                format!("---\ntitle: Article {i}\n---\n\nWords of article {i}.\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = articles
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let s = site(&files);
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    let (status, manifest) = get(&server.addr, &format!("/{}", search::INDEX_FILE));
    assert_eq!(status, 200, "{manifest}");
    let shards = manifest_number(&manifest, "shards");
    assert!(shards > 1, "{manifest}");

    let word = "zygomorphic";
    let stem = search::stem(word);
    let shard = format!(
        "/{}/t{}.js",
        search::SHARD_DIR,
        search::shard_of(&stem, shards)
    );
    assert!(!get(&server.addr, &shard).1.contains(&format!("\"{stem}\"")));

    write(
        s.path(),
        "content/articles/a7.md",
        &format!("---\ntitle: Article 7\n---\n\nWords of article 7, now {word}.\n"),
    );
    assert!(server.next_rebuild().starts_with("rebuilt"));
    let (status, body) = get(&server.addr, &shard);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(&format!("\"{stem}\"")),
        "the rebuilt index's shard {shard} has \"{stem}\": {body}"
    );
    // The manifest still names the same shards, and every one of them is served.
    let (_, after) = get(&server.addr, &format!("/{}", search::INDEX_FILE));
    assert_eq!(manifest_number(&after, "shards"), shards);
    for k in 0..shards {
        let path = format!("/{}/t{k}.js", search::SHARD_DIR);
        assert_eq!(get(&server.addr, &path).0, 200, "{path}");
    }
    // The snippet shard with the article's new text is served too.
    let snippets = (0..)
        .map(|k| get(&server.addr, &format!("/{}/d{k}.js", search::SHARD_DIR)))
        .take_while(|(status, _)| *status == 200)
        .filter(|(_, body)| body.contains(word))
        .count();
    assert_eq!(snippets, 1, "one snippet shard holds the new sentence");
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
fn a_missing_page_under_a_language_gets_that_languages_404() {
    let s = site(&[
        ("content/articles/a.md", ARTICLE),
        (
            "content/_index.es.md",
            "---\ntitle: Inicio\n---\nBienvenida.\n",
        ),
    ]);
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    write(
        s.path(),
        "site.yaml",
        &format!("{yaml}languages:\n  es:\n    title: Sitio\n"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(s.path(), tmp.path());
    let (status, body) = get(&server.addr, "/es/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"es\""), "es/404.html: {body}");
    let (status, body) = get(&server.addr, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html lang=\"en\""), "404.html: {body}");
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
