//! The `images:` settings of `content/site.yaml`: what the config reads
//! and checks, kept apart from the images stage that uses them so that the
//! config does not depend on that stage.

use serde::Deserialize;

use crate::i18n::Text;

/// The `images:` settings of `content/site.yaml`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Widths of the variants, in pixels.
    #[serde(default = "Settings::default_widths")]
    pub widths: Vec<u32>,
    /// Widths also made for the images of `image` fields, which themes
    /// show small (logos, posters and portraits on cards).
    #[serde(default = "Settings::default_small_widths")]
    pub small_widths: Vec<u32>,
    /// The `sizes` attribute of images that say nothing of their size.
    #[serde(default = "Settings::default_sizes")]
    pub sizes: String,
    /// JPEG and lossy WebP quality, 1 to 100.
    #[serde(default = "Settings::default_quality")]
    pub quality: u8,
    /// Pixels of one image, at most (width x height).
    #[serde(default = "Settings::default_max_pixels")]
    pub max_pixels: u64,
    /// Bytes of one image file above which it is an error in an untrusted
    /// page and a warning elsewhere.
    #[serde(default = "Settings::default_max_bytes")]
    pub max_bytes: u64,
    /// The cache folder, relative to the site's root.
    #[serde(default = "Settings::default_cache_dir")]
    pub cache_dir: String,
}

impl Settings {
    fn default_widths() -> Vec<u32> {
        vec![480, 960, 1600]
    }
    fn default_small_widths() -> Vec<u32> {
        vec![160, 320]
    }

    fn default_sizes() -> String {
        "(max-width: 44rem) calc(100vw - 2rem), 42rem".to_string()
    }
    fn default_quality() -> u8 {
        80
    }
    fn default_max_pixels() -> u64 {
        64_000_000
    }
    fn default_max_bytes() -> u64 {
        8 * 1024 * 1024
    }
    fn default_cache_dir() -> String {
        ".alumni-cache".to_string()
    }

    /// What is wrong with these settings, as (key, message, hint).
    pub fn problems(&self) -> Vec<(&'static str, Text, Text)> {
        let mut out = Vec::new();
        if self.widths.is_empty() || self.widths.iter().any(|w| !(16..=8192).contains(w)) {
            out.push((
                "widths",
                tr!(
                    "`images.widths` must list widths from 16 to 8192 pixels",
                    "`images.widths` doit lister des largeurs de 16 à 8192 pixels"
                ),
                tr!(
                    "for example `widths: [480, 960, 1600]`",
                    "par exemple `widths: [480, 960, 1600]`"
                ),
            ));
        }
        if self.small_widths.iter().any(|w| !(16..=8192).contains(w)) {
            out.push((
                "small_widths",
                tr!(
                    "`images.small_widths` must list widths from 16 to 8192 pixels",
                    "`images.small_widths` doit lister des largeurs de 16 à 8192 pixels"
                ),
                tr!(
                    "for example `small_widths: [160, 320]`, or `[]` for none",
                    "par exemple `small_widths: [160, 320]`, ou `[]` pour aucune"
                ),
            ));
        }
        if !(1..=100).contains(&self.quality) {
            out.push((
                "quality",
                tr!(
                    "`images.quality` must be from 1 to 100",
                    "`images.quality` doit aller de 1 à 100"
                ),
                tr!(
                    "80 is a good balance of weight and look",
                    "80 est un bon équilibre entre poids et rendu"
                ),
            ));
        }
        let dir = self.cache_dir.trim_start_matches("./");
        if dir.is_empty()
            || ["content", "themes", "src", "public"]
                .iter()
                .any(|p| dir == *p || dir.starts_with(&format!("{p}/")))
        {
            out.push((
                "cache_dir",
                tr!(
                    "`images.cache_dir` cannot be `{}`: the cache must be a folder of its own, outside the sources and the output",
                    "`images.cache_dir` ne peut pas être `{}` : le cache doit être un dossier à part, hors des sources et de la sortie";
                    self.cache_dir
                ),
                tr!(
                    "keep the default, `.alumni-cache`, or name another folder",
                    "gardez la valeur par défaut, `.alumni-cache`, ou nommez un autre dossier"
                ),
            ));
        }
        out
    }

    /// The widths, sorted, without repeats; with the small ones for an
    /// image of an `image` field (`field`).
    pub(crate) fn sorted_widths(&self, field: bool) -> Vec<u32> {
        let mut widths = self.widths.clone();
        if field {
            widths.extend_from_slice(&self.small_widths);
        }
        widths.sort_unstable();
        widths.dedup();
        widths
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            widths: Settings::default_widths(),
            small_widths: Settings::default_small_widths(),
            sizes: Settings::default_sizes(),
            quality: Settings::default_quality(),
            max_pixels: Settings::default_max_pixels(),
            max_bytes: Settings::default_max_bytes(),
            cache_dir: Settings::default_cache_dir(),
        }
    }
}
