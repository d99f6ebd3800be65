//! The search index's shard layout on a generated 2,000-article site: a one-word query loads
//! the manifest, the term shards of its word and the snippet shards of the results shown,
//! and that stays small as the site grows.
//!
//! The site is generated as search documents (eight sections of 100 words per article,
//! a 200-term glossary and 1,300 references, the proportions of the shared 10,000-article
//! benchmark corpus), so the test runs in seconds in a debug build; how the pages become
//! documents is covered by the site-building tests.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use std::collections::BTreeMap;
use std::sync::OnceLock;

use glia::render::search::{self, SearchDoc, SearchIndex};

const ARTICLES: usize = 2_000;
/// The bound, 1 MB per one-word query at 10,000 articles, scaled to this site for
/// what grows with it: the manifest and the term shards.
const TERM_BYTES_BOUND: usize = 1_000_000 * ARTICLES / 10_000;
/// The snippet shards of twenty results do not grow with the site.
const SNIPPET_BYTES_BOUND: usize = 400_000;

/// xorshift64: the same documents on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Roughly Zipf-distributed below `n`: a few words are in nearly every section.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as usize
    }
}

/// A vocabulary of pronounceable words (consonant-vowel syllables), which begin with some
/// thousand different three-letter prefixes, as English words do.
fn vocabulary(rng: &mut Rng, n: usize) -> Vec<String> {
    const C: &[u8] = b"bcdfghklmnprstvz";
    const V: &[u8] = b"aeiou";
    (0..n)
        .map(|_| {
            let k = 2 + (rng.next() % 3) as usize;
            let mut w = String::new();
            for _ in 0..k {
                w.push(char::from(C[(rng.next() % C.len() as u64) as usize]));
                w.push(char::from(V[(rng.next() % V.len() as u64) as usize]));
            }
            w
        })
        .collect()
}

fn text(rng: &mut Rng, vocab: &[String], words: usize) -> String {
    let mut s = String::new();
    for _ in 0..words {
        s.push_str(&vocab[rng.zipf(vocab.len())]);
        s.push(' ');
    }
    s
}

/// The documents and their index, made once for all the tests.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::new(&site()))
}

fn site() -> Vec<Vec<SearchDoc>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocab = vocabulary(&mut rng, 4_000);
    let mut groups = Vec::new();
    for a in 0..ARTICLES {
        let title = text(&mut rng, &vocab, 5);
        let sections = (0..8)
            .map(|s| SearchDoc {
                url: format!("articles/a{a}/#s{s}"),
                title: title.clone(),
                heading: if s == 0 {
                    String::new()
                } else {
                    text(&mut rng, &vocab, 3)
                },
                text: text(&mut rng, &vocab, 100),
                keywords: String::new(),
            })
            .collect();
        groups.push(sections);
    }
    for (kind, n, words) in [("glossary", 200, 30), ("references", 1_300, 25)] {
        for k in 0..n {
            groups.push(vec![SearchDoc {
                url: format!("{kind}/#e{k}"),
                title: kind.into(),
                heading: text(&mut rng, &vocab, 4),
                text: text(&mut rng, &vocab, words),
                keywords: text(&mut rng, &vocab, 3),
            }]);
        }
    }
    groups
}

#[test]
fn a_one_word_query_loads_a_small_part_of_the_index() {
    let index = index();
    let files: BTreeMap<String, usize> = index
        .files()
        .into_iter()
        .map(|f| (f.path, f.bytes.len()))
        .collect();
    let total: usize = files.values().sum();
    let manifest = files[search::INDEX_FILE];
    let mut snippets: Vec<usize> = files
        .iter()
        .filter(|(p, _)| p.starts_with("search-index/d"))
        .map(|(_, &n)| n)
        .collect();
    snippets.sort_unstable_by(|a, b| b.cmp(a));
    // Whatever twenty results a query shows, it loads at most these.
    let snippet_bytes: usize = snippets.iter().take(20).sum();
    assert!(
        snippet_bytes <= SNIPPET_BYTES_BOUND,
        "the 20 largest snippet shards are {snippet_bytes} bytes"
    );

    // The most common words are the worst case: their postings name most sections.
    let mut queries: Vec<String> = Vec::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocab = vocabulary(&mut rng, 4_000);
    queries.extend(vocab.iter().take(20).cloned());
    queries.extend(vocab.iter().step_by(97).cloned());
    for q in &queries {
        let shards = index.query_shards(q);
        assert!(
            (1..=2).contains(&shards.len()),
            "{q}: {shards:?} (its stem and the word as typed)"
        );
        let terms: usize = shards.iter().map(|s| files[s]).sum();
        let loaded = manifest + terms + snippet_bytes;
        assert!(
            manifest + terms <= TERM_BYTES_BOUND,
            "\"{q}\" loads {} bytes of manifest and term shards (bound {TERM_BYTES_BOUND})",
            manifest + terms
        );
        assert!(
            loaded * 20 <= total,
            "\"{q}\" loads {loaded} of the index's {total} bytes"
        );
        // The shards a query loads hold every word it can match: each word that begins with
        // the query's stem, as a prefix.
        let stem = search::stem(q);
        for w in vocab.iter().map(|w| search::stem(w)) {
            if w.starts_with(&stem) {
                let shard = format!(
                    "search-index/t{}.js",
                    search::shard_of(&w, index.term_shards())
                );
                assert!(
                    shards.contains(&shard),
                    "{q}: {w} is in {shard}, not in {shards:?}"
                );
            }
        }
    }
}

#[test]
fn sections_of_an_article_are_one_result_group() {
    let files = index().files();
    let manifest = String::from_utf8(files[0].bytes.clone()).unwrap();
    let sizes = manifest
        .split("\"sizes\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let sizes: Vec<&str> = sizes.split(',').collect();
    assert_eq!(sizes.len(), ARTICLES + 200 + 1_300);
    assert!(sizes[..ARTICLES].iter().all(|&s| s == "8"));
    assert!(sizes[ARTICLES..].iter().all(|&s| s == "1"));
}

#[test]
fn the_same_documents_give_the_same_files() {
    let a = index().files();
    let b = SearchIndex::new(&site()).files();
    assert!(
        a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(x, y)| x.path == y.path && x.bytes == y.bytes)
    );
}
