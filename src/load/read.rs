//! The one reader of a site's files, and the rules every read follows: no symbolic link (one
//! could point outside the site, or at `/dev/zero`), only regular files (a FIFO would hang the
//! build), at most [`MAX_INPUT_BYTES`], text in UTF-8, and files named in `site.yaml` inside
//! the site. Every stage after load gets bytes, never a path to read.

use std::path::Path;

use crate::diagnostics::{display_name, Diagnostic, Location};

use super::SourceFile;

pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The largest single input file glia reads (a page, a bibliography, a style, a theme file).
/// Far above any real one (the largest bibliography we know is about 2 MiB), and low enough
/// that a file that never ends (a link to `/dev/zero`) fails fast instead of eating memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads one input file: the only way glia reads a site's files. Refuses symbolic links
/// (one could point outside the site, or at `/dev/zero`), anything that is not a regular file,
/// and files larger than [`MAX_INPUT_BYTES`]. `rel` names the file in errors.
pub fn read_bytes(path: &Path, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| unreadable(rel, e))?;
    if meta.file_type().is_symlink() {
        return Err(symlink_refused(rel));
    }
    if !meta.is_file() {
        return Err(not_a_file(rel));
    }
    read_opened(path, rel)
}

fn unreadable(rel: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("unreadable", format!("cannot read: {e}")).in_file(rel)
}

pub(super) fn not_a_file(rel: &str) -> Diagnostic {
    Diagnostic::error("not-a-file", "this is not a regular file")
        .in_file(rel)
        .with_help("glia reads only regular files: replace it with one, or move it out of the site")
}

/// The part of [`read_bytes`] after its checks of the path. The file can be swapped for a
/// symlink, a FIFO or a device between those checks and the open: open without following a
/// symlink and without blocking (a FIFO with no writer would hang the build), then check what
/// was actually opened.
fn read_opened(path: &Path, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let unreadable = |e| unreadable(rel, e);
    let file = open_no_follow(path).map_err(|e| {
        if is_symlink_loop(&e) {
            symlink_refused(rel)
        } else {
            unreadable(e)
        }
    })?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(not_a_file(rel));
    }
    // Read one byte past the cap, whatever the size claimed, so a file that grows while it is
    // read is caught too.
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_INPUT_BYTES) as usize);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            "file-too-large",
            format!(
                "the file is larger than {} MiB, the most glia reads from one file",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        )
        .in_file(rel)
        .with_help("split it into smaller files"));
    }
    Ok(bytes)
}

/// Opens `path` for reading; never follows a symbolic link in its last part and never waits
/// for a FIFO's writer. (`O_NONBLOCK` changes nothing for a regular file's reads.)
#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `O_NOFOLLOW` on a symbolic link fails with `ELOOP`.
#[cfg(unix)]
fn is_symlink_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}

#[cfg(not(unix))]
fn is_symlink_loop(_e: &std::io::Error) -> bool {
    false
}

/// [`read_bytes`], then decoded as UTF-8.
pub fn read_source(path: &Path, rel: &str) -> Result<SourceFile, Diagnostic> {
    let bytes = read_bytes(path, rel)?;
    Ok(SourceFile {
        rel: rel.to_string(),
        path: path.to_path_buf(),
        text: decode_utf8(rel, &bytes)?,
    })
}

/// A file named in `site.yaml` (a bibliography, a `.csl` style): a relative path that stays
/// inside the site, with no symbolic link on the way. `setting` names the key for the error.
pub fn read_named(root: &Path, name: &str, setting: &str) -> Result<SourceFile, Diagnostic> {
    let rel = name.trim_start_matches("./");
    let outside =
        Path::new(rel).is_absolute() || rel.contains('\\') || rel.split('/').any(|s| s == "..");
    if outside {
        return Err(Diagnostic::error(
            "outside-site",
            format!(
                "`{setting}: {}` names a file outside the site",
                display_name(name)
            ),
        )
        .in_file(crate::config::FILE_NAME)
        .with_help("copy the file into the site folder and give its path relative to site.yaml"));
    }
    // Every folder on the way must be a real folder too, not a link out of the site.
    let mut at = root.to_path_buf();
    let segments: Vec<&str> = rel
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    for seg in &segments[..segments.len().saturating_sub(1)] {
        at.push(seg);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(symlink_refused(&rel_path(root, &at)));
        }
    }
    read_source(&root.join(rel), rel)
}

fn symlink_refused(rel: &str) -> Diagnostic {
    Diagnostic::error(
        "symlink-refused",
        "this is a symbolic link, which glia does not follow",
    )
    .in_file(rel)
    .with_help("copy the file or folder into the site instead of linking to it")
}

/// A top-level folder of the site (`content`, `static`, `themes`, `themes/<name>`,
/// `templates`) that is a symbolic link: refused, as links inside the site are, so none can
/// publish an outside folder.
pub fn refuse_symlinked_dir(root: &Path, dir: &Path) -> Option<Diagnostic> {
    std::fs::symlink_metadata(dir)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| symlink_refused(&rel_path(root, dir)))
}

/// Text files must be UTF-8; the error points at the first bad byte so it can be found.
pub fn decode_utf8(rel: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(Diagnostic::error(
                "not-utf8",
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02x} at offset {})",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )
            .at_location(rel, Location::at(line, column))
            .with_help("save the file as UTF-8 in your editor (often under “Save with encoding”)"))
        }
    }
}

/// The size in an image file's header (only the header is read). Under the same rules as
/// [`read_bytes`]: never through a symbolic link, only a regular file. `None` for a file that is
/// missing or not an image.
pub fn image_size(path: &Path) -> Option<(u32, u32)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let s = imagesize::reader_size(std::io::BufReader::new(file)).ok()?;
    Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn fifo(path: &Path) {
        use rustix::fs::{mknodat, FileType, Mode, CWD};
        mknodat(CWD, path, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
    }

    /// A file swapped for a FIFO after `read_bytes` checked it (the race the open must
    /// survive): refused at once instead of waiting forever for a writer.
    #[cfg(unix)]
    #[test]
    fn a_fifo_swapped_in_after_the_check_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("refs.bib");
        fifo(&path);
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || tx.send(read_opened(&p, "refs.bib")));
        // Not a timing test: a generous bound only turns a hang into a failure.
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("opening a FIFO hung");
        assert_eq!(got.unwrap_err().code, "not-a-file");
    }

    /// A file swapped for a symbolic link after the check is not followed.
    #[cfg(unix)]
    #[test]
    fn a_symlink_swapped_in_after_the_check_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), "outside").unwrap();
        let path = dir.path().join("page.md");
        std::os::unix::fs::symlink(dir.path().join("secret"), &path).unwrap();
        assert_eq!(
            read_opened(&path, "page.md").unwrap_err().code,
            "symlink-refused"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        fifo(&path);
        assert_eq!(read_bytes(&path, "a.md").unwrap_err().code, "not-a-file");
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let d = decode_utf8("a.md", b"ok\nab\xff").unwrap_err();
        let l = d.location.unwrap();
        assert_eq!((l.line, l.column), (2, 3));
    }
}
