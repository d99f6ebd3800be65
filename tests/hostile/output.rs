//! See `main.rs` for what this module covers.
//!
//! Every case runs the real `glia` binary on a site made by `glia init`, in a temporary
//! folder that holds the site as `site/` (and whatever the case adds beside it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{stderr, walk};

/// A temporary folder holding a starter site in `site/`.
struct Tmp {
    dir: tempfile::TempDir,
}

impl Tmp {
    fn new() -> Tmp {
        let dir = tempfile::Builder::new()
            .prefix("glia-output-")
            .tempdir()
            .unwrap();
        let t = Tmp { dir };
        let init = t.glia(&["init", "site"]);
        assert!(init.status.success(), "glia init: {}", stderr(&init));
        // A theme, a static file and a template override: sources an output must not touch.
        t.write("site/themes/mine/theme.css", "body { color: black }\n");
        t.write(
            "site/static/logo.svg",
            "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        );
        t.write("site/templates/.keep", "");
        t
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn site(&self) -> PathBuf {
        self.path().join("site")
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }

    /// Runs `glia ARGS…` in the temporary folder.
    fn glia(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_glia"))
            .current_dir(self.path())
            .args(args)
            .output()
            .expect("run glia")
    }

    fn sources(&self) -> BTreeMap<String, Vec<u8>> {
        walk(&self.site())
    }
}

/// Runs `args` (twice: a second build is what copied `static/x` into itself) and checks that
/// glia refused with exit status 1, said why naming `what`, and left every source as it was.
fn assert_refused(t: &Tmp, args: &[&str], what: &str) {
    let before = t.sources();
    for _ in 0..2 {
        let out = t.glia(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "glia {args:?} must fail: {err}");
        assert!(
            err.contains("unsafe-output") && err.contains(what),
            "glia {args:?}: the error must say why and name {what}: {err}"
        );
    }
    let after = t.sources();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "glia {args:?} changed which source files exist"
    );
    assert!(before == after, "glia {args:?} changed a source file");
}

#[test]
fn an_output_spelt_through_a_missing_folder_and_dotdot_is_the_root() {
    let t = Tmp::new();
    let out = format!("{}/tmp/../site", t.path().display());
    assert_refused(&t, &["build", "--root", "site", "--output", &out], "site");
}

#[cfg(unix)]
#[test]
fn a_symlinked_root_is_recognised_as_the_output() {
    let t = Tmp::new();
    std::os::unix::fs::symlink(t.site(), t.path().join("link")).unwrap();
    assert_refused(&t, &["build", "--root", "link", "--output", "site"], "site");
}

#[test]
fn site_dotdot_site_is_the_root() {
    let t = Tmp::new();
    assert_refused(
        &t,
        &["build", "--root", "site", "--output", "site/../site"],
        "site",
    );
}

#[test]
fn the_themes_folder_is_a_source() {
    let t = Tmp::new();
    assert_refused(
        &t,
        &["build", "--root", "site", "--output", "site/themes"],
        "themes",
    );
}

#[test]
fn a_folder_inside_static_is_a_source() {
    let t = Tmp::new();
    assert_refused(
        &t,
        &["build", "--root", "site", "--output", "site/static/x"],
        "static",
    );
}

#[test]
fn templates_and_content_are_sources() {
    let t = Tmp::new();
    for out in [
        "site/templates",
        "site/content",
        "site/content/articles/new",
    ] {
        assert_refused(&t, &["build", "--root", "site", "--output", out], out);
    }
}

#[test]
fn a_folder_holding_the_site_is_refused() {
    let t = Tmp::new();
    let parent = t.path().display().to_string();
    assert_refused(
        &t,
        &["build", "--root", "site", "--output", &parent],
        "site",
    );
    assert_refused(&t, &["build", "--root", "site", "--output", "."], "site");
}

#[test]
fn bundle_never_overwrites_site_yaml() {
    let t = Tmp::new();
    assert_refused(
        &t,
        &["bundle", "--root", "site", "--output", "site/site.yaml"],
        "site.yaml",
    );
}

#[test]
fn bibliography_and_style_files_named_in_site_yaml_are_sources() {
    let t = Tmp::new();
    // Outside the site's folder, where only site.yaml says they belong to it.
    let refs = std::fs::read(t.site().join("content/references/references.json")).unwrap();
    std::fs::remove_file(t.site().join("content/references/references.json")).unwrap();
    t.write("shared/refs.json", refs);
    let csl = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cite/styles/vancouver.csl");
    t.write("shared/house.csl", std::fs::read(csl).unwrap());
    let yaml = std::fs::read_to_string(t.site().join("site.yaml")).unwrap();
    let yaml = yaml.replace(
        "citation_style: vancouver",
        "citation_style: ../shared/house.csl",
    );
    t.write(
        "site/site.yaml",
        format!("{yaml}bibliography: [../shared/refs.json]\n"),
    );
    let ok = t.glia(&["build", "--root", "site", "--output", "public"]);
    assert!(ok.status.success(), "the site builds: {}", stderr(&ok));
    let shared = walk(&t.path().join("shared"));
    for (cmd, out) in [
        ("bundle", "shared/refs.json"),
        ("bundle", "shared/house.csl"),
        ("build", "shared/refs.json"),
        ("build", "shared"),
    ] {
        let o = t.glia(&[cmd, "--root", "site", "--output", out]);
        assert_eq!(o.status.code(), Some(1), "{cmd} --output {out}");
        assert!(stderr(&o).contains("unsafe-output"), "{}", stderr(&o));
    }
    assert_eq!(walk(&t.path().join("shared")), shared);
}

#[test]
fn a_folder_glia_did_not_write_is_replaced_only_with_force() {
    let t = Tmp::new();
    t.write("docs/notes.txt", "the editor's notes\n");
    let out = t.glia(&["build", "--root", "site", "--output", "docs"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("docs") && err.contains("--force"), "{err}");
    assert!(t.path().join("docs/notes.txt").is_file(), "left as it was");

    let out = t.glia(&["build", "--root", "site", "--output", "docs", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!t.path().join("docs/notes.txt").exists());
    assert!(t.path().join("docs/index.html").is_file());
    // From now on it is glia's: no --force needed.
    let out = t.glia(&["build", "--root", "site", "--output", "docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_empty_folder_and_a_previous_output_are_replaced() {
    let t = Tmp::new();
    std::fs::create_dir(t.path().join("empty")).unwrap();
    for extra in [&[][..], &["--offline"][..], &[][..]] {
        let mut args = vec!["build", "--root", "site", "--output", "empty"];
        args.extend_from_slice(extra);
        let out = t.glia(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            t.path().join("empty/.glia-output").is_file(),
            "{args:?} marks its output as glia's"
        );
    }
}

#[test]
fn an_output_that_is_a_file_is_refused() {
    let t = Tmp::new();
    t.write("notes.txt", "keep me\n");
    let out = t.glia(&[
        "build",
        "--root",
        "site",
        "--output",
        "notes.txt",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("notes.txt"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(t.path().join("notes.txt")).unwrap(),
        "keep me\n"
    );
}

#[test]
fn bundle_overwrites_only_a_previous_bundle() {
    let t = Tmp::new();
    t.write("thesis.zip", "not a bundle\n");
    let out = t.glia(&["bundle", "--root", "site", "--output", "thesis.zip"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("thesis.zip") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(t.path().join("thesis.zip")).unwrap(),
        b"not a bundle\n"
    );

    for _ in 0..2 {
        let out = t.glia(&["bundle", "--root", "site", "--output", "site.zip"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = t.glia(&[
        "bundle",
        "--root",
        "site",
        "--output",
        "thesis.zip",
        "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn leftovers_of_killed_builds_and_bundles_are_removed_and_nothing_else() {
    let t = Tmp::new();
    // What killed builds and bundles leave: glia's own names, beside the output.
    t.write(".public.glia-new-a1B2c3/index.html", "half a site");
    t.write(".public.glia-old-Zz9yx8/index.html", "the site before");
    t.write(".site.zip.glia-new-Q1w2E3", "half a zip");
    // Not glia's, or not beside this output: kept.
    let keep = [
        ".public.glia-new-toolong7/x",
        ".public.glia-newest/x",
        ".other.glia-new-a1B2c3/x",
        ".tmpAbC123",
        "public-notes.txt",
    ];
    for k in keep {
        t.write(k, "someone else's");
    }
    let out = t.glia(&["build", "--root", "site", "--output", "public"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = t.glia(&["bundle", "--root", "site", "--output", "site.zip"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut expected: Vec<String> = keep
        .iter()
        .map(|k| k.split('/').next().unwrap().to_string())
        .chain(["public", "site", "site.zip"].map(String::from))
        .collect();
    expected.sort();
    assert_eq!(names(t.path()), expected);
}
