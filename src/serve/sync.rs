//! Writing a compiled site into the serve folder, touching only files whose bytes changed.
//!
//! Unlike `glia build`, serve does not swap whole folders: a browser holding a page open keeps
//! fetching its stylesheet and images while a rebuild runs, and an unchanged file that is
//! rewritten (or briefly missing) makes it flicker. Each changed file is written beside its
//! target and renamed over it, so a request never sees half a file.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use crate::load::Asset;
use crate::render::OutFile;

/// Brings `dir` in line with `files` and `assets`. `previous` lists what the last sync wrote
/// and is updated; files it no longer produces are removed. Returns how many files changed.
pub fn sync(
    dir: &Path,
    files: &[OutFile],
    assets: &[Asset],
    previous: &mut BTreeSet<String>,
) -> io::Result<usize> {
    let mut changed = 0;
    let mut now = BTreeSet::new();
    for f in files {
        now.insert(f.path.clone());
        changed += usize::from(write_if_changed(&dir.join(&f.path), &f.bytes)?);
    }
    for a in assets {
        now.insert(a.out.clone());
        let bytes = std::fs::read(&a.path)?;
        changed += usize::from(write_if_changed(&dir.join(&a.out), &bytes)?);
    }
    for gone in previous.difference(&now) {
        match std::fs::remove_file(dir.join(gone)) {
            Ok(()) => changed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    *previous = now;
    Ok(changed)
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(true)
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
        let mut prev = BTreeSet::new();
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
}
