//! `glia bundle`: the offline copy packed into one zip that students can carry on a USB stick.
//!
//! It is the same `compile` as `build --offline`, so the bundle never drifts from the site.
//! The archive is deterministic (entries sorted, timestamps fixed), so identical input gives
//! an identical zip, and it is written beside its destination (`.NAME.glia-new-XXXXXX`) and
//! renamed into place, so a failed bundle never leaves half a file; what a killed one leaves is
//! removed by the next bundle to the same name. The zip goes nowhere near the sources (the
//! same rule as `build --output`), and it replaces only a previous bundle: a zip with glia's
//! comment, or a `START-HERE.html` entry (bundles from before the comment), unless `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diagnostics::Diagnostic;
use crate::parse::markdown::slugify;
use crate::site::{compile, BuildOptions};
use crate::write;

pub const START_HERE: &str = "START-HERE.html";

/// The zip comment that marks a bundle as glia's, so a later bundle may replace it.
pub const COMMENT: &str = "glia offline bundle";

#[derive(Debug)]
pub struct BundleReport {
    pub path: PathBuf,
    pub files: usize,
    pub bytes: u64,
}

/// `<site-title-slug>-offline.zip`, the default name of the bundle.
pub fn default_name(title: &str) -> String {
    let slug = slugify(title);
    let slug = if slug.is_empty() {
        "site".to_string()
    } else {
        slug
    };
    format!("{slug}-offline.zip")
}

/// Builds the offline copy of the site at `opts.root` and packs it into `output` (default:
/// `<root>/<site>-offline.zip`).
pub fn bundle(
    opts: &BuildOptions,
    output: Option<PathBuf>,
) -> Result<BundleReport, Vec<Diagnostic>> {
    let opts = BuildOptions {
        offline: true,
        ..opts.clone()
    };
    // Checked before the site is compiled when given, so a refusal comes at once.
    if let Some(path) = &output {
        target(&opts, path).map_err(|d| vec![d])?;
    }
    let (compiled, diags) = compile(&opts);
    let Some(compiled) = compiled else {
        return Err(diags.sorted());
    };
    let site = &compiled.site;
    let path = output.unwrap_or_else(|| opts.root.join(default_name(&site.config.title)));
    let resolved = target(&opts, &path).map_err(|d| vec![d])?;
    // The output marker is for folders glia replaces; the zip is recognised by its comment.
    let mut entries: Vec<(String, Vec<u8>)> = compiled
        .files
        .iter()
        .filter(|f| f.path != write::MARKER)
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    for a in &compiled.assets() {
        match std::fs::read(&a.path) {
            Ok(b) => entries.push((a.out.clone(), b)),
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    "unreadable",
                    format!("cannot read: {e}"),
                )
                .in_file(a.path.display().to_string())])
            }
        }
    }
    entries.push((
        START_HERE.into(),
        start_here(&site.config.title).into_bytes(),
    ));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    let files = entries.len();
    write_zip(&resolved, &entries).map_err(|e| {
        vec![Diagnostic::error(
            "write-failed",
            format!("could not write {}: {e}", path.display()),
        )
        .with_help("check that the folder exists and is writable")]
    })?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(BundleReport { path, files, bytes })
}

/// Where the zip may go: not the sources (resolved as for `build --output`), and, if something
/// is there, only over a previous bundle (or anything but a folder, with `--force`).
fn target(opts: &BuildOptions, path: &Path) -> Result<PathBuf, Diagnostic> {
    let resolved = write::check_sources(&opts.root, path, write::OutputKind::File)?;
    let refuse = |why: &str, help: &str| {
        Diagnostic::error(
            "unsafe-output",
            format!(
                "refusing to write the bundle to `{}`: {why}",
                path.display()
            ),
        )
        .with_help(help.to_string())
    };
    match std::fs::metadata(&resolved) {
        Err(_) => Ok(resolved),
        Ok(m) if m.is_dir() => Err(refuse(
            "it is a folder",
            "name the zip file to write, such as `site.zip`",
        )),
        Ok(_) if opts.force || is_bundle(&resolved) => Ok(resolved),
        Ok(_) => Err(refuse(
            "a file of that name exists and is not a bundle glia wrote",
            "choose another name, or pass --force to overwrite that file",
        )),
    }
}

/// A zip glia bundled: with glia's comment, or (bundles written before it) `START-HERE.html`.
fn is_bundle(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    zip.comment() == COMMENT.as_bytes() || zip.index_for_name(START_HERE).is_some()
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let (dir, name) = write::parent_and_name(path);
    write::remove_leftovers(&dir, &name);
    // The lock is held until the zip is in place, so a bundle running beside it leaves it alone.
    let (tmp, _lock) = write::create_locked(
        || {
            tempfile::Builder::new()
                .prefix(&write::leftover_prefix(&name, "new"))
                .rand_bytes(write::RAND_LEN)
                .tempfile_in(&dir)
        },
        |t| t.path(),
    )?;
    {
        let mut zip = ZipWriter::new(tmp.as_file());
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), options)
                .map_err(std::io::Error::other)?;
            zip.write_all(bytes)?;
        }
        zip.set_comment(COMMENT).map_err(std::io::Error::other)?;
        zip.finish().map_err(std::io::Error::other)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The page a reader opens first after unzipping: it forwards to the home page, and says
/// what to do if the browser does not follow the redirect.
fn start_here(title: &str) -> String {
    let title = crate::render::escape(title);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=index.html">
<title>{title} (offline copy)</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p>This is an offline copy of the site. It works without an internet connection, search
included.</p>
<p><a href="index.html">Open the site</a></p>
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_zip_after_the_site() {
        assert_eq!(
            default_name("Interventional Psychiatry Network"),
            "interventional-psychiatry-network-offline.zip"
        );
    }
}
