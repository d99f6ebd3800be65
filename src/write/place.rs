//! Where the output may go: `--output` resolved (`..`, symlinks, a missing tail) and refused
//! where writing could touch the site's sources or a folder glia did not write.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;

use super::MARKER;

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
