//! Output claims: every path a build writes, claimed in one place.
//!
//! In: the assembled site (after fingerprinting, for a published build).
//! Out: the list of every output path with who claims it ([`planned`]), and
//! the diagnostics of [`check`]: two claims on one path (an error naming
//! both, a generated output by what it is: "the Atom feed of `clubs`"), and
//! names that some consumer of the output cannot take (a control
//! character, a `\`, a component over 255 bytes). Both run before anything
//! is rendered, so `alumni check` reports what `alumni build` would trip on.
//!
//! Claims come from the same lists the writers use: the render stage's HTML
//! outputs ([`crate::render::html_outputs`]), the publishing outputs
//! ([`crate::publish::reserved`]), aliases ([`crate::urls::alias_output`]) and the copied
//! files. A test builds the repository's site and finds every file written
//! among the claims.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::front_matter::FrontMatter;
use crate::i18n::{Lang, Text};
use crate::images::Images;
use crate::model::Site;
use crate::render::JobKind;
use crate::urls::alias_output;

/// Longest file or folder name a file system takes (ext4, APFS, NTFS).
const MAX_COMPONENT_BYTES: usize = 255;

/// Longest output path, in bytes, within what every file system takes.
const MAX_PATH_BYTES: usize = 1024;

/// Who claims an output path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Claimant<'a> {
    /// A source file, and where in it the claim is made.
    Source {
        /// Site-relative path (`content/clubs/x.md`).
        path: &'a str,
        /// Its text, to locate the claim (empty for files copied as they are).
        text: &'a str,
        /// The front matter and key that chose the path (`slug:`,
        /// `aliases:`); `None`: the file's start. Looked up only for a
        /// diagnostic: placing keys means reading the YAML again.
        key: Option<ChosenBy<'a>>,
        /// Whether the source chose this path itself (`slug:` or `aliases:`)
        /// rather than getting it from its file name: that one is blamed.
        chose: bool,
    },
    /// An output the build makes, by what it is ("the sitemap").
    Generated(Text),
}

/// The front matter and the key in it that chose a path. Claimants are
/// alike by their file's path and text and this key: a page and its
/// fallback in another language (a copy of its front matter) are one.
#[derive(Clone, Copy, Debug)]
pub struct ChosenBy<'a>(&'a FrontMatter, &'static str);

impl PartialEq for ChosenBy<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
    }
}

impl Eq for ChosenBy<'_> {}

impl std::hash::Hash for ChosenBy<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.1.hash(state);
    }
}

impl Claimant<'_> {
    fn name(&self) -> Text {
        match self {
            // A file name reads the same in both languages.
            Claimant::Source { path, .. } => tr!("`{path}`", "`{path}`"),
            Claimant::Generated(what) => what.clone(),
        }
    }

    /// Sources sort by path; generated outputs after them.
    fn key(&self) -> (u8, &str) {
        match self {
            Claimant::Source { path, .. } => (0, path),
            Claimant::Generated(what) => (1, what),
        }
    }
}

/// `sentence`, in English and in French, with the French texts of `names`
/// in the French one (their English where a name has no French yet).
fn with_names(names: &[Text], sentence: impl Fn(&[&str], Lang) -> String) -> Text {
    let of = |lang| names.iter().map(|n| n.get(lang)).collect::<Vec<_>>();
    Text::new(
        sentence(&of(Lang::En), Lang::En),
        sentence(&of(Lang::Fr), Lang::Fr),
    )
}

/// Every output path of `site` and of its planned `images` with its
/// claimants, in path order. Invalid aliases are left out (reported by
/// [`check`]).
pub fn planned<'a>(site: &'a Site, images: &'a Images) -> BTreeMap<String, Vec<Claimant<'a>>> {
    let mut claims: BTreeMap<String, Vec<Claimant<'a>>> = BTreeMap::new();
    let mut claim = |path: String, who: Claimant<'a>| {
        claims.entry(path).or_default().push(who);
    };
    let languages = site.config.languages.len() > 1;
    let in_lang = |lang: &str| {
        if languages {
            format!(" ({lang})")
        } else {
            String::new()
        }
    };
    for (output, kind, lang) in crate::render::html_outputs(site) {
        claim(output, html_claimant(site, kind, &in_lang(&lang)));
    }
    for (output, what) in crate::publish::reserved(site) {
        claim(output, Claimant::Generated(what));
    }
    for p in site.pages.iter().filter(|p| !p.fallback) {
        let d = &p.document;
        for alias in &d.front.aliases {
            if let Ok(output) = alias_output(alias) {
                claim(
                    output,
                    Claimant::Source {
                        path: &d.file.path,
                        text: &d.file.text,
                        key: Some(ChosenBy(&d.front, "aliases")),
                        chose: true,
                    },
                );
            }
        }
    }
    for c in &site.copies {
        claim(
            c.output.clone(),
            Claimant::Source {
                path: &c.file.path,
                text: "",
                key: None,
                chose: false,
            },
        );
    }
    // An image's variants, beside it: claimed by its source, so that a file
    // of the same name is an error naming both.
    for image in images.iter() {
        for v in image.variants.iter().skip(1) {
            claim(
                v.output.clone(),
                Claimant::Source {
                    path: &image.source,
                    text: "",
                    key: None,
                    chose: false,
                },
            );
        }
    }
    claims
}

/// Who claims an HTML output of the render stage, of the `kind` given:
/// its source, or what the build generates (`in_lang` follows its name on
/// a site of several languages). Sections and terms are named by their
/// folder and value, the same in both languages.
fn html_claimant<'a>(site: &'a Site, kind: JobKind, in_lang: &str) -> Claimant<'a> {
    match kind {
        JobKind::Page(i) => {
            let d = &site.pages[i].document;
            Claimant::Source {
                path: &d.file.path,
                text: &d.file.text,
                key: Some(ChosenBy(&d.front, "slug")),
                chose: d.front.slug.is_some(),
            }
        }
        JobKind::Section { index, pager: 1 } => match &site.sections[index].document {
            Some(d) => Claimant::Source {
                path: &d.file.path,
                text: &d.file.text,
                key: None,
                chose: false,
            },
            None => Claimant::Generated(tr!(
                "the home page{}",
                "la page d'accueil{}";
                in_lang
            )),
        },
        JobKind::Section { index, pager } => {
            let s = &site.sections[index];
            Claimant::Generated(tr!(
                "page {pager} of the list of `{}`{}",
                "la page {pager} de la liste de `{}`{}";
                if s.folder.is_empty() { "/" } else { &s.folder },
                in_lang
            ))
        }
        JobKind::TaxonomyList(t) => Claimant::Generated(tr!(
            "the list of `{}`{}",
            "la liste de `{}`{}";
            site.taxonomies[t].name,
            in_lang
        )),
        JobKind::Term {
            taxonomy,
            term,
            pager,
        } => {
            let t = &site.taxonomies[taxonomy];
            let (name, value, l) = (&t.name, &t.terms[term].name, in_lang);
            Claimant::Generated(tr!(
                "page {pager} of the `{name}` value `{value}`{l}",
                "la page {pager} de la valeur `{value}` de `{name}`{l}"
            ))
        }
        JobKind::NotFound => Claimant::Generated(tr!("the 404 page{}", "la page 404{}"; in_lang)),
    }
}

/// The claims' problems: invalid aliases, unsafe names, and paths claimed twice.
pub fn check(site: &Site, images: &Images) -> Vec<Diagnostic> {
    let mut errors = alias_errors(site);
    let planned = planned(site, images);
    let folders = crate::publish::reserved_folders(site);
    for (output, claimants) in &planned {
        if let Some((folder, what)) = folders.iter().find(|(f, _)| output.starts_with(f.as_str())) {
            errors.extend(in_reserved_folder(output, claimants, folder, what));
        }
    }
    // A claimant hashes its key's name, never the key places made on
    // demand in its front matter.
    #[expect(clippy::mutable_key_type, reason = "ChosenBy hashes a key name")]
    let mut named_badly = std::collections::HashSet::new();
    for (output, claimants) in &planned {
        let output = output.as_str();
        errors.extend(file_in_the_way(&planned, output, claimants));
        // A generated output's name comes from a source's (a feed's from
        // its section's folder), which is reported once, on its own path.
        let source = claimants
            .iter()
            .find(|c| matches!(c, Claimant::Source { .. }));
        if let (Some(why), Some(who)) = (unsafe_name(output), source) {
            if named_badly.insert(who.clone()) {
                errors.push(badly_named(output, who, &why));
            }
        }
        errors.extend(collision(output, claimants));
    }
    errors
}

/// The errors of the aliases that cannot be output paths, on the pages
/// that give them.
fn alias_errors(site: &Site) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for p in site.pages.iter().filter(|p| !p.fallback) {
        let d = &p.document;
        for alias in &d.front.aliases {
            if let Err(why) = alias_output(alias) {
                errors.push(
                    Diagnostic::error(
                        &d.file.path,
                        why.map(|why, lang| match lang {
                            Lang::En => {
                                format!("`{}` cannot be an alias: {why}", alias.escape_debug())
                            }
                            Lang::Fr => format!(
                                "`{}` ne peut pas être un alias : {why}",
                                alias.escape_debug()
                            ),
                        }),
                    )
                    .at_offset(&d.file.text, d.front.offset_of("aliases"))
                    .with_hint(tr!(
                        "write an old address of the page, like /clubs/ancien-nom/",
                        "écrivez une ancienne adresse de la page, comme /clubs/ancien-nom/"
                    )),
                );
            }
        }
    }
    errors
}

/// The errors of the sources among `claimants` of `output`, which lies in
/// the `folder` the build reserves for `what`.
fn in_reserved_folder(
    output: &str,
    claimants: &[Claimant<'_>],
    folder: &str,
    what: &Text,
) -> Vec<Diagnostic> {
    claimants
        .iter()
        .filter(|c| matches!(c, Claimant::Source { .. }))
        .map(|who| {
            located(
                who,
                with_names(&[who.name()], |n, lang| match lang {
                    Lang::En => format!(
                        "{} would write `/{output}`, inside `/{folder}`, the folder of {}",
                        n[0],
                        what.get(lang)
                    ),
                    Lang::Fr => format!(
                        "{} écrirait `/{output}`, dans `/{folder}`, le dossier de {}",
                        n[0],
                        what.get(lang)
                    ),
                }),
            )
            .with_hint(own_address())
        })
        .collect()
}

/// The error when `output` needs a folder where another claim is a file:
/// `sitemap.xml/index.html` (the alias `/sitemap.xml`) beside the sitemap,
/// whose write would fail. On a source among `claimants` if there is one.
fn file_in_the_way(
    planned: &BTreeMap<String, Vec<Claimant<'_>>>,
    output: &str,
    claimants: &[Claimant<'_>],
) -> Option<Diagnostic> {
    let mut folder = output;
    while let Some((parent, _)) = folder.rsplit_once('/') {
        folder = parent;
        if let Some(file_claimants) = planned.get(folder) {
            let who = claimants
                .iter()
                .find(|c| matches!(c, Claimant::Source { .. }))
                .unwrap_or(&claimants[0]);
            return Some(
                located(
                    who,
                    with_names(&[who.name(), file_claimants[0].name()], |n, lang| match lang {
                        Lang::En => format!(
                            "{} needs a folder `/{folder}/` for `/{output}`, but {} is the file `/{folder}`",
                            n[0], n[1]
                        ),
                        Lang::Fr => format!(
                            "{} a besoin d'un dossier `/{folder}/` pour `/{output}`, mais {} est le fichier `/{folder}`",
                            n[0], n[1]
                        ),
                    }),
                )
                .with_hint(own_address()),
            );
        }
    }
    None
}

/// The error on `who` for its `output`, whose name some consumer cannot
/// take (`why`), shown cut to 80 characters.
fn badly_named(output: &str, who: &Claimant<'_>, why: &Text) -> Diagnostic {
    let shown: String = output.chars().take(80).collect();
    let cut = if shown.len() < output.len() {
        "…"
    } else {
        ""
    };
    located(
        who,
        why.map(|why, lang| match lang {
            Lang::En => format!("the output `{}{cut}` {why}", shown.escape_debug()),
            Lang::Fr => format!("la sortie `{}{cut}` {why}", shown.escape_debug()),
        }),
    )
    .with_hint(tr!(
        "choose a shorter name of letters, digits and hyphens",
        "choisissez un nom plus court, fait de lettres, de chiffres et de tirets"
    ))
}

/// The error when several `claimants` produce `output`, naming them all:
/// on the source that chose the path, else on the later source. None when
/// only generated outputs meet there: they meet only where the pages or
/// sections they belong to do, and that collision is reported on its own.
fn collision(output: &str, claimants: &[Claimant<'_>]) -> Option<Diagnostic> {
    if claimants.len() < 2 {
        return None;
    }
    let mut sorted: Vec<&Claimant<'_>> = claimants.iter().collect();
    sorted.sort_by(|a, b| a.key().cmp(&b.key()));
    sorted.dedup();
    if sorted.len() < 2 || matches!(sorted[0], Claimant::Generated(_)) {
        return None;
    }
    let (first, second) = (sorted[0], sorted[1]);
    let chose = |c: &Claimant<'_>| matches!(c, Claimant::Source { chose: true, .. });
    let blamed = match (first, second) {
        (a, Claimant::Generated(_)) => a,
        (a, b) if chose(a) && !chose(b) => a,
        (_, b) => b,
    };
    let names = sorted.iter().map(|c| c.name()).collect::<Vec<_>>();
    let message = with_names(&names, |n, lang| match (n, lang) {
        ([a, b], Lang::En) => format!("{a} and {b} both produce `/{output}`"),
        ([a, b], Lang::Fr) => format!("{a} et {b} produisent tous deux `/{output}`"),
        (_, Lang::En) => format!("{} all produce `/{output}`", n.join(", ")),
        (_, Lang::Fr) => format!("{} produisent tous `/{output}`", n.join(", ")),
    });
    let hint = if matches!(second, Claimant::Generated(_)) {
        own_address()
    } else {
        tr!(
            "give one of them another file name or `slug:`",
            "donnez à l'un d'eux un autre nom de fichier ou `slug:`"
        )
    };
    Some(located(blamed, message).with_hint(hint))
}

/// A diagnostic on `who`: at its claim in its text, or on the config for a
/// generated output.
fn located(who: &Claimant<'_>, message: Text) -> Diagnostic {
    match who {
        Claimant::Source {
            path, text, key, ..
        } => {
            let d = Diagnostic::error(*path, message);
            if text.is_empty() {
                d
            } else {
                let offset = key.map_or(0, |ChosenBy(front, key)| front.offset_of(key));
                d.at_offset(text, offset)
            }
        }
        Claimant::Generated(_) => Diagnostic::error(crate::config::CONFIG_PATH, message),
    }
}

/// Why `output` is a name some consumer of the output cannot take: control
/// characters (which would add lines to `_redirects`, the manifest or an
/// upload plan), a backslash, a component or path too long for file systems.
fn unsafe_name(output: &str) -> Option<Text> {
    if let Some(c) = output.chars().find(|c| c.is_control() || *c == '\\') {
        return Some(tr!(
            "holds the character {}",
            "contient le caractère {}";
            c.escape_debug()
        ));
    }
    if let Some(long) = output.split('/').find(|c| c.len() > MAX_COMPONENT_BYTES) {
        return Some(tr!(
            "has a name of {} bytes (`{}…`), more than the {MAX_COMPONENT_BYTES} file systems take",
            "a un nom de {} octets (`{}…`), plus que les {MAX_COMPONENT_BYTES} que prennent les systèmes de fichiers";
            long.len(),
            long.chars().take(30).collect::<String>()
        ));
    }
    (output.len() > MAX_PATH_BYTES).then(|| {
        tr!(
            "is longer than {MAX_PATH_BYTES} bytes",
            "dépasse {MAX_PATH_BYTES} octets"
        )
    })
}

/// The hint on an address the site makes itself.
fn own_address() -> Text {
    tr!(
        "this address is the site's own: choose another file name, `slug:` or alias",
        "cette adresse est celle du site lui-même : choisissez un autre nom de fichier, `slug:` ou alias"
    )
}

#[cfg(test)]
mod tests {
    use super::{alias_output, unsafe_name};

    #[test]
    fn aliases_are_rooted_url_safe_words() {
        assert_eq!(
            alias_output("/ancien/chemin/").as_deref(),
            Ok("ancien/chemin/index.html")
        );
        assert_eq!(alias_output("/club").as_deref(), Ok("club/index.html"));
        assert_eq!(alias_output("/vieux.html").as_deref(), Ok("vieux.html"));
        assert_eq!(
            alias_output("/événements/2025/").as_deref(),
            Ok("événements/2025/index.html")
        );
        for bad in [
            "ancien/",
            "/",
            "/a\n/* https://evil.example 200",
            "/a b/",
            "/a\\b/",
            "/a?b",
            "/a#b",
            "/%0a/",
            "/a/*",
            "/:splat/",
            "//evil.example/",
            "/../x/",
            "/a/./b/",
            "/a\u{85}b/",
            "/.alumni-manifest.json",
            "/.well-known/x/",
        ] {
            let why = alias_output(bad).expect_err(bad);
            assert!(!why.lacks_french() && why.en != why.fr, "{why:?}");
        }
        assert!(alias_output(&format!("/{}/", "a".repeat(300))).is_err());
    }

    #[test]
    fn names_consumers_cannot_take() {
        assert!(unsafe_name("a/b/index.html").is_none());
        let why = unsafe_name("a\nb/index.html").expect("a line break is refused");
        assert_eq!(why.fr, "contient le caractère \\n");
        assert!(unsafe_name("a\u{7f}/index.html").is_some());
        assert!(unsafe_name(&format!("{}/index.html", "a".repeat(256))).is_some());
        assert!(unsafe_name(&format!("{}/index.html", "é".repeat(128))).is_some());
    }
}
