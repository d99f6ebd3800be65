//! External link destinations that cannot work: `http:/example.org`, `https://`, a space in the
//! host. Only the shape is checked — check never goes on the network, so it stays fast and
//! gives the same answer offline and in CI.

/// Why `dest`, an http(s) URL, is malformed; `None` for a well-formed one or any other link.
pub fn problem(dest: &str) -> Option<String> {
    let lower = dest.to_ascii_lowercase();
    let scheme_len = if lower.starts_with("https:") {
        6
    } else if lower.starts_with("http:") {
        5
    } else {
        return None;
    };
    let Some(rest) = dest[scheme_len..].strip_prefix("//") else {
        return Some("the scheme must be followed by `//` and a host".into());
    };
    if dest.chars().any(char::is_whitespace) {
        return Some("the address contains a space".into());
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.starts_with('[') || h.ends_with(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Some("the address has no host".into());
    }
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err() {
            return Some(format!("`{p}` is not a port number"));
        }
    }
    if host.starts_with('[') {
        return None; // an IPv6 literal
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Some(format!("the host `{host}` has an empty part"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "the host `{host}` has a part starting or ending with `-`"
            ));
        }
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Some(format!(
                "the host `{host}` contains a character hosts cannot have"
            ));
        }
    }
    if !host.contains('.') && !host.eq_ignore_ascii_case("localhost") {
        return Some(format!("the host `{host}` has no domain (no `.`)"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_ordinary_urls_and_ignores_other_links() {
        for ok in [
            "https://doi.org/10.1000/xyz",
            "http://example.org",
            "https://example.org:8080/a?b#c",
            "HTTPS://Example.ORG/",
            "https://[::1]:80/",
            "mailto:a@b.org",
            "../a.md",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_ones() {
        for bad in [
            "http:/example.org",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://example..org",
            "https://example.org:x/",
            "https://example_org.com",
            "https://localhostx",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
