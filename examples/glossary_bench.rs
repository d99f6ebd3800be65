//! Linking throughput: about 1 MB of Markdown linked against 500 terms and against none.
//!
//! Run with `cargo run --release --example glossary_bench`. The text is generated
//! deterministically (a small linear congruential generator), so runs are comparable.

#![allow(unused_crate_dependencies)] // a test or example crate sees every dependency of the package

use std::hint::black_box;
use std::time::{Duration, Instant};

use glia::glossary::{link_terms, Glossary, GlossaryEntry, LinkContext, LinkMode, Matcher};
use pulldown_cmark::{Event, Options, Parser};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

const SYLLABLES: &[&str] = &[
    "ke", "ta", "mi", "ne", "dis", "so", "ci", "a", "tion", "re", "cep", "tor", "glu", "ma", "te",
    "ser", "to", "nin", "dor", "pa", "lo", "ri", "um", "ex", "pha", "sy", "nap", "sis",
];

fn word(rng: &mut Lcg, syllables: usize) -> String {
    (0..syllables)
        .map(|_| SYLLABLES[rng.next() % SYLLABLES.len()])
        .collect()
}

fn entries(n: usize) -> Vec<GlossaryEntry> {
    let mut rng = Lcg(42);
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < n {
        let term = if out.len() % 5 == 0 {
            // Some abbreviations and some two-word terms.
            format!("{}{}", word(&mut rng, 2).to_uppercase(), out.len())
        } else if out.len() % 3 == 0 {
            format!("{} {}", word(&mut rng, 3), word(&mut rng, 2))
        } else {
            word(&mut rng, 4)
        };
        if !seen.insert(term.to_lowercase()) {
            continue;
        }
        let slug = format!("t{}", out.len());
        let front = format!("term: {term}\naliases: [{term}s]");
        let body = format!("The {term} is a thing. It matters.");
        let first_sentence = format!("The {term} is a thing.");
        out.push(GlossaryEntry {
            file: format!("glossary/{slug}.md"),
            slug,
            text: format!("---\n{front}\n---\n{body}"),
            fm: serde_yaml::from_str(&front).expect("generated front-matter"),
            fm_offset: 4,
            body,
            first_sentence,
        });
    }
    out
}

/// About `size` bytes of paragraphs mixing filler words, glossary terms, emphasis and links.
fn markdown(size: usize, terms: &[String]) -> String {
    let mut rng = Lcg(7);
    let mut md = String::with_capacity(size + 1024);
    while md.len() < size {
        if rng.next() % 12 == 0 {
            md.push_str("## A heading about things\n\n");
        }
        for sentence in 0..6 {
            for w in 0..12 {
                if w > 0 {
                    md.push(' ');
                }
                match rng.next() % 40 {
                    0 => md.push_str(&terms[rng.next() % terms.len()]),
                    1 => md.push_str("*emphasis*"),
                    2 => md.push_str("[a link](https://example.org/x)"),
                    3 => md.push_str("`code`"),
                    _ => {
                        let syllables = 1 + rng.next() % 3;
                        md.push_str(&word(&mut rng, syllables))
                    }
                }
            }
            md.push_str(if sentence == 2 { ".\n" } else { ". " });
        }
        md.push_str("\n\n");
    }
    md
}

fn events(md: &str) -> Vec<(Event<'static>, std::ops::Range<usize>)> {
    Parser::new_ext(md, Options::ENABLE_WIKILINKS | Options::ENABLE_FOOTNOTES)
        .into_offset_iter()
        .map(|(e, r)| (e.into_static(), r))
        .collect()
}

fn measure(label: &str, md: &str, g: &Glossary, m: &Matcher, mode: LinkMode) {
    let ctx = LinkContext {
        glossary: g,
        matcher: m,
        mode,
        exclude_slug: None,
        file: "bench.md",
        text: md,
    };
    let parsed = events(md);
    let mut best = Duration::MAX;
    let mut linked = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let out = link_terms(black_box(&parsed), &ctx);
        best = best.min(t.elapsed());
        linked = out.edits.len() / 2;
        black_box(out);
    }
    let mb = md.len() as f64 / 1e6;
    println!(
        "{label:<28} {:>8.2} ms  {:>7.1} MB/s  {linked:>6} links",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64()
    );
}

fn main() {
    let entries = entries(500);
    let names: Vec<String> = entries
        .iter()
        .flat_map(|e| [e.fm.term.clone(), format!("{}s", e.fm.term)])
        .collect();
    let md = markdown(1_000_000, &names);
    let t = Instant::now();
    let (g, diags) = Glossary::build(entries);
    assert!(diags.is_empty(), "{diags:?}");
    let build = t.elapsed();
    let t = Instant::now();
    let m = match Matcher::new(&g) {
        Ok(m) => m,
        Err(d) => panic!("{d}"),
    };
    let compile = t.elapsed();
    let empty = Glossary::default();
    let none = Matcher::default();

    let t = Instant::now();
    let n = events(&md).len();
    let parse = t.elapsed();
    println!(
        "text {:.2} MB, {n} events; parse {:.1} ms; glossary build {:.1} ms, \
         matcher {:.1} ms ({} names, {} KiB)",
        md.len() as f64 / 1e6,
        parse.as_secs_f64() * 1e3,
        build.as_secs_f64() * 1e3,
        compile.as_secs_f64() * 1e3,
        names.len(),
        m.memory_usage() / 1024
    );
    let mut best = Duration::MAX;
    let mut found = 0;
    for _ in 0..7 {
        let t = Instant::now();
        found = black_box(m.find(black_box(&md))).len();
        best = best.min(t.elapsed());
    }
    println!(
        "{:<28} {:>8.2} ms  {:>7.1} MB/s  {found:>6} matches",
        "Matcher::find, whole text",
        best.as_secs_f64() * 1e3,
        md.len() as f64 / 1e6 / best.as_secs_f64()
    );
    measure("0 terms", &md, &empty, &none, LinkMode::All);
    measure("500 terms, mode none", &md, &g, &m, LinkMode::None);
    measure("500 terms, mode first", &md, &g, &m, LinkMode::First);
    measure("500 terms, mode all", &md, &g, &m, LinkMode::All);
}
