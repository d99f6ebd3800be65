//! How the index's files spell postings: each word's entry, its documents as base-36 gaps
//! with the title/heading flags, as `static/js/search.js` reads them.

use std::fmt::Write as _;

/// One word's entry: postings as base-36 gaps between document numbers, each shifted left by
/// two with the title/heading flags in the low bits.
pub(super) fn encode(word: &str, list: &[(u32, u32)]) -> String {
    let mut postings = Postings::new(word);
    for &(doc, flags) in list {
        postings.push(doc, flags);
    }
    postings.finish()
}

/// A word's entry being spelt as its documents arrive, in ascending order: a site's postings
/// are millions of (document, flags) pairs, which as numbers took several times the bytes of
/// their spelling.
pub(super) struct Postings {
    entry: String,
    last: Option<u32>,
}

impl Postings {
    pub(super) fn new(word: &str) -> Postings {
        let mut entry = serde_json::Value::from(word).to_string();
        entry.push_str(":\"");
        Postings { entry, last: None }
    }

    /// Adds document `doc`, which must come after every document added before.
    pub(super) fn push(&mut self, doc: u32, flags: u32) {
        let prev = match self.last {
            Some(prev) => {
                self.entry.push(',');
                prev
            }
            None => 0,
        };
        let v = u64::from(doc - prev) << 2 | u64::from(flags);
        let _ = write!(self.entry, "{}", base36(v));
        self.last = Some(doc);
    }

    /// The entry as the index's files hold it (empty when no document has the word).
    pub(super) fn finish(mut self) -> String {
        if self.last.is_none() {
            return String::new();
        }
        self.entry.push('"');
        script_safe(self.entry)
    }
}

/// The postings of an entry [`encode`] made. A word is letters and digits only, so the
/// postings are what follows the entry's last `:"`.
pub(super) fn decode(entry: &str) -> Vec<(u32, u32)> {
    let Some(at) = entry.rfind(":\"") else {
        return Vec::new();
    };
    let gaps = entry[at + 2..].trim_end_matches('"');
    let mut doc = 0;
    let mut out = Vec::new();
    for g in gaps.split(',').filter(|g| !g.is_empty()) {
        let v = u64::from_str_radix(g, 36).unwrap_or(0);
        doc += u32::try_from(v >> 2).unwrap_or(u32::MAX);
        out.push((doc, (v & 3) as u32));
    }
    out
}

/// A document's number in the postings: four billion documents is beyond any site glia
/// can load.
pub(super) fn doc_number(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `</` cannot appear in a script, or `</script>` inside a title would end it early. Applied
/// per piece: no piece ends in `<`, so no `</` can straddle two.
pub(super) fn script_safe(s: String) -> String {
    if s.contains("</") {
        s.replace("</", "<\\/")
    } else {
        s
    }
}

pub(super) fn base36(mut v: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if v == 0 {
        return "0".into();
    }
    let mut buf = Vec::new();
    while v > 0 {
        buf.push(DIGITS[(v % 36) as usize]);
        v /= 36;
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}
