//! Stage 5, **write**: put the finished site in place atomically.
//!
//! Everything is written into a fresh folder beside the output and then swapped in with two
//! renames, so readers and hosting never see half a site, and a build that fails at any point
//! leaves the previous output exactly as it was (the temporary folder is removed on drop).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutFile;

/// Writes `files` and copies `assets` into `output`, replacing what was there only on success.
pub fn write_atomic(output: &Path, files: &[OutFile], assets: &[Asset]) -> io::Result<()> {
    let staging = Staging::new(output)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit(assets)
}

/// A site being written beside its output folder. Pages can be written as they are
/// rendered, so a build never holds the whole site in memory; nothing replaces the output
/// until [`Staging::commit`], and dropping it instead removes everything written so far.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
    files: AtomicUsize,
    pages: AtomicUsize,
}

impl Staging {
    /// Creates the staging folder, `.<name>.glia-new-*` beside `output`.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.glia-new-"))
            .tempdir_in(&parent)?;
        Ok(Staging {
            output: output.to_path_buf(),
            parent,
            name,
            dir,
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
        })
    }

    /// Writes one file; safe to call from several threads.
    pub fn write(&self, f: &OutFile) -> io::Result<()> {
        write_file(&self.dir.path().join(&f.path), &f.bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        if f.path == "index.html" || f.path.ends_with("/index.html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// (files, pages readers can visit: every `…/index.html`) written so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.pages.load(Ordering::Relaxed),
        )
    }

    /// Copies `assets` in and swaps the staging folder in for the output folder.
    pub fn commit(self, assets: &[Asset]) -> io::Result<()> {
        let root = self.dir.path();
        assets.par_iter().try_for_each(|a| {
            let dest = root.join(&a.out);
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::copy(&a.path, &dest).map(|_| ())
        })?;
        let (output, parent, name) = (&self.output, &self.parent, &self.name);
        if output.exists() {
            if !output.is_dir() {
                return Err(io::Error::other(format!(
                    "{} exists and is not a folder",
                    output.display()
                )));
            }
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.glia-old-"))
                .tempdir_in(parent)?;
            let old_path = old.path().join("site");
            std::fs::rename(output, &old_path)?;
            if let Err(e) = std::fs::rename(root, output) {
                let _ = std::fs::rename(&old_path, output);
                return Err(e);
            }
            remove_files(&old_path);
            drop(old); // removes the previous site's folders, and anything left
        } else {
            std::fs::rename(root, output)?;
        }
        let _ = self.dir.keep();
        Ok(())
    }
}

/// Deletes the files under `dir`, in parallel: the previous site has thousands, and
/// deleting is most of what a rebuild spends after rendering. Best effort, like the removal
/// of the folders that follows.
fn remove_files(dir: &Path) {
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
}

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_folder_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/stale.html"), "x").unwrap();
        let files = vec![OutFile {
            path: "a/index.html".into(),
            bytes: b"new".to_vec(),
        }];
        write_atomic(&out, &files, &[]).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"new");
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
