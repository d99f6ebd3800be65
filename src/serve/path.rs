//! Mapping a request path onto a file of the build folder, refusing anything that could reach
//! outside it.
//!
//! The dev server binds to loopback, but a page open in the same browser can still make
//! requests to it, so a traversal must never leak a file. Rather than trying to clean up a
//! hostile path, anything unusual is refused outright: `.` and `..` segments, encoded slashes
//! and backslashes, empty segments, drive letters. What remains is joined onto the build
//! folder and canonicalized, and the result must still lie inside it (this is what catches a
//! symlink pointing out).

use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing slash: send the browser to `location`, so
    /// relative links on the page resolve against the folder.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Resolves `raw`, the request target as sent, against `root`, which must be canonical.
pub fn resolve(root: &Path, raw: &str) -> Target {
    let path_end = raw.find(['?', '#']).unwrap_or(raw.len());
    let (path, query) = raw.split_at(path_end);
    let query = query.split('#').next().unwrap_or("");
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return Target::BadRequest;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Target::BadRequest;
    }
    let Some(decoded) = percent_decode(path) else {
        return Target::BadRequest;
    };
    if decoded.contains(['\\', '\0']) {
        return Target::BadRequest;
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    let mut file = root.to_path_buf();
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            if i == last {
                continue;
            }
            return Target::BadRequest;
        }
        if *seg == "." || *seg == ".." || seg.contains(':') {
            return Target::BadRequest;
        }
        file.push(seg);
    }
    let Some(found) = inside(root, &file) else {
        return Target::NotFound;
    };
    if found.is_dir() {
        if !path.ends_with('/') {
            return Target::Redirect(format!("{path}/{query}"));
        }
        return match inside(root, &found.join("index.html")) {
            Some(index) if index.is_file() => Target::File(index),
            _ => Target::NotFound,
        };
    }
    if found.is_file() && !path.ends_with('/') {
        Target::File(found)
    } else {
        Target::NotFound
    }
}

/// `path` with every symlink followed, if it exists and is still inside `root`.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("a b")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("a b/index.html"), "ab").unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_folders_and_redirects() {
        let (_d, root) = site();
        assert_eq!(resolve(&root, "/"), Target::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/a%20b/?x=1"),
            Target::File(root.join("a b/index.html"))
        );
        assert_eq!(
            resolve(&root, "/a%20b?x=1"),
            Target::Redirect("/a%20b/?x=1".into())
        );
        assert_eq!(resolve(&root, "/missing"), Target::NotFound);
        assert_eq!(resolve(&root, "/index.html/"), Target::NotFound);
    }

    #[test]
    fn refuses_every_way_out() {
        let (_d, root) = site();
        for bad in [
            "/../secret",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/..%2fsecret",
            "/a%5c..%5csecret",
            "/a\\..\\secret",
            "/C:/x",
            "//etc/passwd",
            "/a//b",
            "/%ff",
            "/%2",
            "secret",
            "/./index.html",
        ] {
            assert_eq!(resolve(&root, bad), Target::BadRequest, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_folder_is_not_followed() {
        let (d, root) = site();
        std::os::unix::fs::symlink(d.path().join("secret"), root.join("link")).unwrap();
        std::os::unix::fs::symlink(d.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "/link"), Target::NotFound);
        assert_eq!(resolve(&root, "/up/secret"), Target::NotFound);
        assert_eq!(resolve(&root, "/up/"), Target::NotFound);
    }
}
