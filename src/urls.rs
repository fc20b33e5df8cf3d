//! Addresses: how a site path becomes a URL, where a link or an alias
//! leads, and how an escaped address is read, decided here once.
//!
//! Every stage that turns a path into an address or an address into an
//! output imports this module, and this module imports only the site's
//! data ([`crate::model::Site`] for the base URL) and the message
//! catalogue. Before it, these helpers lived in the view, the link check
//! and the claims, which made the model, publishing, calendar and view
//! stages import each other.
//!
//! Decisions:
//!
//! - A site path (`clubs/biotech/`) is relative to the site's root; its URL
//!   is the base path plus the path (`/alumni/clubs/biotech/`), its
//!   permalink the base URL plus the path.
//! - One percent-decoder, read two ways: [`percent_decode`] keeps a bad
//!   escape as written (a link's target, to compare it with the outputs),
//!   [`percent_decode_strict`] refuses it, and an escaped `/` or `\`, which
//!   would hide a path separator (the server's requests).

use crate::i18n::Text;
use crate::model::Site;

/// A root-relative URL for a site path.
pub(crate) fn url_of(site: &Site, path: &str) -> String {
    address(&site.config.base_path, path)
}

/// The root-relative URL of the site path `path` (`clubs/biotech/`, or a
/// file's `site.css`) on a site published at `base_path` (`/`,
/// `/alumni/`): the one place the base path is joined, for the stages
/// that hold the base path rather than the site.
pub(crate) fn address(base_path: &str, path: &str) -> String {
    let mut out = String::with_capacity(base_path.len() + path.len());
    out.push_str(base_path);
    out.push_str(path);
    out
}

/// The site path of the root-relative URL `url` (the inverse of
/// [`address`]); an address outside the base path is kept as it is.
pub(crate) fn site_path<'a>(base_path: &str, url: &'a str) -> &'a str {
    url.strip_prefix(base_path).unwrap_or(url)
}

/// An absolute URL for a site path.
pub(crate) fn permalink_of(site: &Site, path: &str) -> String {
    format!("{}/{path}", site.config.base_url)
}

/// Longest alias, in bytes.
pub(crate) const MAX_ALIAS_BYTES: usize = 200;

/// Where an alias is written: `/ancien/chemin/` -> `ancien/chemin/index.html`,
/// `/ancien.html` -> `ancien.html`. An alias is an old address of the site:
/// `/`-rooted, at most [`MAX_ALIAS_BYTES`], of letters (any script), digits
/// and `-._~`, `/`-separated words with no `.` or `..` word. Anything else
/// (control characters, spaces, `\`, `?`, `#`, `%`, `*`, `:`...) could
/// add lines or rules to `_redirects` or name another file: the error says
/// which character.
pub(crate) fn alias_output(alias: &str) -> Result<String, Text> {
    let Some(inner) = alias.strip_prefix('/') else {
        return Err(tr!(
            "an alias is an address of this site: it starts with `/`",
            "un alias est une adresse de ce site : il commence par `/`"
        ));
    };
    if alias.len() > MAX_ALIAS_BYTES {
        return Err(tr!(
            "an alias has at most {MAX_ALIAS_BYTES} bytes",
            "un alias a au plus {MAX_ALIAS_BYTES} octets"
        ));
    }
    if let Some(c) = inner
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/')))
    {
        return Err(tr!(
            "the character {} cannot be part of an alias",
            "le caractère {} ne peut pas faire partie d'un alias";
            c.escape_debug()
        ));
    }
    let words: Vec<&str> = inner.trim_end_matches('/').split('/').collect();
    if inner.is_empty()
        || words
            .iter()
            .any(|w| w.is_empty() || *w == "." || *w == "..")
    {
        return Err(tr!(
            "an alias is `/`-separated words: no empty word, no `.` or `..`",
            "un alias est fait de mots séparés par `/` : pas de mot vide, ni `.` ni `..`"
        ));
    }
    // Hidden names (`.well-known/`, the manifest) are the server's and the deploy's.
    if words.iter().any(|w| w.starts_with('.')) {
        return Err(tr!(
            "a word of an alias cannot start with `.`",
            "un mot d'un alias ne peut pas commencer par `.`"
        ));
    }
    Ok(if inner.ends_with('/') {
        format!("{inner}index.html")
    } else if inner.ends_with(".html") {
        inner.to_string()
    } else {
        format!("{inner}/index.html")
    })
}

/// Whether `url` leads to another host or another protocol: it has a
/// scheme (`https:`, `mailto:`, `tel:`...) or names a host (`//cdn...`).
pub(crate) fn leaves_the_site(url: &str) -> bool {
    url.starts_with("//") || has_scheme(url)
}

/// The schemes an address a template writes may have: none of them runs
/// script or carries a document of its own (`javascript:`, `data:`...).
const LINK_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of `url` that is not among [`LINK_SCHEMES`], lower-cased;
/// `None` for an address without a scheme or with one of those.
pub(crate) fn unlinkable_scheme(url: &str) -> Option<String> {
    if !has_scheme(url) {
        return None;
    }
    let scheme = url
        .split_once(':')
        .map_or("", |(s, _)| s)
        .to_ascii_lowercase();
    (!LINK_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

/// A site path (`clubs/biotech/photo été.jpg`) as a root-relative address
/// for attributes and `srcset`: what is not plainly safe there (a comma,
/// a space, `&`, non-ASCII) percent-encoded.
pub(crate) fn encoded_address(base_path: &str, path: &str) -> String {
    use std::fmt::Write as _;
    let mut url = String::from(base_path);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$'()*+;=:@".contains(&b) {
            url.push(b as char);
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// Where a link of the page at output `from` leads: (output key, fragment),
/// or `None` for links that leave the site.
pub(crate) fn target_of(url: &str, from: &str, base_path: &str) -> Option<(String, String)> {
    if leaves_the_site(url) {
        return None;
    }
    let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
    let path = path.split('?').next().unwrap_or("");
    let key = if path.is_empty() {
        from.to_string()
    } else if path.starts_with('/') {
        // Absolute paths must stay under the site's base path (`/alumni/...`
        // when the site is published below a folder).
        let inside = if path == base_path.trim_end_matches('/') {
            Some("")
        } else {
            path.strip_prefix(base_path)
        };
        match inside {
            Some(inner) => normalise(inner),
            None => format!("\u{0}outside:{path}"),
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        normalise(&format!("{dir}/{path}"))
    };
    Some((percent_decode(&key), fragment.to_string()))
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`, `data:`): a
/// letter, then letters, digits, `+`, `-` or `.`, then `:` (RFC 3986); a
/// browser reads `1a:b` as a relative path.
pub(crate) fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// The site path `path` leads to from the folder `page`, `.` and `..`
/// resolved; `None` when it climbs above the site.
pub(crate) fn resolve_relative(page: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Resolves `.` and `..`, and names a folder's `index.html`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.ends_with('/') || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    }
}

/// Percent-decodes `path`: its bytes, and whether every `%` began a valid
/// escape of anything but a path separator.
fn decode_bytes(path: &str) -> (Vec<u8>, bool) {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut clean = true;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
            if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                let b = u8::try_from(hi * 16 + lo).unwrap_or(b'?');
                clean &= b != b'/' && b != b'\\';
                out.push(b);
                i += 3;
                continue;
            }
            clean = false;
        }
        out.push(bytes[i]);
        i += 1;
    }
    (out, clean)
}

/// Percent-decodes a URL path; invalid escapes are kept as written and
/// invalid UTF-8 is replaced, so that a written link can be compared with
/// the outputs' names.
pub(crate) fn percent_decode(path: &str) -> String {
    String::from_utf8_lossy(&decode_bytes(path).0).into_owned()
}

/// Percent-decodes a requested path; `None` for a bad escape, invalid
/// UTF-8, or an escaped `/` or `\\` (which would hide a path separator).
pub(crate) fn percent_decode_strict(path: &str) -> Option<String> {
    let (bytes, clean) = decode_bytes(path);
    if clean {
        String::from_utf8(bytes).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{
        address, has_scheme, percent_decode, percent_decode_strict, resolve_relative, site_path,
        target_of,
    };

    #[test]
    fn the_lenient_reading_keeps_what_the_strict_one_refuses() {
        // catches: the two readings drifting apart again (a link to
        // `caf%C3%A9.pdf` judged against another name than the server serves).
        for (written, lenient, strict) in [
            ("/caf%C3%A9.pdf", "/café.pdf", Some("/café.pdf")),
            ("/100%", "/100%", None),
            ("/a%2Fb", "/a/b", None),
            ("/a%5cb", "/a\\b", None),
            ("/%zz", "/%zz", None),
            ("/%FF", "/\u{fffd}", None),
            ("/plain/", "/plain/", Some("/plain/")),
        ] {
            assert_eq!(percent_decode(written), lenient, "{written}");
            assert_eq!(
                percent_decode_strict(written).as_deref(),
                strict,
                "{written}"
            );
        }
    }

    #[test]
    fn the_base_path_is_joined_and_taken_off_in_one_place() {
        // catches: a base path joined twice, or a slash lost between the
        // base path and the site path.
        for base in ["/", "/alumni/"] {
            for path in ["", "clubs/biotech/", "site.css"] {
                let url = address(base, path);
                assert!(url.starts_with(base) && url.ends_with(path), "{url}");
                assert_eq!(url.len(), base.len() + path.len());
                assert_eq!(site_path(base, &url), path);
            }
        }
        assert_eq!(address("/alumni/", "*"), "/alumni/*");
        assert_eq!(
            site_path("/alumni/", "https://example.org/x"),
            "https://example.org/x"
        );
    }

    #[test]
    fn schemes_are_told_as_a_browser_tells_them() {
        // catches: the link check and the relocation disagreeing again on
        // what leaves the site (one of them took `1a:b` for a scheme).
        for url in [
            "https://x.org",
            "mailto:a@b.fr",
            "data:,x",
            "tel:+33",
            "web+cal:x",
            "HTTPS://X",
        ] {
            assert!(has_scheme(url), "{url}");
            assert_eq!(target_of(url, "a/index.html", "/"), None, "{url}");
        }
        for url in ["1a:b", "photo.jpg", "./a:b", "a/b:c", ":x", "-a:b"] {
            assert!(!has_scheme(url), "{url}");
        }
        assert_eq!(
            target_of("1a:b", "news/index.html", "/").map(|t| t.0),
            Some("news/1a:b".to_string())
        );
        assert_eq!(
            resolve_relative("en/news/x/", "../y/plan.pdf").as_deref(),
            Some("en/news/y/plan.pdf")
        );
        assert_eq!(resolve_relative("en/", "../../x"), None);
        assert_eq!(
            resolve_relative("clubs/", "photos/").as_deref(),
            Some("clubs/photos/")
        );
    }

    #[test]
    fn resolves_link_targets() {
        assert_eq!(
            target_of("/alumni/clubs/#x", "index.html", "/alumni/"),
            Some(("clubs/index.html".into(), "x".into()))
        );
        assert_eq!(
            target_of("#top", "clubs/index.html", "/"),
            Some(("clubs/index.html".into(), "top".into()))
        );
        assert_eq!(
            target_of("poster.svg", "alter-ego/ep/index.html", "/"),
            Some(("alter-ego/ep/poster.svg".into(), String::new()))
        );
        assert_eq!(
            target_of("../", "clubs/a/index.html", "/"),
            Some(("clubs/index.html".into(), String::new()))
        );
        assert_eq!(
            target_of("/caf%C3%A9.pdf", "index.html", "/"),
            Some(("café.pdf".into(), String::new()))
        );
        // Below a base path, `/clubs/` leaves the site.
        assert!(
            target_of("/clubs/", "index.html", "/alumni/")
                .unwrap()
                .0
                .starts_with('\u{0}')
        );
        assert_eq!(
            target_of("/alumni", "index.html", "/alumni/"),
            Some(("index.html".into(), String::new()))
        );
        for external in [
            "https://example.org/",
            "mailto:a@b.c",
            "//cdn.example/x.js",
            "tel:+33",
            "javascript:alert(1)",
        ] {
            assert_eq!(target_of(external, "index.html", "/"), None, "{external}");
        }
    }
}
