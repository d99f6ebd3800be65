//! The staging folder a build writes into, and the swap that puts it in place: one
//! `renameat2(RENAME_EXCHANGE)` on Linux, else two renames, whose interruption the next build
//! repairs ([`restore_interrupted_swap`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutFile;

use super::leftovers::{
    create_locked, is_leftover, leftover_prefix, lock, parent_and_name, remove_files,
    remove_leftovers, Lock,
};
use super::RAND_LEN;

/// How [`Staging::commit`] put the new site in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// There was no previous output: one rename.
    Fresh,
    /// One `renameat2(RENAME_EXCHANGE)`: the output was never missing.
    Exchanged,
    /// The fallback: two renames, with a moment between them when the output is missing.
    TwoRenames,
}

/// A site being written beside its output folder. Pages can be written as they are
/// rendered, so a build never holds the whole site in memory; nothing replaces the output
/// until [`Staging::commit`], and dropping it instead removes everything written so far.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
    /// Held until the staging folder is gone, so another build's leftover removal skips it.
    _lock: Lock,
    files: AtomicUsize,
    pages: AtomicUsize,
}

impl Staging {
    /// Removes the leftovers of killed builds beside `output`, then creates the staging
    /// folder, `.<name>.glia-new-*`. `output` should come from [`output_folder`].
    pub fn new(output: &Path) -> io::Result<Staging> {
        let (parent, name) = parent_and_name(output);
        std::fs::create_dir_all(&parent)?;
        restore_interrupted_swap(&parent, &name)?;
        remove_leftovers(&parent, &name);
        let (dir, lock) = create_locked(
            || {
                tempfile::Builder::new()
                    .prefix(&leftover_prefix(&name, "new"))
                    .rand_bytes(RAND_LEN)
                    .tempdir_in(&parent)
            },
            |d| d.path(),
        )?;
        Ok(Staging {
            output: output.to_path_buf(),
            parent,
            name,
            dir,
            _lock: lock,
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

    /// Copies `assets` in and swaps the staging folder in for the output folder, then removes
    /// the previous site.
    pub fn commit(self, assets: &[Asset]) -> io::Result<Swap> {
        let root = self.dir.path();
        assets.par_iter().try_for_each(|a| {
            let dest = root.join(&a.out);
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::copy(&a.path, &dest).map(|_| ())
        })?;
        let output = &self.output;
        match std::fs::symlink_metadata(output) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::rename(root, output)?;
                let _ = self.dir.keep();
                return Ok(Swap::Fresh);
            }
            Err(e) => return Err(e),
            Ok(m) if !m.is_dir() => {
                return Err(io::Error::other(format!(
                    "{} exists and is not a folder",
                    output.display()
                )))
            }
            Ok(_) => {}
        }
        if exchange(root, output)? {
            // The staging folder's name now holds the previous site; dropping `dir` removes it.
            remove_files(root);
            return Ok(Swap::Exchanged);
        }
        self.two_renames()?;
        Ok(Swap::TwoRenames)
    }

    /// The fallback swap where exchange is not supported: output → `.NAME.glia-old-*/site`,
    /// then staging → output. A crash between the two leaves no output folder (the old site
    /// is in the `glia-old` folder) until the next build, which removes both leftovers.
    fn two_renames(self) -> io::Result<()> {
        let (root, output) = (self.dir.path(), &self.output);
        let old = tempfile::Builder::new()
            .prefix(&leftover_prefix(&self.name, "old"))
            .rand_bytes(RAND_LEN)
            .tempdir_in(&self.parent)?;
        // Locked, so a build started meanwhile neither restores nor removes it.
        let _lock = lock(old.path());
        let old_path = old.path().join(OLD_SITE);
        std::fs::rename(output, &old_path)?;
        if let Err(e) = std::fs::rename(root, output) {
            let _ = std::fs::rename(&old_path, output);
            return Err(e);
        }
        let _ = self.dir.keep();
        remove_files(&old_path);
        drop(old); // removes the previous site's folders, and anything left
        Ok(())
    }
}

/// Inside a `.NAME.glia-old-XXXXXX` folder: the previous site, moved aside by the fallback swap.
const OLD_SITE: &str = "site";

/// Puts the previous site back where a kill between the fallback swap's two renames left no
/// output folder: its only copy is `.NAME.glia-old-XXXXXX/site`, which leftover removal would
/// otherwise delete. With several (builds killed again and again), the newest is the site
/// that was last published. Old folders a running glia holds locked are skipped.
pub fn restore_interrupted_swap(parent: &Path, name: &str) -> io::Result<()> {
    let output = parent.join(name);
    if std::fs::symlink_metadata(&output).is_ok() {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut newest: Option<(std::time::SystemTime, PathBuf, Lock)> = None;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let is_old = file_name
            .to_str()
            .is_some_and(|n| is_leftover(n, name, "old"));
        let site = entry.path().join(OLD_SITE);
        let Ok(meta) = std::fs::symlink_metadata(&site) else {
            continue;
        };
        if !is_old || !meta.is_dir() || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(lock) = lock(&entry.path()) else {
            continue;
        };
        let when = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        if newest.as_ref().is_none_or(|(t, _, _)| when > *t) {
            newest = Some((when, site, lock));
        }
    }
    match newest {
        Some((_, site, _lock)) => std::fs::rename(site, output),
        None => Ok(()),
    }
}

/// Swaps the folders `a` and `b` in one step. `Ok(false)`: this system or file system cannot,
/// and the caller falls back to two renames.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // Kernels before 3.15 (ENOSYS) and file systems without exchange (EINVAL).
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::super::{lock_new, marker, write_atomic, MARKER};
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

    fn commit(out: &Path, text: &str) -> Swap {
        let s = Staging::new(out).unwrap();
        s.write(&OutFile {
            path: "index.html".into(),
            bytes: text.as_bytes().to_vec(),
        })
        .unwrap();
        s.commit(&[]).unwrap()
    }

    /// The swap is one step where the system offers one: on Linux, replacing an output is a
    /// single `renameat2(RENAME_EXCHANGE)`, with no moment when the output is missing.
    #[test]
    #[cfg(target_os = "linux")]
    fn on_linux_the_swap_is_one_exchange() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(commit(&out, "one"), Swap::Fresh);
        assert_eq!(commit(&out, "two"), Swap::Exchanged);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_two_rename_fallback_replaces_the_output_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        commit(&out, "one");
        let s = Staging::new(&out).unwrap();
        s.write(&marker()).unwrap();
        s.two_renames().unwrap();
        assert!(out.join(MARKER).is_file());
        assert!(!out.join("index.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// What a kill between the fallback's two renames leaves (no output; the old site in a
    /// `glia-old` folder, the new one in a `glia-new` folder) is cleared by the next build.
    #[test]
    fn a_kill_between_the_two_renames_is_repaired_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        kill_between_renames(dir.path());
        commit(&out, "three");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    /// The state a kill between the fallback's two renames leaves beside `public`.
    fn kill_between_renames(parent: &Path) {
        std::fs::create_dir_all(parent.join(".public.glia-old-abc123/site")).unwrap();
        std::fs::write(parent.join(".public.glia-old-abc123/site/x"), "old").unwrap();
        std::fs::write(
            parent.join(".public.glia-old-abc123/site").join(MARKER),
            "m",
        )
        .unwrap();
        std::fs::create_dir_all(parent.join(".public.glia-new-XYZ789")).unwrap();
        std::fs::write(parent.join(".public.glia-new-XYZ789/x"), "new").unwrap();
    }

    /// After such a kill the `glia-old` folder holds the only copy of the published site: a
    /// build that then fails must leave it published, not delete it as a leftover.
    #[test]
    fn a_build_after_a_kill_between_the_renames_puts_the_old_site_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        kill_between_renames(dir.path());
        drop(Staging::new(&out).unwrap()); // a build that stops at an error
        assert_eq!(std::fs::read(out.join("x")).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    /// A staging folder someone else has locked (another build removing it as a leftover)
    /// is never written into unlocked: a clear error, or a fresh folder.
    #[cfg(unix)]
    #[test]
    fn a_staging_folder_locked_by_another_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.glia-new-abc123");
        std::fs::create_dir(&path).unwrap();
        let held = lock(&path).expect("free");
        let err = lock_new(&path).err().expect("held by another");
        assert!(err.to_string().contains("run the command again"), "{err}");
        // `create` keeps making the same (held) folder: after three tries, an error.
        let made = create_locked(|| Ok(path.clone()), |p| p.as_path());
        assert!(made.is_err(), "the locked folder was used");
        drop(held);
        assert!(create_locked(|| Ok(path.clone()), |p| p.as_path()).is_ok());
        std::fs::remove_dir(&path).unwrap();
        assert!(
            lock_new(&path).is_err(),
            "a folder that has gone is not locked"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_running_builds_staging_folder_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let running = Staging::new(&out).unwrap();
        let other = Staging::new(&out).unwrap();
        assert!(running.dir.path().is_dir(), "locked, so not a leftover");
        drop(other);
        drop(running);
    }
}
