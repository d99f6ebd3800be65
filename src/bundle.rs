//! `glia bundle`: the offline copy packed into one zip that students can carry on a USB stick.
//!
//! It is the same `compile` as `build --offline`, so the bundle never drifts from the site.
//! The archive is deterministic (entries sorted, timestamps fixed), so identical input gives
//! an identical zip, and it is written beside its destination and renamed into place, so a
//! failed bundle never leaves half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diagnostics::Diagnostic;
use crate::parse::markdown::slugify;
use crate::site::{compile, BuildOptions};

pub const START_HERE: &str = "START-HERE.html";

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
    let (compiled, diags) = compile(&opts);
    let Some(compiled) = compiled else {
        return Err(diags.sorted());
    };
    let site = &compiled.site;
    let path = output.unwrap_or_else(|| opts.root.join(default_name(&site.config.title)));
    let mut entries: Vec<(String, Vec<u8>)> = compiled
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    for a in site.static_files.iter().chain(site.assets.iter()) {
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
    write_zip(&path, &entries).map_err(|e| {
        vec![Diagnostic::error(
            "write-failed",
            format!("could not write {}: {e}", path.display()),
        )
        .with_help("check that the folder exists and is writable")]
    })?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(BundleReport { path, files, bytes })
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(&dir)?;
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
