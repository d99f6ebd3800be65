//! Web addresses with a typo in their scheme (`htps://…`, `https//…`, `www.…`): said as a typo,
//! with the likely address, rather than as an unsafe scheme or a missing file.

/// The address `dest` was probably meant to be, if it looks like a mistyped web address.
pub fn web_address(dest: &str) -> Option<String> {
    let d = dest.trim();
    let lower = d.to_ascii_lowercase();
    // `htps://x`, `htttps://x`, `hhtp://x`: a scheme one or two edits from http(s).
    if let Some((scheme, rest)) = lower.split_once("://") {
        if !scheme.is_empty()
            && scheme.bytes().all(|b| b.is_ascii_alphabetic())
            && scheme != "http"
            && scheme != "https"
            && (strsim::damerau_levenshtein(scheme, "https") <= 2
                || strsim::damerau_levenshtein(scheme, "http") <= 1)
        {
            let fixed = if scheme.contains('s') {
                "https"
            } else {
                "http"
            };
            return (!rest.is_empty()).then(|| format!("{fixed}://{}", &d[scheme.len() + 3..]));
        }
        return None;
    }
    // `https//x`, `https:/x`, `https:x`, `http//x`: the `:` or a `/` is missing.
    for scheme in ["https", "http"] {
        if let Some(rest) = lower.strip_prefix(scheme) {
            let sep = rest.len() - rest.trim_start_matches([':', '/']).len();
            if sep > 0 && !rest[sep..].is_empty() && looks_like_host(&rest[sep..]) {
                return Some(format!("{scheme}://{}", &d[scheme.len() + sep..]));
            }
        }
    }
    // `www.fda.gov/…` without any scheme.
    if lower.starts_with("www.") && looks_like_host(&lower) {
        return Some(format!("https://{d}"));
    }
    None
}

/// Whether `s` starts with something shaped like a host name with a dot (`www.fda.gov/…`).
fn looks_like_host(s: &str) -> bool {
    let host = s.split(['/', '?', '#']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with(".md")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
}

#[cfg(test)]
mod tests {
    use super::web_address;

    #[test]
    fn typos_in_the_scheme_are_fixed() {
        assert_eq!(
            web_address("htps://example.com").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            web_address("htp://example.com").as_deref(),
            Some("http://example.com")
        );
        assert_eq!(
            web_address("https//www.fda.gov/drugs").as_deref(),
            Some("https://www.fda.gov/drugs")
        );
        assert_eq!(
            web_address("https:/example.org/a").as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(
            web_address("www.nhs.uk/x").as_deref(),
            Some("https://www.nhs.uk/x")
        );
    }

    #[test]
    fn real_schemes_and_paths_are_left_alone() {
        for ok in [
            "javascript://x",
            "ftp://example.org",
            "notes.md",
            "images/https.png",
            "https.md",
            "data:text/html,x",
        ] {
            assert_eq!(web_address(ok), None, "{ok}");
        }
    }
}
