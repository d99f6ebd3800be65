//! What killed builds leave beside the output (`.NAME.glia-new-XXXXXX`, `.NAME.glia-old-XXXXXX`)
//! and the locks that keep a running build's folders from being taken for leftovers.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::RAND_LEN;

/// Whether `file_name` is exactly `.NAME.glia-KIND-XXXXXX`, the shape of glia's temporary
/// names beside the output `name`.
pub(super) fn is_leftover(file_name: &str, name: &str, kind: &str) -> bool {
    file_name
        .strip_prefix(leftover_prefix(name, kind).as_str())
        .is_some_and(|rest| {
            rest.len() == RAND_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Deletes the files under `dir`, in parallel: the previous site has thousands, and
/// deleting is most of what a rebuild spends after rendering. Best effort, like the removal
/// of the folders that follows.
pub(super) fn remove_files(dir: &Path) {
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
