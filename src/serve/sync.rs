//! Writing a compiled site into the serve folder, touching only files that changed.
//!
//! Unlike `glia build`, serve does not swap whole folders: a browser holding a page open keeps
//! fetching its stylesheet and images while a rebuild runs, and an unchanged file that is
//! rewritten (or briefly missing) makes it flicker. What was written is remembered by content
//! hash (pages) or by the source's size and modification time (copied assets), so deciding
//! what changed reads nothing back from disk. Each changed file is written beside its target
//! and renamed over it, so a request never sees half a file.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::load::Asset;
use crate::render::OutFile;

/// What was last written to one output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stamp {
    Bytes(blake3::Hash),
    /// An asset, by its source file's path, size and modification time.
    Copy(std::path::PathBuf, u64, Option<SystemTime>),
}

/// Output path → what is there now.
pub type Written = BTreeMap<String, Stamp>;

/// Brings `dir` in line with `files` and `assets`, given what `previous` says is there, and
/// updates it. Files no longer produced are removed. Returns how many files changed.
pub fn sync(
    dir: &Path,
    files: &[OutFile],
    assets: &[Asset],
    previous: &mut Written,
) -> io::Result<usize> {
    let mut changed = 0;
    let mut now = Written::new();
    for f in files {
        let stamp = Stamp::Bytes(blake3::hash(&f.bytes));
        if previous.get(&f.path) != Some(&stamp) {
            write_atomically(&dir.join(&f.path), &f.bytes)?;
            changed += 1;
        }
        now.insert(f.path.clone(), stamp);
    }
    for a in assets {
        let meta = std::fs::metadata(&a.path)?;
        let stamp = Stamp::Copy(a.path.clone(), meta.len(), meta.modified().ok());
        if previous.get(&a.out) != Some(&stamp) {
            let bytes = std::fs::read(&a.path)?;
            write_atomically(&dir.join(&a.out), &bytes)?;
            changed += 1;
        }
        now.insert(a.out.clone(), stamp);
    }
    for gone in previous.keys().filter(|k| !now.contains_key(*k)) {
        match std::fs::remove_file(dir.join(gone)) {
            Ok(()) => changed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    *previous = now;
    Ok(changed)
}

/// Writes `files`, a patch to what `previous` says is there: files not named stay as they
/// are. Returns how many files changed.
pub fn patch(dir: &Path, files: &[OutFile], previous: &mut Written) -> io::Result<usize> {
    /// Above this size a file is written while it is hashed rather than after: the search
    /// index of a large site is tens of megabytes and nearly always changed by a patch, and
    /// rewriting identical bytes is harmless.
    const BIG: usize = 1 << 20;
    let mut changed = 0;
    for f in files {
        let path = dir.join(&f.path);
        let stamp = if f.bytes.len() > BIG {
            let (hash, written) = rayon::join(
                || blake3::hash(&f.bytes),
                || write_atomically(&path, &f.bytes),
            );
            written?;
            Stamp::Bytes(hash)
        } else {
            let stamp = Stamp::Bytes(blake3::hash(&f.bytes));
            if previous.get(&f.path) != Some(&stamp) {
                write_atomically(&path, &f.bytes)?;
            }
            stamp
        };
        if previous.get(&f.path) != Some(&stamp) {
            changed += 1;
            previous.insert(f.path.clone(), stamp);
        }
    }
    Ok(changed)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, s: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_only_what_changed_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut prev = Written::new();
        let first = [file("index.html", "a"), file("x/index.html", "b")];
        assert_eq!(sync(dir.path(), &first, &[], &mut prev).unwrap(), 2);
        assert_eq!(sync(dir.path(), &first, &[], &mut prev).unwrap(), 0);
        let second = [file("index.html", "a2")];
        assert_eq!(sync(dir.path(), &second, &[], &mut prev).unwrap(), 2);
        assert!(!dir.path().join("x/index.html").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("index.html")).unwrap(),
            "a2"
        );
    }

    #[test]
    fn assets_are_copied_again_only_when_their_source_changes() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.png");
        std::fs::write(&src, "v1").unwrap();
        let out = dir.path().join("out");
        let assets = [Asset {
            path: src.clone(),
            out: "img/a.png".into(),
            size: None,
        }];
        let mut prev = Written::new();
        assert_eq!(sync(&out, &[], &assets, &mut prev).unwrap(), 1);
        assert_eq!(sync(&out, &[], &assets, &mut prev).unwrap(), 0);
        std::fs::write(&src, "v2 longer").unwrap();
        assert_eq!(sync(&out, &[], &assets, &mut prev).unwrap(), 1);
        assert_eq!(
            std::fs::read_to_string(out.join("img/a.png")).unwrap(),
            "v2 longer"
        );
    }
}
