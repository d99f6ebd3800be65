//! `glia bundle`: one zip holding the offline copy, which works wherever it is unzipped.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::io::Read;
use std::process::Command;

use common::{broken_relative_links, repo_root, Out};

fn bundle(to: &std::path::Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["bundle", "--root"])
        .arg(repo_root())
        .arg("--output")
        .arg(to)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "glia bundle failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("bundled "));
}

#[test]
fn the_bundle_unzips_into_a_working_offline_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("site-offline.zip");
    bundle(&zip_path);

    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect();
    assert!(names.iter().any(|n| n == "START-HERE.html"), "{names:?}");
    assert!(names.iter().any(|n| n == "index.html"));
    // Search works from the unzipped copy: every shard the manifest names is in the zip.
    let mut manifest = String::new();
    archive
        .by_name("search-index.js")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let field = |key: &str| {
        let rest = &manifest[manifest.find(&format!("\"{key}\":")).unwrap() + key.len() + 3..];
        rest[..rest.find([',', '}']).unwrap()]
            .trim_matches('"')
            .to_string()
    };
    let term_shards: usize = field("shards").parse().unwrap();
    let snippet_shards = field("chunks").split(',').count();
    let shards = (0..term_shards)
        .map(|k| format!("search-index/t{k}.js"))
        .chain((0..snippet_shards).map(|k| format!("search-index/d{k}.js")));
    for shard in shards {
        assert!(names.contains(&shard), "{shard} is not in {names:?}");
    }
    // An offline copy has no sitemap or feed: they need the site's public address.
    assert!(!names.iter().any(|n| n == "sitemap.xml"));

    let dest = tmp.path().join("unzipped somewhere");
    archive.extract(&dest).unwrap();
    let mut start = String::new();
    std::fs::File::open(dest.join("START-HERE.html"))
        .unwrap()
        .read_to_string(&mut start)
        .unwrap();
    let doc = scraper::Html::parse_document(&start);
    let link = scraper::Selector::parse("a[href]").unwrap();
    let hrefs: Vec<_> = doc.select(&link).map(|a| a.attr("href").unwrap()).collect();
    assert_eq!(hrefs, ["index.html"]);

    let out = Out { dir: dest.clone() };
    let broken = broken_relative_links(&out);
    assert!(broken.is_empty(), "{broken:#?}");
    // Every internal link names a file: file:// does not serve a folder's index.html.
    for page in out.html_files() {
        let doc = out.html(&page);
        for a in doc.select(&link) {
            let href = a.attr("href").unwrap();
            if href.contains("://") || href.starts_with('#') || href.starts_with("mailto:") {
                continue;
            }
            let path = href.split('#').next().unwrap();
            assert!(
                !path.is_empty() && !path.ends_with('/'),
                "{page}: link `{href}` names a folder"
            );
        }
    }
}

#[test]
fn bundling_twice_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.zip"), tmp.path().join("b.zip"));
    bundle(&a);
    bundle(&b);
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}
