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

mod leftovers;
mod place;
mod staging;

use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutFile;

pub use leftovers::{
    create_locked, leftover_prefix, lock, lock_new, parent_and_name, remove_leftovers, Lock,
};
pub use place::{check_sources, output_folder, resolve_path, OutputKind};
pub use staging::{restore_interrupted_swap, Staging, Swap};

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
