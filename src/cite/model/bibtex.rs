//! BibTeX/BibLaTeX files: read through hayagriva's `biblatex` mapping, with the checks that
//! parser lacks and the fields it loses.
//!
//! The `biblatex` crate passes silently over an extra `}` (BibTeX then drops the rest of the
//! entry) and is slow on deep nesting, and says "expected comma" at the wrong line, so the brace
//! and comma structure is checked here first with messages an editor can act on. hayagriva's
//! mapping changes some fields (issue ranges, LaTeX in titles, `and others`), so those are read
//! again from the raw entry the way pandoc reads them.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::diagnostics::{Diagnostic, LineIndex, Location};

use super::reference::{
    check_reference, doi_from_url, is_web_url, Date, Name, Reference, Spelling,
};
use super::{loaded, problems_to_diagnostics, LoadedRef};

/// Brace nesting deeper than this is refused before parsing: no real field needs more than a
/// few levels, and the `biblatex` crate takes quadratic time on deep nesting (100,000 levels ran
/// for over 30 s).
const MAX_BIB_DEPTH: usize = 64;

/// Checks a `.bib` file's brace structure the way the `biblatex` crate reads it, for the two
/// faults that crate passes over silently or slowly: nesting deeper than [`MAX_BIB_DEPTH`], and
/// an extra `}` that closes an entry early, after which BibTeX treats the rest of the entry
/// (`year = {2020},`) as a comment between entries and drops it.
fn check_bib_braces(file: &str, text: &str) -> Vec<Diagnostic> {
    let bytes = text.as_bytes();
    let mut diags = Vec::new();
    // Where the entry that ended last was closed, and its key, for "closed early" messages.
    let mut last_close: Option<(usize, String)> = None;
    let mut top_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'@' => {
                let start = i;
                // `@type{`: the `biblatex` crate accepts no other opener.
                let Some(open) = text[i..].find('{').map(|n| i + n).filter(|&o| {
                    text[start + 1..o]
                        .trim()
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric())
                }) else {
                    i += 1;
                    continue;
                };
                let kind = text[start + 1..open].trim().to_ascii_lowercase();
                let key_end = text[open + 1..]
                    .find([',', '}', '\n'])
                    .map_or(text.len(), |n| open + 1 + n);
                let key = text[open + 1..key_end].trim().to_string();
                // Depth 1 is the entry itself. A `"…"` value at depth 1 holds braces that
                // cannot close the entry, as in the `biblatex` crate; `@comment` ends at its
                // first `}`, as there too.
                let mut depth = 1usize;
                let mut quoted = false;
                let mut j = open + 1;
                let mut closed = None;
                // The `{`s still open, outermost (the entry's) first; and the first one seen
                // open across a line that starts a new field or entry, which is where an
                // editor forgot the `}` (its own `}` then closes something later instead).
                let mut opens = vec![open];
                let mut suspect: Option<usize> = None;
                // The last value closed by a `}` alone on its line, the way entries end: at
                // the end of the file, the `{` that `}` was probably meant for the entry.
                let mut lone_close: Option<usize> = None;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 1,
                        b'\n' if suspect.is_none() && kind != "comment" => {
                            let next = &text[j + 1..];
                            if depth >= 2 && (starts_field(next) || starts_entry(next)) {
                                suspect = opens.get(1).copied();
                            } else if depth == 1 && starts_entry(next) {
                                suspect = Some(open);
                            }
                        }
                        b'}' if kind == "comment" => {
                            closed = Some(j);
                            break;
                        }
                        b'"' if depth == 1 => quoted = !quoted,
                        b'{' => {
                            depth += 1;
                            opens.push(j);
                            if depth > MAX_BIB_DEPTH + 1 {
                                diags.push(
                                    Diagnostic::error(
                                        "bibliography-syntax",
                                        format!(
                                            "braces nested more than {MAX_BIB_DEPTH} deep in \
                                             entry `{key}`"
                                        ),
                                    )
                                    .at(file, text, j..j + 1)
                                    .with_help(
                                        "no field needs this many `{`; look for braces that \
                                         are opened and never closed",
                                    ),
                                );
                                // The rest of the file cannot be read sensibly (or quickly).
                                return diags;
                            }
                        }
                        b'}' if !(quoted && depth == 1) => {
                            depth -= 1;
                            let opened = opens.pop();
                            let line_start = text[..j].rfind('\n').map_or(0, |n| n + 1);
                            if depth == 1 && text[line_start..j].trim().is_empty() {
                                lone_close = opened;
                            }
                            if depth == 0 {
                                closed = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                match closed {
                    Some(c) => {
                        last_close = Some((c, key));
                        i = c + 1;
                    }
                    // The file ends inside the entry: a `{` is never closed. Report it where
                    // it opens (the parser would say "expected comma" at the end of the file).
                    None => {
                        let at = suspect.or(lone_close).unwrap_or(open);
                        let d = if at == open {
                            Diagnostic::error(
                                "bibliography-syntax",
                                format!("entry `{key}` is never closed"),
                            )
                            .with_help("end the entry with `}` after its last field")
                        } else {
                            Diagnostic::error("bibliography-syntax", "this `{` is never closed")
                                .with_help(
                                    "end the value with `}`: until then the fields and entries \
                                     after it are read as part of it",
                                )
                        };
                        diags.push(d.at(file, text, at..at + 1));
                        return diags;
                    }
                }
            }
            b'{' => {
                // Top-level text is a comment to BibTeX; braces in it only need to pair up.
                if let Some(d) = entry_without_at(file, text, i) {
                    diags.push(d);
                }
                top_depth += 1;
                i += 1;
            }
            b'}' if top_depth > 0 => {
                top_depth -= 1;
                i += 1;
            }
            b'}' => {
                let mut d = Diagnostic::error(
                    "bibliography-syntax",
                    "an extra `}`: it closes nothing, and what comes before it up to here is \
                     ignored",
                )
                .at(file, text, i..i + 1);
                if let Some((c, key)) = &last_close {
                    let lines = LineIndex::new(text);
                    let at = Location::in_indexed_text(text, &lines, *c..*c);
                    d = Diagnostic::error(
                        "bibliography-syntax",
                        format!(
                            "entry `{key}` is closed early by the `}}` at {}:{}, so the fields \
                             after it are lost",
                            at.line, at.column
                        ),
                    )
                    .at(file, text, *c..*c + 1);
                }
                diags.push(d.with_help(
                    "every `{` in a field needs its own `}`: remove the extra `}` after the value",
                ));
                last_close = None;
                // One error per fault: the rest up to the next entry is the same lost text.
                i = memchr::memchr(b'@', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            _ => i += 1,
        }
    }
    diags
}

/// Whether `line` (text after a line break) starts a field: `name =`.
fn starts_field(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    let name = t
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'))
        .count();
    name > 0 && t.as_bytes()[0].is_ascii_alphabetic() && t[name..].trim_start().starts_with('=')
}

/// Whether `line` (text after a line break) starts an entry: `@type{`.
fn starts_entry(line: &str) -> bool {
    let Some(t) = line.trim_start_matches([' ', '\t']).strip_prefix('@') else {
        return false;
    };
    let kind = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    kind > 0 && t[kind..].trim_start().starts_with(['{', '('])
}

/// `article{key,` at the start of a line with no `@`: BibTeX (and pandoc) read it as a comment
/// and skip the whole entry, so a citation of it finds nothing. `open` is the `{`.
fn entry_without_at(file: &str, text: &str, open: usize) -> Option<Diagnostic> {
    let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
    let kind = text[line_start..open].trim();
    let rest = &text[open + 1..];
    let key = rest[..rest.find(['\n', ',', '}'])?].trim();
    let shaped = !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphabetic())
        && rest[key.len()..].trim_start().starts_with(',')
        && !key.is_empty()
        && !key.contains(char::is_whitespace);
    shaped.then(|| {
        Diagnostic::warning(
            "bibliography-syntax",
            format!("`{kind}{{{key},` is not read as an entry: it has no `@`"),
        )
        .at(file, text, line_start..open + 1)
        .with_help(format!(
            "write `@{kind}{{{key},`; until then BibTeX and pandoc skip this entry too"
        ))
    })
}

/// The parser's "expected comma" at the next field, said where the comma belongs: after the
/// value before it (an editor's usual slip is a line without its trailing `,`).
fn missing_comma(file: &str, text: &str, found: usize) -> Diagnostic {
    let before = text[..found.min(text.len())].trim_end();
    let end = before.len();
    let start = before.char_indices().next_back().map_or(end, |(i, _)| i);
    let next = text[found.min(text.len())..]
        .split(['\n', '='])
        .next()
        .unwrap_or("")
        .trim();
    let d = Diagnostic::error(
        "bibliography-syntax",
        "invalid BibTeX: a `,` is missing after this value",
    )
    .with_help(
        if next.is_empty()
            || !next
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-:".contains(&b))
        {
            "separate the fields with commas: `title = {…},`".to_string()
        } else {
            format!("add `,` here, before the field `{next}`")
        },
    );
    if start == end {
        d.at(file, text, found..found)
    } else {
        d.at(file, text, start..end)
    }
}

pub(super) fn load_bib(file: &str, text: &str) -> (Vec<LoadedRef>, Vec<Diagnostic>) {
    let structure = check_bib_braces(file, text);
    if structure.iter().any(Diagnostic::is_error) {
        return (vec![], structure);
    }
    // Diagnostics locate every entry: count the file's lines once, not once per entry.
    let lines = LineIndex::new(text);
    let syntax = |span: Range<usize>, msg: String| {
        Diagnostic::error("bibliography-syntax", format!("invalid BibTeX: {msg}"))
            .at(file, text, span)
    };
    let mut raw = match biblatex::RawBibliography::parse(text) {
        Ok(raw) => raw,
        Err(e) => {
            let d = match e.kind {
                biblatex::ParseErrorKind::Expected(biblatex::Token::Comma) => {
                    missing_comma(file, text, e.span.start)
                }
                _ => syntax(e.span.clone(), e.kind.to_string()),
            };
            return (vec![], vec![d]);
        }
    };
    let mut diags = structure;
    // A key defined twice: the `biblatex` crate refuses the whole file, pandoc silently uses
    // the last definition. glia uses the last too (so a site renders as under pandoc) and says
    // so when the two differ.
    let mut last: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in raw.entries.iter().enumerate() {
        if let Some(prev) = last.insert(e.v.key.v, i) {
            let a = &text[raw.entries[prev].span.clone()];
            let b = &text[e.span.clone()];
            let same = |t: &str| t.split_whitespace().collect::<String>();
            if same(a) != same(b) {
                let first = Location::in_indexed_text(text, &lines, raw.entries[prev].span.clone());
                diags.push(
                    Diagnostic::warning(
                        "duplicate-reference",
                        format!(
                            "reference `{}` is defined twice with different fields (also at \
                             line {}); this later definition is used, as pandoc does",
                            e.v.key.v, first.line
                        ),
                    )
                    .at(file, text, e.span.start..e.span.start + 1)
                    .with_help("delete the definition you do not want, or give it its own key"),
                );
            }
        }
    }
    let keep: std::collections::BTreeSet<usize> = last.values().copied().collect();
    let mut index = 0;
    raw.entries.retain(|_| {
        index += 1;
        keep.contains(&(index - 1))
    });
    let spans: BTreeMap<String, Range<usize>> = raw
        .entries
        .iter()
        .map(|e| (e.v.key.v.to_string(), e.span.clone()))
        .collect();
    let bib = match biblatex::Bibliography::from_raw(raw) {
        Ok(bib) => bib,
        Err(e) => return (vec![], vec![syntax(e.span.clone(), e.kind.to_string())]),
    };
    let library = match hayagriva::io::from_biblatex(&bib) {
        Ok(lib) => lib,
        Err(errors) => {
            let diags = errors
                .into_iter()
                .map(|e| syntax(e.span.clone(), e.kind.to_string()))
                .collect();
            return (vec![], diags);
        }
    };
    let mut refs = Vec::new();
    for entry in library.iter() {
        let span = spans.get(entry.key()).cloned().unwrap_or(0..0);
        let mut reference = from_hayagriva(entry);
        if let Some(fields) = bib.get(entry.key()) {
            if let Some(url) = bib_fields(&mut reference, fields) {
                diags.push(dropped_url(file, text, span.clone(), entry.key(), &url));
            }
        }
        let problems = check_reference(&reference, &Spelling::BIB);
        if problems.is_empty() {
            refs.push(loaded(file, text, &lines, span, reference));
        } else {
            diags.extend(problems_to_diagnostics(
                file,
                text,
                span,
                entry.key(),
                problems,
            ));
        }
    }
    (refs, diags)
}

/// The warning for a `url` that is not one web address (EndNote's `<Go to ISI>://WOS:…`
/// followed by a second address, `www.…` without its scheme), which is left out: a reference
/// list links its URL, and only http(s) addresses are linked. Other formats refuse such a
/// value; a BibTeX file is usually a reference manager's export, read whole as pandoc does.
fn dropped_url(file: &str, text: &str, entry: Range<usize>, key: &str, url: &str) -> Diagnostic {
    let span = super::find_field(text, entry.clone(), "url", false).unwrap_or(entry);
    let shown: String = url.chars().take(60).collect();
    let more = if shown.len() < url.len() { "…" } else { "" };
    Diagnostic::warning(
        "bad-url",
        format!(
            "reference `{key}`: `url` is not one http(s) address (`{shown}{more}`); it is left \
             out"
        ),
    )
    .at(file, text, span)
    .with_help("write the work's one web address, `url = {https://…}`, or delete the field")
}

/// Reads the fields hayagriva's mapping loses or changes straight from the BibTeX, as pandoc
/// reads them: text with its LaTeX converted (titles in sentence case), issue and volume as
/// written (`7-8`, not `7–8`), `pmid`/`pmcid` fields, and `and others`. Returns a `url` that
/// is left out because it is not a web address.
fn bib_fields(r: &mut Reference, e: &biblatex::Entry) -> Option<String> {
    use crate::cite::latex::{to_plain, to_rich};
    let field = |name: &str| e.fields.get(name).map(Vec::as_slice);
    // pandoc converts titles to sentence case unless the entry says it is not in English.
    let english = match field("langid").or(field("hyphenation")) {
        None => true,
        Some(l) => {
            let l = to_plain(l).to_ascii_lowercase();
            l.starts_with("en")
                || [
                    "american",
                    "british",
                    "usenglish",
                    "ukenglish",
                    "canadian",
                    "australian",
                    "newzealand",
                ]
                .contains(&l.as_str())
        }
    };
    let text = |name: &str, sentence: bool| {
        field(name)
            .map(|c| to_rich(c, sentence && english))
            .filter(|s| !s.is_empty())
    };
    // pandoc reads BibLaTeX's `@software` and `@manual` as books (with their version).
    if matches!(
        e.entry_type,
        biblatex::EntryType::Software | biblatex::EntryType::Manual
    ) {
        r.kind = "book".to_string();
    }
    if let Some(title) = text("title", true) {
        r.title = Some(match text("subtitle", true) {
            Some(sub) => format!("{title}: {sub}"),
            None => title,
        });
    }
    let in_book = matches!(r.kind.as_str(), "chapter" | "paper-conference");
    let container = if in_book {
        text("booktitle", true)
    } else {
        text("journaltitle", false).or_else(|| text("journal", false))
    };
    if container.is_some() {
        r.container = container;
    }
    let plain = |name: &str| {
        field(name)
            .map(to_plain)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if let Some(short) = plain("shortjournal") {
        r.container_short = Some(short);
    }
    if let Some(version) = plain("version") {
        r.version = Some(version);
    }
    // `number` is the issue; BibLaTeX's `issue` is a season ("Spring"), which pandoc ignores.
    r.issue = plain("number");
    // pandoc reads a BibTeX publisher as written ("Chapman and Hall/CRC", where hayagriva's
    // BibLaTeX list gives "Chapman, Hall/CRC"), and falls back on the organisation, and on
    // `howpublished` ("Online", or a `\url{…}` Google Scholar writes for a web site), which
    // it reads as a publisher too.
    if let Some(publisher) = plain("publisher")
        .or_else(|| plain("institution"))
        .or_else(|| plain("organization"))
        .or_else(|| plain("school"))
        .or_else(|| plain("howpublished"))
    {
        r.publisher = Some(publisher);
    }
    // `type` is the kind of work within its entry type ("Technical report", EndNote's
    // "Journal Article"), which pandoc reads as CSL's genre; `@phdthesis` and `@mastersthesis`
    // say it by their entry type, and BibLaTeX's keys (`techreport`) stand for English words,
    // as pandoc reads them.
    let kind = plain("type").or_else(|| match e.entry_type {
        biblatex::EntryType::PhdThesis => Some("phdthesis".to_string()),
        biblatex::EntryType::MastersThesis => Some("mathesis".to_string()),
        _ => None,
    });
    if let Some(kind) = kind {
        let word = match kind.to_ascii_lowercase().as_str() {
            "phdthesis" => Some("PhD thesis"),
            "mathesis" | "mastersthesis" => Some("Master\u{2019}s thesis"),
            "candthesis" => Some("Candidate thesis"),
            "techreport" => Some("Technical report"),
            "resreport" => Some("Research report"),
            "software" => Some("Computer software"),
            _ => None,
        };
        r.genre = Some(word.map_or(kind, str::to_string));
    }
    if let Some(volume) = plain("volume") {
        r.volume = Some(volume);
    }
    let eprint_type = plain("eprinttype").map(|t| t.to_ascii_lowercase());
    let eprint = |kind: &str| plain("eprint").filter(|_| eprint_type.as_deref() == Some(kind));
    if let Some(pmid) = plain("pmid").or_else(|| eprint("pubmed")) {
        r.pmid = Some(pmid);
    }
    if let Some(pmcid) = plain("pmcid").or_else(|| eprint("pmc")) {
        r.pmcid = Some(pmcid);
    }
    // As written: hayagriva's URL type lower-cases the host (`CRAN.R-project.org`).
    let mut dropped = None;
    match plain("url") {
        Some(url) if is_web_url(&url) => r.url = Some(url),
        Some(url) if r.url.is_none() => dropped = Some(url),
        _ => {}
    }
    // Reference managers (Zotero, Google Scholar) put the DOI's URL in `doi`; the DOI is what
    // the field means, and every style adds the resolver itself.
    if let Some(bare) = r.doi.as_deref().and_then(doi_from_url) {
        r.doi = Some(bare.to_string());
    }
    // `and others` means the list goes on. pandoc makes it `{literal: "others"}`, which
    // citeproc prints as "et al." in Vancouver and AMA; glia has no such name, so it writes the
    // English term itself. `and et al.` (EpiMethods' `sterne2009multiple`) says the same in
    // Latin: pandoc reads a person `al.` with the particle `et` and prints "Sterne JA, al. et.".
    for list in [&mut r.authors, &mut r.editors] {
        for n in list.iter_mut() {
            let goes_on = match n {
                Name::Person {
                    family,
                    given: None,
                } => family == "others" || is_et_al(family),
                Name::Literal(l) => is_et_al(l),
                Name::Person { .. } => false,
            };
            if goes_on {
                *n = Name::Literal("et al.".to_string());
            }
        }
    }
    dropped
}

/// `et al.`, `et al`, `Et Al.` as a name in an author list.
fn is_et_al(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    matches!(words.as_slice(), [et, al] if et.eq_ignore_ascii_case("et")
        && al.trim_end_matches('.').eq_ignore_ascii_case("al"))
}

/// Maps hayagriva's entry tree (an article whose parent is the periodical, a chapter whose
/// parent is the book) back onto flat CSL-like fields.
fn from_hayagriva(e: &hayagriva::Entry) -> Reference {
    use hayagriva::types::EntryType as T;
    let parent = e.parents().first();
    let kind = match e.entry_type() {
        T::Article => match parent.map(|p| p.entry_type()) {
            Some(T::Proceedings) => "paper-conference",
            Some(T::Newspaper) => "article-newspaper",
            _ => "article-journal",
        },
        T::Book | T::Anthology => "book",
        T::Chapter | T::Anthos => "chapter",
        T::Report => "report",
        T::Thesis => "thesis",
        T::Web => "webpage",
        T::Manuscript => "manuscript",
        T::Patent => "patent",
        T::Proceedings => "book",
        T::Reference => "book",
        T::Entry => "entry",
        T::Repository => "dataset",
        _ => "document",
    };
    let mut r = Reference::empty(e.key(), kind);
    let text = |f: Option<&hayagriva::types::FormatString>| {
        f.map(|s| s.value.to_string())
            .filter(|s| !s.trim().is_empty())
    };
    let person = |p: &hayagriva::types::Person| {
        if p.given_name.is_none() && p.prefix.is_none() && p.name.contains(' ') {
            Name::Literal(p.name.clone())
        } else {
            let family = match &p.prefix {
                Some(prefix) => format!("{prefix} {}", p.name),
                None => p.name.clone(),
            };
            let family = match &p.suffix {
                Some(s) => format!("{family} {s}"),
                None => family,
            };
            Name::Person {
                family,
                given: p.given_name.clone(),
            }
        }
    };
    r.title = text(e.title());
    r.authors = e.authors().unwrap_or_default().iter().map(person).collect();
    let editors = e
        .editors()
        .or_else(|| parent.and_then(|p| p.editors()))
        .unwrap_or_default();
    r.editors = editors.iter().map(person).collect();
    r.container = text(parent.and_then(|p| p.title()));
    r.issued = e.date_any().map(|d| Date {
        year: d.year,
        month: d.month.map(|m| m + 1),
        day: d.day.map(|d| d + 1),
    });
    let either =
        |f: &dyn Fn(&hayagriva::Entry) -> Option<String>| f(e).or_else(|| parent.and_then(f));
    r.volume = either(&|x| x.volume().map(|v| v.to_string()));
    r.issue = either(&|x| x.issue().map(|v| v.to_string()));
    r.pages = e.page_range().map(|p| p.to_string().replace('–', "-"));
    r.edition = either(&|x| x.edition().map(|v| v.to_string()));
    let publisher = e.publisher().or_else(|| parent.and_then(|p| p.publisher()));
    r.publisher = text(publisher.and_then(|p| p.name()));
    r.place = text(publisher.and_then(|p| p.location())).or_else(|| text(e.location()));
    if r.publisher.is_none() && matches!(kind, "report" | "thesis") {
        r.publisher = text(e.organization());
    }
    r.doi = e.doi().map(str::to_string);
    r.pmid = e.keyed_serial_number("pmid").map(str::to_string);
    r.pmcid = e.keyed_serial_number("pmcid").map(str::to_string);
    if let Some(url) = e.url() {
        r.url = Some(url.value.to_string());
        r.accessed = url.visit_date.as_ref().map(|d| Date {
            year: d.year,
            month: d.month.map(|m| m + 1),
            day: d.day.map(|d| d + 1),
        });
    }
    r
}
