//! Slugs: ASCII, lower-case, dash-separated names for URLs and heading ids.
//!
//! French text is folded to ASCII (`é` -> `e`, `œ` -> `oe`) by transliteration,
//! every run of other characters becomes one dash, and dashes never lead or
//! trail: `Club « Jacques Doucet, arts et patrimoine »` becomes
//! `club-jacques-doucet-arts-et-patrimoine`.

/// Turns any text into a URL-safe slug. Returns an empty string when the text
/// has no letter or digit at all; callers decide what that means.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            // Apostrophes join words in French ("l'enquête" -> "l-enquete"), like any separator.
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_french_to_ascii() {
        assert_eq!(
            slugify("Club « Jacques Doucet, arts et patrimoine »"),
            "club-jacques-doucet-arts-et-patrimoine"
        );
        assert_eq!(slugify("Événements à venir"), "evenements-a-venir");
        assert_eq!(slugify("Cœur d'Œuvre"), "coeur-d-oeuvre");
        assert_eq!(
            slugify("Faculté des Sciences & Ingénierie"),
            "faculte-des-sciences-ingenierie"
        );
    }

    #[test]
    fn never_leads_or_trails_with_a_dash() {
        assert_eq!(slugify("  --Hello, World!--  "), "hello-world");
        assert_eq!(slugify("«»"), "");
        assert_eq!(slugify("../../etc"), "etc");
    }
}
