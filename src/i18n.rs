//! Messages in French and English.
//!
//! Contributors and staff write French; engineers read English. Every
//! message the tool shows a person (diagnostics and their hints, the build
//! summary, `serve`'s terminal lines and browser overlay) is a [`Text`] that
//! holds both, written side by side at the place that decides it with the
//! [`tr!`](crate::tr) macro, so that a message cannot exist in one language
//! only. Which one is printed is decided once per run, by [`Lang::choose`]:
//! `--lang`, then the environment's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`:
//! `fr_*` gives French), English otherwise.

/// The language messages are printed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// `fr` or `en` (also `fr_FR.UTF-8`, `en-GB`: the part before `_`, `-`
    /// or `.`), or `None` for anything else.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of messages: `flag` (`--lang`) when given, then the first
    /// of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty, as
    /// POSIX orders them; French when it names French, English otherwise.
    pub fn choose(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(|| Lang::from_locale(|name| std::env::var(name).ok()))
    }

    /// [`Lang::choose`]'s reading of the locale variables, through `var`.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| var(name).filter(|v| !v.is_empty()))
            .and_then(|value| Lang::parse(&value))
            .unwrap_or_default()
    }

    /// The ISO 639-1 code (`en`, `fr`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
}

/// One message in English and in French.
///
/// It dereferences to its English text, the form that logs, sorting and
/// tests compare; printing for a person goes through [`Text::get`].
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text {
    /// The English text.
    pub en: String,
    /// The French text.
    pub fr: String,
}

impl Text {
    /// A message from its English and French texts.
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            fr: fr.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            // A text only some languages change (a name) may leave its
            // French empty: it reads as the English.
            Lang::Fr if self.fr.is_empty() => &self.en,
            Lang::Fr => &self.fr,
        }
    }

    /// Whether the French text is missing.
    pub fn lacks_french(&self) -> bool {
        self.fr.is_empty() && !self.en.is_empty()
    }

    /// Both texts with `f` applied (to add a prefix, join, quote).
    #[must_use]
    pub fn map(&self, mut f: impl FnMut(&str, Lang) -> String) -> Text {
        Text {
            en: f(&self.en, Lang::En),
            fr: f(&self.fr, Lang::Fr),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.en
    }
}

/// Compares the English text, as tests and logs do.
impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.en == *other
    }
}

/// Compares the English text, as tests and logs do.
impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.en == other
    }
}

/// Compares the English text, as tests and logs do.
impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        &self.en == other
    }
}

/// A [`Text`] from an English and a French format string, with the same
/// arguments: `tr!("{n} pages", "{n} pages")`, or with explicit arguments
/// after a semicolon: `tr!("{} built", "{} construit"; name)`.
#[macro_export]
macro_rules! tr {
    ($en:literal, $fr:literal $(,)?) => {
        $crate::i18n::Text::new(format!($en), format!($fr))
    };
    ($en:literal, $fr:literal; $($arg:expr),+ $(,)?) => {
        $crate::i18n::Text::new(format!($en, $($arg),+), format!($fr, $($arg),+))
    };
}

/// Bytes in a mebibyte.
const MIB: u64 = 1024 * 1024;

/// A size as people read it: `512 bytes`, `3.4 KiB`, `10.0 MiB`, `9.3 GiB`
/// (in French `512 octets`, `3,4 Kio`, `10,0 Mio`, `9,3 Gio`).
pub fn human_size(bytes: u64) -> Text {
    let b = bytes as f64;
    let (value, en, fr) = if bytes < 1024 {
        return tr!("{bytes} bytes", "{bytes} octets");
    } else if bytes < MIB {
        (b / 1024.0, "KiB", "Kio")
    } else if bytes < 1024 * MIB {
        (b / MIB as f64, "MiB", "Mio")
    } else {
        (b / (1024 * MIB) as f64, "GiB", "Gio")
    };
    let value = format!("{value:.1}");
    Text::new(
        format!("{value} {en}"),
        format!("{} {fr}", value.replace('.', ",")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_chooses_french_in_posix_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "fr_CA"),
                ("LANG", "C")
            ])),
            Lang::Fr
        );
        assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(Lang::choose(Some(Lang::Fr)), Lang::Fr);
    }

    #[test]
    fn tr_formats_both_languages_with_captured_and_explicit_arguments() {
        let n = 3;
        let t = tr!("{n} pages built", "{n} pages construites");
        assert_eq!(t.get(Lang::En), "3 pages built");
        assert_eq!(t.get(Lang::Fr), "3 pages construites");
        let t = tr!("{} of {}", "{} sur {}"; 1, n);
        assert_eq!((t.en.as_str(), t.fr.as_str()), ("1 of 3", "1 sur 3"));
    }
}
