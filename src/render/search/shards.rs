//! How the index is cut into files: which term shard holds a word, where snippet shards
//! start, what each file is called. `static/js/search.js` computes the same [`shard_of`].

use super::documents::{glossary_terms, page_document_count};
use super::encode::script_safe;
use super::{INDEX_FILE, PREFIX, SHARD_DIR};
use crate::render::OutFile;
use crate::resolve::Site;

/// One term shard per this many documents (rounded up to a power of two): about 15 KB of
/// postings each at 10,000 articles.
const DOCS_PER_TERM_SHARD: usize = 64;
/// A snippet shard holds whole groups, starting a new shard once it has this many documents:
/// about 10 KB each, so the twenty results of a query load a few hundred KB at most.
const DOCS_PER_SNIPPET_SHARD: usize = 16;

/// The snippet shards, written group by group.
pub(super) struct SnippetShards {
    cut: ShardCut,
    /// Shards written or begun.
    count: usize,
    js: String,
}

impl SnippetShards {
    pub(super) fn new() -> SnippetShards {
        SnippetShards {
            cut: ShardCut::new(),
            count: 0,
            js: String::new(),
        }
    }

    /// Adds a group, titled `title`, of documents whose rows are `rows`; hands a shard to
    /// `out` once the next group starts another.
    pub(super) fn group(&mut self, title: &str, rows: &[String], out: &mut dyn FnMut(OutFile)) {
        if self.cut.starts(rows.len()) {
            self.finish(out);
            self.js = format!("window.gliaSearchIndex.d[{}]=[", self.count);
            self.count += 1;
        } else {
            self.js.push(',');
        }
        self.js.push('[');
        self.js
            .push_str(&script_safe(serde_json::Value::from(title).to_string()));
        self.js.push_str(",[");
        self.js.push_str(&rows.join(","));
        self.js.push_str("]]");
    }

    /// Hands the shard begun, if any, to `out`.
    pub(super) fn finish(&mut self, out: &mut dyn FnMut(OutFile)) {
        if self.js.is_empty() {
            return;
        }
        let mut js = std::mem::take(&mut self.js);
        js.push_str("];\n");
        out(OutFile {
            path: snippet_shard_path(self.count - 1),
            bytes: js.into_bytes(),
        });
    }
}

/// The one rule of where snippet shards start: a group starts a new shard once the shard
/// before holds [`DOCS_PER_SNIPPET_SHARD`] documents (the first group starts the first).
struct ShardCut {
    docs: usize,
}

impl ShardCut {
    fn new() -> ShardCut {
        ShardCut {
            docs: DOCS_PER_SNIPPET_SHARD,
        }
    }

    /// Whether a group of `size` documents, coming next, starts a shard.
    fn starts(&mut self, size: usize) -> bool {
        let starts = self.docs >= DOCS_PER_SNIPPET_SHARD;
        if starts {
            self.docs = 0;
        }
        self.docs += size;
        starts
    }
}

/// The paths of every file of `site`'s index, as [`SearchIndex::files`] writes them, from the
/// number of documents of each result group alone: for `render::outputs::planned`, before
/// anything is rendered. `references` is the reference index's number of documents
/// (`citations::search_doc_count`).
pub fn planned_files(site: &Site, references: usize) -> Vec<String> {
    let pages = (0..site.pages.len()).map(|i| page_document_count(site, i));
    let glossary = glossary_terms(site).map_or(0, |(_, terms)| terms.len());
    let sizes: Vec<usize> = pages
        .chain(std::iter::repeat_n(1, glossary + references))
        .filter(|&n| n > 0)
        .collect();
    let shards = term_shard_count(sizes.iter().sum());
    let snippets = snippet_shard_starts(sizes.iter().copied()).len();
    std::iter::once(INDEX_FILE.to_string())
        .chain((0..shards).map(term_shard_path))
        .chain((0..snippets).map(snippet_shard_path))
        .collect()
}

/// The number of term shards of an index of `docs` documents.
pub(super) fn term_shard_count(docs: usize) -> usize {
    (docs / DOCS_PER_TERM_SHARD).max(1).next_power_of_two()
}

/// The first group of each snippet shard, given each group's number of documents.
pub(super) fn snippet_shard_starts(sizes: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut cut = ShardCut::new();
    (sizes.enumerate())
        .filter_map(|(g, size)| cut.starts(size).then_some(g))
        .collect()
}

pub(super) fn term_shard_path(k: usize) -> String {
    format!("{SHARD_DIR}/t{k}.js")
}

fn snippet_shard_path(k: usize) -> String {
    format!("{SHARD_DIR}/d{k}.js")
}

/// The term shard of `word` among `shards`: FNV-1a over the code points of its first
/// [`PREFIX`] characters. `search.js` computes the same.
pub fn shard_of(word: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in word.chars().take(PREFIX) {
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
    }
    h as usize % shards
}
