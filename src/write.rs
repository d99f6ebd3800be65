//! Stage 5, **write**: put the finished site in place atomically, and never anywhere it could
//! destroy something.
//!
//! Before anything is written, [`output_folder`] resolves `--output` (`..` and symlinks
//! included) and refuses a folder that is, holds or lies inside the site's sources, or that
//! exists and was not written by glia (unless `--force`). Every output holds [`MARKER`], which
//! is how a later build knows the folder is glia's to replace.
//!
//! Everything is then written into a fresh folder beside the output, `.NAME.glia-new-XXXXXX`,
//! and swapped in. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant the
//! output folder exists and is wholly the old site or wholly the new one, whenever the process
//! dies. Where exchange is not available (other systems, or a file system that refuses it with
//! `EINVAL`), the fallback is two renames, output → `.NAME.glia-old-XXXXXX/site` then staging
//! → output; a kill between them leaves no output folder, with the old site in the
//! `glia-old` folder and the new one in the `glia-new` folder. The next build moves the old
//! site back before anything else ([`restore_interrupted_swap`]), since the `glia-old` folder
//! is then its only copy, and keeps it there if that build fails.
//!
//! A build that fails removes its staging folder. One that is killed cannot, so each build
//! (and `glia bundle`, for its `.NAME.glia-new-XXXXXX` zips) first removes the leftovers of
//! earlier ones: only names of exactly that shape beside the same output, and (on Unix) only
//! those no running glia holds a lock on, so two builds at once never delete each other's work.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::load::Asset;
use crate::render::OutFile;

/// The file every output folder holds: a folder with it was written by glia and may be
/// replaced by the next build; any other non-empty folder needs `--force`.
pub const MARKER: &str = ".glia-output";

/// How many random characters end a staging or leftover name (`tempfile`'s alphanumerics).
pub const RAND_LEN: usize = 6;

/// The marker file, as `compile` emits it with the site's other files. Its bytes never change,
/// so outputs stay byte-identical from build to build.
pub fn marker() -> OutFile {
    OutFile {
        path: MARKER.into(),
        bytes: b"This folder was written by glia. Each `glia build` replaces all of it.\n".to_vec(),
    }
}

/// Writes `files` and copies `assets` into `output`, replacing what was there only on success.
pub fn write_atomic(output: &Path, files: &[OutFile], assets: &[Asset]) -> io::Result<()> {
    let staging = Staging::new(output)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit(assets).map(|_| ())
}

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

/// Whether `file_name` is exactly `.NAME.glia-KIND-XXXXXX`, the shape of glia's temporary
/// names beside the output `name`.
fn is_leftover(file_name: &str, name: &str, kind: &str) -> bool {
    file_name
        .strip_prefix(leftover_prefix(name, kind).as_str())
        .is_some_and(|rest| {
            rest.len() == RAND_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        })
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

/// The folder holding `output` and `output`'s own name.
pub fn parent_and_name(output: &Path) -> (PathBuf, String) {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, name)
}

/// `.NAME.glia-new-` / `.NAME.glia-old-`: the start of every temporary name glia gives
/// something beside the output `NAME`.
pub fn leftover_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.glia-{kind}-")
}

/// Removes what killed builds or bundles left beside the output `name` in `parent`: folders
/// and files named exactly `.NAME.glia-new-XXXXXX` or `.NAME.glia-old-XXXXXX` (six letters or
/// digits), never a symlink, never one a running glia holds locked. Best effort: what cannot
/// be removed now is tried again next time.
pub fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let ours = is_leftover(n, name, "new") || is_leftover(n, name, "old");
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if !ours || kind.is_symlink() {
            continue;
        }
        let path = entry.path();
        // Held while removing, so no other build takes it for its own.
        let Some(_lock) = lock(&path) else {
            continue;
        };
        if kind.is_dir() {
            remove_files(&path);
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A lock on a staging folder or zip, held for as long as the value lives (and released by the
/// system if the process is killed).
pub struct Lock {
    _file: Option<File>,
}

/// Takes an exclusive lock on the file or folder at `path`, without waiting: `None` if
/// another process holds it (a build or bundle still running). Where it cannot be opened or
/// locks are not supported, there is nothing to coordinate with, and it counts as taken.
#[cfg(unix)]
pub fn lock(path: &Path) -> Option<Lock> {
    use rustix::fs::{flock, FlockOperation};
    let Ok(f) = File::open(path) else {
        return Some(Lock { _file: None });
    };
    match flock(&f, FlockOperation::NonBlockingLockExclusive) {
        Err(rustix::io::Errno::WOULDBLOCK) => None,
        _ => Some(Lock { _file: Some(f) }),
    }
}

/// Creates a staging folder or zip with `create` and locks it before anything is written
/// into it. Between the two another build's [`remove_leftovers`] may take the new name for a
/// leftover and remove it; then a fresh one is made (at most three times). Writing on without
/// the lock is never done: the next build's leftover removal would delete this one's work.
pub fn create_locked<T>(
    create: impl Fn() -> io::Result<T>,
    path_of: impl Fn(&T) -> &Path,
) -> io::Result<(T, Lock)> {
    let mut attempt = 0;
    loop {
        let made = create()?;
        match lock_new(path_of(&made)) {
            Ok(lock) => return Ok((made, lock)),
            Err(e) if attempt == 2 => return Err(e),
            Err(_) => attempt += 1,
        }
    }
}

/// Locks the file or folder this process has just created at `path`. Unlike [`lock`], a
/// lock held by someone else, or a path that has gone, is an error: another glia beside the
/// same output took it for a leftover.
#[cfg(unix)]
pub fn lock_new(path: &Path) -> io::Result<Lock> {
    use rustix::fs::{flock, FlockOperation};
    let taken = || {
        io::Error::other(format!(
            "could not lock `{}`: another glia build or bundle writing beside the same output \
             took it for a leftover; run the command again",
            path.display()
        ))
    };
    let f = File::open(path).map_err(|_| taken())?;
    match flock(&f, FlockOperation::NonBlockingLockExclusive) {
        Err(rustix::io::Errno::WOULDBLOCK) => Err(taken()),
        // A file system without advisory locks: nothing to coordinate with (see `lock`).
        _ => Ok(Lock { _file: Some(f) }),
    }
}

#[cfg(not(unix))]
pub fn lock_new(_path: &Path) -> io::Result<Lock> {
    Ok(Lock { _file: None })
}

/// No advisory locks on folders here: a leftover is taken as abandoned.
#[cfg(not(unix))]
pub fn lock(_path: &Path) -> Option<Lock> {
    Some(Lock { _file: None })
}

/// `path` made absolute with `..` and symlinks resolved, even where it does not exist yet:
/// the longest part that exists is canonicalized and the rest appended (where `..` can be
/// taken literally, since nothing there is a symlink). A symlink that leads nowhere is an
/// error, as writing through it would land wherever it points.
pub fn resolve_path(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let parts: Vec<Component> = abs.components().collect();
    for keep in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..keep].iter().collect();
        match head.canonicalize() {
            Ok(mut resolved) => {
                for c in &parts[keep..] {
                    match c {
                        Component::Normal(n) => resolved.push(n),
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        _ => {}
                    }
                }
                return Ok(resolved);
            }
            Err(_) if std::fs::symlink_metadata(&head).is_ok() => {
                return Err(io::Error::other(format!(
                    "{} is a symlink that leads nowhere, or cannot be read",
                    head.display()
                )));
            }
            Err(_) => {}
        }
    }
    Ok(abs)
}

/// What the output will be: a folder (`build`) or one file (`bundle`'s zip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Folder,
    File,
}

/// Resolves `output` and refuses it if writing there could touch the site's sources: if it
/// is, holds, or lies inside the site's folder itself (for a folder) or `content/`,
/// `static/`, `themes/`, `templates/`, `site.yaml`, or a bibliography or CSL file named in
/// `site.yaml`. An output inside the site's folder but beside the sources (`public/`) is fine.
/// Returns the resolved path, where the output is then written.
pub fn check_sources(root: &Path, output: &Path, kind: OutputKind) -> Result<PathBuf, Diagnostic> {
    let shown = output.display();
    let unresolvable = |p: &Path, e: io::Error| {
        Diagnostic::error(
            "unsafe-output",
            format!("cannot resolve {}: {e}", p.display()),
        )
        .with_help("pass an --output path whose folders exist or can be created")
    };
    let out = resolve_path(output).map_err(|e| unresolvable(output, e))?;
    let root = resolve_path(root).map_err(|e| unresolvable(root, e))?;
    let named = if out.as_path() == output {
        format!("`{shown}`")
    } else {
        format!("`{shown}` (that is, {})", out.display())
    };
    let refuse = |why: String| {
        Diagnostic::error(
            "unsafe-output",
            format!("refusing to write to {named}: {why}"),
        )
        .with_help(match kind {
            OutputKind::Folder => "choose an output folder outside the sources, such as `public`",
            OutputKind::File => "choose a file outside the sources, such as `site.zip`",
        })
    };
    if root.starts_with(&out) {
        return Err(refuse(format!(
            "it {} the site's folder {}, and replacing it would delete the sources",
            if out == root { "is" } else { "holds" },
            root.display()
        )));
    }
    for source in sources(&root) {
        let source = resolve_path(&source).unwrap_or(source);
        let how = if out == source {
            "is one of"
        } else if out.starts_with(&source) {
            "is inside"
        } else if source.starts_with(&out) {
            "holds"
        } else {
            continue;
        };
        return Err(refuse(format!(
            "it {how} the site's sources ({}), which writing there would destroy",
            source.display()
        )));
    }
    Ok(out)
}

/// The paths `check_sources` protects. Bibliography and style files come from `site.yaml`;
/// if it cannot be read, the build stops at that error long before anything is written.
fn sources(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = ["content", "static", "themes", "templates"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    v.push(root.join(crate::config::FILE_NAME));
    if let Ok(config) = crate::load::read_config(root) {
        v.extend(config.bibliography.iter().flatten().map(|f| root.join(f)));
        if let Ok(crate::cite::style::StyleSource::File(csl)) =
            crate::cite::style::StyleSource::parse(&config.citation_style)
        {
            v.push(root.join(csl));
        }
    }
    v
}

/// [`check_sources`] for `glia build`, then: an existing output must be a folder that is
/// empty or holds [`MARKER`], unless `force`. Returns the resolved folder to write to.
pub fn output_folder(root: &Path, output: &Path, force: bool) -> Result<PathBuf, Diagnostic> {
    let out = check_sources(root, output, OutputKind::Folder)?;
    let refuse = |msg: String, help: &str| {
        Diagnostic::error("unsafe-output", msg).with_help(help.to_string())
    };
    match std::fs::symlink_metadata(&out) {
        Err(_) => Ok(out),
        Ok(m) if !m.is_dir() => Err(refuse(
            format!(
                "refusing to write to `{}`: it exists and is not a folder",
                output.display()
            ),
            "choose a folder for the site, such as `public`",
        )),
        Ok(_) if force || out.join(MARKER).is_file() => Ok(out),
        Ok(_) => match std::fs::read_dir(&out).map(|mut d| d.next().is_none()) {
            Ok(true) => Ok(out),
            _ => Err(refuse(
                format!(
                    "refusing to replace the folder `{}`: it is not empty and glia did not \
                     write it (it has no {MARKER} file), so building would delete what is in it",
                    output.display()
                ),
                "if an older glia wrote it (older versions wrote no marker), pass --force once \
                 or delete the folder; otherwise choose an empty or new folder, or pass --force to \
                 replace this one and everything in it",
            )),
        },
    }
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

    #[test]
    fn resolves_dotdot_through_missing_folders() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir(base.join("site")).unwrap();
        let p = dir.path().join("missing/../site");
        assert_eq!(resolve_path(&p).unwrap(), base.join("site"));
        let p = dir.path().join("site/new/deeper/../x");
        assert_eq!(resolve_path(&p).unwrap(), base.join("site/new/x"));
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_on_the_way_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("link")).unwrap();
        assert!(resolve_path(&dir.path().join("link/out")).is_err());
    }
}
