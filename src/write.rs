//! Stage 5, **write**: put the finished site in place atomically.
//!
//! Everything is written into a fresh folder beside the output and then swapped in with two
//! renames, so readers and hosting never see half a site, and a build that fails at any point
//! leaves the previous output exactly as it was (the temporary folder is removed on drop).

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutFile;

/// Writes `files` and copies `assets` into `output`, replacing what was there only on success.
pub fn write_atomic(output: &Path, files: &[OutFile], assets: &[Asset]) -> io::Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.glia-new-"))
        .tempdir_in(&parent)?;
    let root = staging.path();

    files
        .par_iter()
        .try_for_each(|f| write_file(&root.join(&f.path), &f.bytes))?;
    assets.par_iter().try_for_each(|a| {
        let dest = root.join(&a.out);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(&a.path, &dest).map(|_| ())
    })?;

    if output.exists() {
        if !output.is_dir() {
            return Err(io::Error::other(format!(
                "{} exists and is not a folder",
                output.display()
            )));
        }
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.glia-old-"))
            .tempdir_in(&parent)?;
        let old_path = old.path().join("site");
        std::fs::rename(output, &old_path)?;
        if let Err(e) = std::fs::rename(root, output) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old_path, output);
            return Err(e);
        }
        drop(old); // removes the previous site
    } else {
        std::fs::rename(root, output)?;
    }
    let _ = staging.keep();
    Ok(())
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
