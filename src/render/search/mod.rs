//! The search index: built here at build time, searched by the theme's plain JavaScript.
//!
//! It must work opened from disk, where browsers refuse `fetch()`, so every part of the index
//! is a JavaScript file that the page adds as a `<script>`. It is an inverted index of folded,
//! lightly stemmed words (British spellings folded to American ones, [`spelling`]) with
//! compact postings, plus the start of each section's text, from which the JavaScript cuts a
//! snippet around the word that matched; the JavaScript applies the same [`fold`] and
//! [`stem`] rules to queries (keep them in step with `static/js/search.js`;
//! `tests/search_text.rs` runs it against a built index).
//!
//! A query loads only what it needs, so the index is split in three:
//! - `search-index.js`, the manifest, loaded on first focus of a search box: how many term
//!   shards there are, how many sections each result group has, and where each snippet shard
//!   starts. A few bytes per page.
//! - `search-index/t<N>.js`, the term shards: each word's postings, in the shard that
//!   [`shard_of`] the word's first [`PREFIX`] characters names (a hash, so a shard's name
//!   never depends on which words exist). A query word loads the shard of its prefix, which
//!   holds every word that begins with it, so prefix matching still works from [`PREFIX`]
//!   characters on; a shorter query word matches whole words only.
//! - `search-index/d<N>.js`, the snippet shards: title, URL, heading and snippet of the
//!   sections of consecutive result groups, loaded for the results shown.
//!
//! Documents are sections of pages (so a result can link to the heading it came from),
//! glossary entries, and entries of the reference index. The sections of one page form one
//! group, which the JavaScript shows as one result; every other document is a group of its
//! own. The number of term shards follows the number of documents and the snippet shards
//! follow the groups' sizes, both of which an edit that `glia serve` patches cannot change,
//! so a patched index writes the same files as a full build.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::i18n::text::SearchLanguage;
use crate::resolve::Site;

mod documents;
mod encode;
mod shards;
mod words;

use documents::{doc_words, glossary_documents, page_document_count, row, DocWords};
pub use documents::{page_documents, SearchDoc};
use encode::{base36, decode, doc_number, encode, Postings};
pub use shards::{planned_files, shard_of};
use shards::{snippet_shard_starts, term_shard_count, term_shard_path, SnippetShards};
use words::words_of;
pub use words::{fold, spelling, stem, stem_in, tokens};

/// The manifest, the one file a page loads before the reader types.
pub const INDEX_FILE: &str = "search-index.js";
/// The folder of the shards, beside the manifest.
pub const SHARD_DIR: &str = "search-index";

/// Characters of a word that choose its term shard; shorter query words match whole words.
pub const PREFIX: usize = 3;
/// Pages read for their words at once when the index is built: enough to keep both cores
/// busy, few enough that their words as strings stay small next to the index (at 1,024,
/// a 10,000-article site's chunk took 60 MB).
const WORDS_CHUNK: usize = 256;

/// An index being built, result group by result group: a site has millions of (document,
/// word) pairs, each spelt into its word's entry as it arrives; a document's words are
/// strings only while its chunk is being read.
struct Builder<'o> {
    /// Whose stop words and stemmer the words go through.
    lang: SearchLanguage,
    groups: Vec<Group>,
    rows: Rows<'o>,
    /// Each document's words, kept only to patch the index (`glia serve`).
    words: Option<Vec<Vec<(u32, u32)>>>,
    vocab: Vocab,
    /// Word number → its entry so far.
    lists: Vec<Postings>,
}

/// Where the documents' rows go.
enum Rows<'o> {
    /// Kept, to be written with the rest and patched (`glia serve`).
    Kept(Vec<String>),
    /// Written in snippet shards as soon as each is full (`glia build`): a large site's
    /// snippets are tens of megabytes that need not wait for the last page.
    Written {
        shards: SnippetShards,
        out: &'o mut dyn FnMut(crate::render::OutFile),
    },
}

impl<'o> Builder<'o> {
    fn new(lang: SearchLanguage, rows: Rows<'o>) -> Builder<'o> {
        let patchable = matches!(rows, Rows::Kept(_));
        Builder {
            lang,
            groups: Vec::new(),
            rows,
            words: patchable.then(Vec::new),
            vocab: Vocab::default(),
            lists: Vec::new(),
        }
    }

    /// Documents added so far.
    fn docs(&self) -> usize {
        self.groups.last().map_or(0, |g| g.docs.end)
    }

    /// Adds `groups` (empty ones are left out), reading their documents in parallel.
    fn add(&mut self, groups: &[Vec<SearchDoc>]) {
        let docs: Vec<&SearchDoc> = groups.iter().flatten().collect();
        let found: Vec<(DocWords, String)> = docs
            .par_iter()
            .map(|d| (doc_words(self.lang, d), row(d)))
            .collect();
        let mut found = found.into_iter();
        for g in groups.iter().filter(|g| !g.is_empty()) {
            let first = self.docs();
            self.groups.push(Group {
                title: g[0].title.clone(),
                docs: first..first + g.len(),
            });
            let rows: Vec<String> = (first..first + g.len())
                .zip(found.by_ref())
                .map(|(n, (words, row))| {
                    self.index(n, words);
                    row
                })
                .collect();
            match &mut self.rows {
                Rows::Kept(kept) => kept.extend(rows),
                Rows::Written { shards, out } => shards.group(&g[0].title, &rows, *out),
            }
        }
    }

    /// Adds document `n`'s words to their postings.
    fn index(&mut self, n: usize, words: DocWords) {
        let ids = self.vocab.number(words);
        for &(id, flags) in &ids {
            let id = id as usize;
            while self.lists.len() <= id {
                self.lists
                    .push(Postings::new(&self.vocab.words[self.lists.len()]));
            }
            self.lists[id].push(doc_number(n), flags);
        }
        if let Some(words) = &mut self.words {
            words.push(ids);
        }
    }

    fn finish(self) -> SearchIndex {
        let rows = match self.rows {
            Rows::Kept(rows) => rows,
            Rows::Written { mut shards, out } => {
                shards.finish(out);
                Vec::new()
            }
        };
        SearchIndex {
            lang: self.lang,
            groups: self.groups,
            rows,
            words: self.words.unwrap_or_default(),
            vocab: self.vocab,
            encoded: self.lists.into_par_iter().map(Postings::finish).collect(),
            page_groups: Vec::new(),
        }
    }
}

/// Every word the index has seen, numbered in the order first seen.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    words: Vec<String>,
}

impl Vocab {
    /// A document's words as numbers, sorted by number, with their flags.
    fn number(&mut self, doc: DocWords) -> Vec<(u32, u32)> {
        let mut ids: Vec<(u32, u32)> = doc
            .into_iter()
            .map(|(w, flags)| {
                let id = match self.ids.get(&w) {
                    Some(&id) => id,
                    None => {
                        // Four billion distinct words is beyond any site glia can load.
                        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
                        self.words.push(w.clone());
                        self.ids.insert(w, id);
                        id
                    }
                };
                (id, flags)
            })
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// A result group: a page's sections, or one other document.
struct Group {
    title: String,
    docs: std::ops::Range<usize>,
}

/// The index in a form that can be patched: `glia serve` replaces one page's documents after
/// an edit and writes the files again without re-reading the other pages.
///
/// Each document's row and each word's postings are kept ready-made, so a patch re-encodes
/// only the words and rows the edit touched and the rest is copied.
pub struct SearchIndex {
    /// Whose stop words and stemmer the words went through (queries and edits go the same way).
    lang: SearchLanguage,
    groups: Vec<Group>,
    /// Each document's `[url, heading, snippet]`.
    rows: Vec<String>,
    /// Each document's words, by number in `vocab`, sorted.
    words: Vec<Vec<(u32, u32)>>,
    vocab: Vocab,
    /// Word number → its `"word":"postings"` entry ([`encode`]; empty once no document has
    /// the word). The postings are kept only in this form: a patch decodes the few it changes.
    encoded: Vec<String>,
    /// Page index → its group (none for pages without documents, and when built from bare
    /// groups of documents).
    page_groups: Vec<Option<usize>>,
}

impl SearchIndex {
    /// The index of a whole site, kept so that [`SearchIndex::update_page`] can patch it
    /// (`glia serve`): its pages' sections, the glossary and `extra` (the references).
    pub fn of_site(site: &Site, extra: Vec<SearchDoc>) -> SearchIndex {
        let mut built = Builder::new(
            SearchLanguage::of(&site.config.language),
            Rows::Kept(Vec::new()),
        );
        let pages: Vec<usize> = (0..site.pages.len()).collect();
        let page_groups = (pages.chunks(WORDS_CHUNK))
            .flat_map(|chunk| add_pages(&mut built, site, chunk))
            .collect();
        add_rest(&mut built, site, extra);
        let mut index = built.finish();
        index.page_groups = page_groups;
        index
    }

    /// [`SearchIndex::of_site`] for `glia build`, which writes the index and keeps nothing:
    /// each file is handed to `out` as soon as it is complete, and each page's sections'
    /// text, read for nothing else, is dropped once its words are in the index: the text of
    /// a large site's sections and its snippets are each tens of megabytes.
    pub fn write_site(
        site: &mut Site,
        extra: Vec<SearchDoc>,
        out: &mut dyn FnMut(crate::render::OutFile),
    ) {
        let lang = SearchLanguage::of(&site.config.language);
        let rows = Rows::Written {
            shards: SnippetShards::new(),
            out: &mut *out,
        };
        let mut built = Builder::new(lang, rows);
        let pages: Vec<usize> = (0..site.pages.len()).collect();
        for chunk in pages.chunks(WORDS_CHUNK) {
            add_pages(&mut built, site, chunk);
            for &i in chunk {
                // Not the glossary's definitions, which are its entries' text.
                if page_document_count(site, i) > 0 {
                    site.pages[i].page.doc.sections = Vec::new();
                }
            }
        }
        add_rest(&mut built, site, extra);
        // The last snippet shard is handed over by `finish`, the rest here.
        built.finish().write_terms(out);
    }

    /// Re-reads page `i` after an edit. Returns false, changing nothing, when the edit cannot
    /// be patched in (its number of sections changed): rebuild the index then.
    pub fn update_page(&mut self, site: &Site, i: usize) -> bool {
        let Some(Some(g)) = self.page_groups.get(i).copied() else {
            return false;
        };
        if self.words.len() != self.rows.len() {
            return false; // not patchable
        }
        let docs = page_documents(site, i);
        let range = self.groups[g].docs.clone();
        if docs.len() != range.len() {
            return false;
        }
        self.groups[g].title = docs[0].title.clone();
        self.replace(range.start, &docs);
        true
    }

    /// The index of `groups` of documents, each shown as one result; empty groups are left out.
    pub fn new(groups: &[Vec<SearchDoc>]) -> SearchIndex {
        let mut built = Builder::new(SearchLanguage::default(), Rows::Kept(Vec::new()));
        for chunk in groups.chunks(WORDS_CHUNK) {
            built.add(chunk);
        }
        built.finish()
    }

    /// Replaces documents `at..at + docs.len()` (in bounds) with `docs`.
    fn replace(&mut self, at: usize, docs: &[SearchDoc]) {
        // Only words whose postings change are decoded and re-encoded: an edit that adds a
        // sentence touches a few words, while re-encoding every word of the page would
        // re-encode the site-long postings of its most common words.
        let mut touched: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        fn list<'a>(
            touched: &'a mut BTreeMap<u32, Vec<(u32, u32)>>,
            encoded: &[String],
            id: u32,
        ) -> &'a mut Vec<(u32, u32)> {
            (touched.entry(id)).or_insert_with(|| {
                encoded
                    .get(id as usize)
                    .map_or_else(Vec::new, |e| decode(e))
            })
        }
        for (k, d) in docs.iter().enumerate() {
            let n = at + k;
            let doc = doc_number(n);
            let new_words = self.vocab.number(doc_words(self.lang, d));
            let old_words = std::mem::replace(&mut self.words[n], new_words);
            let (old_words, new_words) = (&old_words, &self.words[n]);
            for &(id, _) in old_words {
                if new_words.binary_search_by_key(&id, |&(x, _)| x).is_err() {
                    let list = list(&mut touched, &self.encoded, id);
                    if let Ok(pos) = list.binary_search_by_key(&doc, |&(d, _)| d) {
                        list.remove(pos);
                    }
                }
            }
            for &(id, flags) in new_words {
                if old_words.binary_search(&(id, flags)).is_ok() {
                    continue;
                }
                let list = list(&mut touched, &self.encoded, id);
                match list.binary_search_by_key(&doc, |&(d, _)| d) {
                    Ok(pos) => list[pos].1 = flags,
                    Err(pos) => list.insert(pos, (doc, flags)),
                }
            }
            self.rows[n] = row(d);
        }
        if self.encoded.len() < self.vocab.words.len() {
            self.encoded.resize(self.vocab.words.len(), String::new());
        }
        for (id, list) in touched {
            let id = id as usize;
            self.encoded[id] = if list.is_empty() {
                String::new()
            } else {
                encode(&self.vocab.words[id], &list)
            };
        }
    }

    /// How many term shards the index has: it follows the number of documents only.
    pub fn term_shards(&self) -> usize {
        term_shard_count(self.groups.last().map_or(0, |g| g.docs.end))
    }

    /// The first group of each snippet shard.
    fn snippet_shard_starts(&self) -> Vec<usize> {
        snippet_shard_starts(self.groups.iter().map(|g| g.docs.len()))
    }

    /// The paths of the term shards the theme loads for `query`: for each word, the shard of
    /// its stem and of the word as typed (they can differ: "ties" stems to "ty").
    pub fn query_shards(&self, query: &str) -> BTreeSet<String> {
        let n = self.term_shards();
        let folded = fold(query);
        words_of(self.lang, &folded)
            .flat_map(|w| [stem_in(self.lang, w), w.to_string()])
            .map(|w| term_shard_path(shard_of(&w, n)))
            .collect()
    }

    /// Every file of the index: the manifest, then the term shards, then the snippet shards.
    pub fn files(&self) -> Vec<crate::render::OutFile> {
        let mut files = Vec::new();
        self.each_file(&mut |f| files.push(f));
        files
    }

    /// [`SearchIndex::files`], each handed to `out` as soon as it is made: `glia build`
    /// writes them one by one rather than holding the whole index twice.
    pub fn each_file(&self, out: &mut dyn FnMut(crate::render::OutFile)) {
        self.write_terms(out);
        let mut shards = SnippetShards::new();
        for g in &self.groups {
            shards.group(&g.title, &self.rows[g.docs.clone()], out);
        }
        shards.finish(out);
    }

    /// The manifest and the term shards.
    fn write_terms(&self, out: &mut dyn FnMut(crate::render::OutFile)) {
        let n = self.term_shards();
        let starts = self.snippet_shard_starts();

        let mut sizes = String::with_capacity(self.groups.len() * 2);
        for (k, g) in self.groups.iter().enumerate() {
            if k > 0 {
                sizes.push(',');
            }
            sizes.push_str(&base36(g.docs.len() as u64));
        }
        let mut chunks = String::new();
        let mut prev = 0;
        for (k, &s) in starts.iter().enumerate() {
            if k > 0 {
                chunks.push(',');
            }
            chunks.push_str(&base36((s - prev) as u64));
            prev = s;
        }
        out(crate::render::OutFile {
            path: INDEX_FILE.into(),
            bytes: format!(
                "window.gliaSearchIndex={{\"prefix\":{PREFIX},\"shards\":{n},\"sizes\":\"{sizes}\",\"chunks\":\"{chunks}\",\"t\":{{}},\"d\":{{}}}};\n"
            )
            .into_bytes(),
        });

        // Each shard's words in order (as strings compare), whatever order they were seen in.
        let mut shards: Vec<Vec<(&str, &str)>> = vec![Vec::new(); n];
        for (w, e) in self.vocab.words.iter().zip(&self.encoded) {
            if !e.is_empty() {
                shards[shard_of(w, n)].push((w, e));
            }
        }
        for shard in &mut shards {
            shard.sort_unstable_by_key(|&(w, _)| w);
        }
        for (k, entries) in shards.iter().enumerate() {
            let mut js = format!("window.gliaSearchIndex.t[{k}]={{");
            js.reserve(entries.iter().map(|(_, e)| e.len() + 1).sum::<usize>() + 4);
            for (i, (_, e)) in entries.iter().enumerate() {
                if i > 0 {
                    js.push(',');
                }
                js.push_str(e);
            }
            js.push_str("};\n");
            out(crate::render::OutFile {
                path: term_shard_path(k),
                bytes: js.into_bytes(),
            });
        }
    }
}

/// Adds the documents of pages `chunk` (in page order); returns each page's group.
fn add_pages(built: &mut Builder<'_>, site: &Site, chunk: &[usize]) -> Vec<Option<usize>> {
    // Each section's text is copied into its document, and only a chunk's copies exist at once.
    let per_page: Vec<Vec<SearchDoc>> =
        chunk.par_iter().map(|&i| page_documents(site, i)).collect();
    let mut next = built.groups.len();
    let groups = (per_page.iter())
        .map(|d| {
            (!d.is_empty()).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    built.add(&per_page);
    groups
}

/// Adds what follows the pages: the glossary's entries, then `extra`, each a group of its own.
fn add_rest(built: &mut Builder<'_>, site: &Site, extra: Vec<SearchDoc>) {
    let rest: Vec<Vec<SearchDoc>> = glossary_documents(site)
        .into_iter()
        .chain(extra)
        .map(|d| vec![d])
        .collect();
    built.add(&rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, heading: &str, text: &str) -> SearchDoc {
        SearchDoc {
            url: format!("{}/", title.to_lowercase()),
            title: title.into(),
            heading: heading.into(),
            text: text.into(),
            keywords: String::new(),
        }
    }

    fn all_js(index: &SearchIndex) -> String {
        index
            .files()
            .into_iter()
            .map(|f| format!("// {}\n{}", f.path, String::from_utf8(f.bytes).unwrap()))
            .collect()
    }

    #[test]
    fn index_is_scripts_that_cannot_be_closed_early() {
        let index = SearchIndex::new(&[vec![doc("</script> Ketamine", "", "infusions")]]);
        let files = index.files();
        assert_eq!(files[0].path, INDEX_FILE);
        let manifest = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert!(
            manifest.starts_with("window.gliaSearchIndex={"),
            "{manifest}"
        );
        // One document: one term shard, one snippet shard.
        assert_eq!(files.len(), 3);
        let js = all_js(&index);
        assert!(!js.contains("</script>"), "{js}");
        assert!(js.contains("\"infusion\":\"0\""), "{js}");
        assert!(js.contains("\"ketamine\":\"1\""), "title flag: {js}");
    }

    #[test]
    fn a_word_is_in_the_shard_of_its_prefix() {
        let text: Vec<String> = (0..2000).map(|i| format!("w{i:04}")).collect();
        let docs: Vec<Vec<SearchDoc>> = text
            .chunks(10)
            .map(|c| vec![doc("T", "", &c.join(" "))])
            .collect();
        let index = SearchIndex::new(&docs);
        // 200 documents → 4 term shards.
        assert_eq!(index.term_shards(), 4);
        for f in index.files() {
            let js = String::from_utf8(f.bytes).unwrap();
            let Some(k) = f.path.strip_prefix("search-index/t") else {
                continue;
            };
            let k: usize = k.trim_end_matches(".js").parse().unwrap();
            for w in text.iter().filter(|w| js.contains(&format!("\"{w}\""))) {
                assert_eq!(shard_of(w, 4), k, "{w} in {}", f.path);
            }
        }
        assert_eq!(
            index.query_shards("W0123 the"),
            BTreeSet::from([term_shard_path(shard_of("w01", 4))])
        );
    }

    #[test]
    fn sections_of_a_page_share_a_group_and_snippet_shard() {
        let page: Vec<SearchDoc> = (0..3)
            .map(|i| doc("Ketamine", &format!("Part {i}"), "Blood pressure."))
            .collect();
        let index = SearchIndex::new(&[page, vec![doc("Glossary", "TMS", "Magnets.")]]);
        let js = all_js(&index);
        assert!(js.contains("\"sizes\":\"3,1\""), "{js}");
        assert!(js.contains("\"chunks\":\"0\""), "{js}");
        assert!(
            js.contains("[\"Ketamine\",[[\"ketamine/\",\"Part 0\",\"Blood pressure.\"],"),
            "{js}"
        );
    }

    #[test]
    fn a_patched_index_is_the_index_of_the_patched_documents() {
        let mut docs = vec![
            doc("Ketamine", "", "Ketamine infusions for depression."),
            doc("Ketamine", "Safety", "Blood pressure is checked."),
            doc("TMS", "", "Magnetic pulses </script> for depression."),
        ];
        let mut index = SearchIndex::new(&[docs.clone()]);
        // Words leave (pressure), arrive (pulse, safety as text) and change flags (safety).
        let patch = [
            doc("Ketamine", "Monitoring", "Pulse and safety are checked."),
            doc(
                "TMS",
                "",
                "Magnetic pulses for depression </script>, daily.",
            ),
        ];
        index.replace(1, &patch);
        docs.splice(1.., patch);
        assert_eq!(all_js(&index), all_js(&SearchIndex::new(&[docs])));
    }

    #[test]
    fn an_index_written_as_it_is_built_is_the_index_kept() {
        // `glia build` streams its index (`write_site`), `glia serve` keeps it (`of_site`):
        // the files must be the same. Groups of 1 to 7 documents, so that snippet shards
        // start at several places, and a few empty groups.
        let groups: Vec<Vec<SearchDoc>> = (0..60)
            .map(|g| {
                (0..g % 8)
                    .map(|d| {
                        doc(
                            &format!("Page {g}"),
                            &format!("Part {d}"),
                            &format!("word{g} text{d}"),
                        )
                    })
                    .collect()
            })
            .collect();
        let kept = SearchIndex::new(&groups).files();
        let mut written = Vec::new();
        let mut out = |f: crate::render::OutFile| written.push(f);
        let mut built = Builder::new(
            SearchLanguage::default(),
            Rows::Written {
                shards: SnippetShards::new(),
                out: &mut out,
            },
        );
        for chunk in groups.chunks(7) {
            built.add(chunk);
        }
        built.finish().write_terms(&mut out);
        let sorted = |mut files: Vec<crate::render::OutFile>| {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect::<Vec<_>>()
        };
        let kept = sorted(kept);
        assert!(kept.iter().filter(|(p, _)| p.contains("/d")).count() > 5);
        assert_eq!(kept, sorted(written));
    }

    #[test]
    fn an_entry_decodes_to_its_postings() {
        let list = [(0, 0), (3, 1), (40, 2), (41, 3), (70_000, 0)];
        assert_eq!(decode(&encode("ketamin", &list)), list);
        assert_eq!(decode(&encode("x", &[])), []);
    }
}
