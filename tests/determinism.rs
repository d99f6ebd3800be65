//! The same input always gives the same output, byte for byte: across runs, thread counts and
//! the order in which the file system lists a folder.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

mod common;

use std::path::Path;

use common::*;

/// A small site exercising every stage that could leak ordering: several articles in one
/// section (listing order, prev/next), headings, links, code, assets and static files.
fn fixture_files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "site.yaml",
            b"title: Determinism\nbase_url: https://example.org/\n",
        ),
        (
            "content/_index.md",
            b"---\ntitle: Home\n---\nSee [the articles](articles/_index.md).\n",
        ),
        (
            "content/about.md",
            b"---\ntitle: About\nweight: 1\n---\n## Who we are\n\nUs.\n",
        ),
        (
            "content/disclaimer.md",
            b"---\ntitle: Disclaimer\nweight: 2\n---\nNot advice.\n",
        ),
        (
            "content/articles/_index.md",
            b"---\ntitle: Articles\n---\nEverything.\n",
        ),
        (
            "content/articles/alpha.md",
            b"---\ntitle: Alpha\ndate: 2026-03-01\ntags: [a, b]\n---\n## One\n\n## One\n\n### Sub\n\n## Two\n\nSee [beta](beta.md#code) and [who](../about.md#who-we-are).[^1]\n\n[^1]: A note.\n",
        ),
        (
            "content/articles/beta.md",
            b"---\ntitle: Beta\ndate: 2026-03-01\n---\n## Code\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n```python\nprint('x')\n```\n\n![fig](fig.png)\n",
        ),
        (
            "content/articles/gamma.md",
            b"---\ntitle: Gamma\ndate: 2026-02-01\n---\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        ),
        (
            "content/articles/delta.md",
            b"---\ntitle: Delta\n---\n- [x] done\n- [ ] not\n",
        ),
        ("content/articles/fig.png", b"\x89PNG\r\n\x1a\nfake"),
        ("static/humans.txt", b"User-agent: *\n"),
        ("static/img/a.svg", b"<svg/>"),
        ("static/img/b.svg", b"<svg></svg>"),
    ]
}

fn write_files(root: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn fixture() -> Fixture {
    let fx = Fixture::empty();
    write_files(&fx.root(), &fixture_files());
    fx
}

#[test]
fn two_builds_of_the_same_input_are_identical() {
    let fx = fixture();
    let first = fx.build_ok().snapshot();
    assert!(
        first.len() >= 12,
        "fixture built too few files: {:?}",
        first.keys()
    );
    let other_out = fx.tmp.path().join("public-2");
    let opts = glia::site::BuildOptions {
        output: Some(other_out.clone()),
        ..fx.options()
    };
    expect_ok(glia::site::build(&opts));
    assert_same_tree(&first, &walk(&other_out));
    // And a rebuild over the first output gives the same again.
    let again = fx.build_ok().snapshot();
    assert_same_tree(&first, &again);
}

#[test]
fn the_network_site_builds_identically_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let o = run_cli(&repo_root(), out, &[], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_same_tree(&walk(&a), &walk(&b));
}

#[test]
fn thread_count_does_not_change_the_output() {
    let fx = fixture();
    let outs = ["one-thread", "default-threads", "seven-threads"].map(|n| fx.tmp.path().join(n));
    let envs: [&[(&str, &str)]; 3] = [
        &[("RAYON_NUM_THREADS", "1")],
        &[],
        &[("RAYON_NUM_THREADS", "7")],
    ];
    for (out, env) in outs.iter().zip(envs) {
        let o = run_cli(&fx.root(), out, &[], env);
        assert!(
            o.status.success(),
            "build with {env:?} failed:\n{}",
            stderr(&o)
        );
    }
    let single = walk(&outs[0]);
    assert!(single.len() >= 12);
    assert_same_tree(&single, &walk(&outs[1]));
    assert_same_tree(&single, &walk(&outs[2]));
}

#[test]
fn file_system_order_does_not_change_the_output() {
    let files = fixture_files();
    let forward = Fixture::empty();
    write_files(&forward.root(), &files);
    let backward = Fixture::empty();
    let reversed: Vec<_> = files.iter().rev().copied().collect();
    write_files(&backward.root(), &reversed);

    let a = forward.build_ok().snapshot();
    let b = backward.build_ok().snapshot();
    assert_same_tree(&a, &b);

    // The CLI agrees with the library.
    let cli_out = backward.tmp.path().join("cli");
    let o = run_cli(&backward.root(), &cli_out, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tree(&a, &walk(&cli_out));
}
