//! Fixture sites and a child-process guard shared by the integration tests.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

pub const GLIA: &str = env!("CARGO_BIN_EXE_glia");

/// 2026-11-29T00:00:00Z: "today" for every check run, so review ages never drift.
pub const TODAY_EPOCH: &str = "1796083200";

/// A site in a temporary folder: `site.yaml`, a home page, and `files` on top.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.yaml", "title: Test site\n");
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

pub fn glia(args: &[&str]) -> Output {
    Command::new(GLIA)
        .args(args)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Kills the child when dropped, so a failing assertion never leaves a server running.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn root_of_repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
