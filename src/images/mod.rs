//! Images stage: every raster image of the site published small, private
//! and fast, without anyone asking.
//!
//! In: the files to copy ([`crate::model::Copy`]), the images that pages'
//! `image` fields name, and the `images:` settings of `content/site.yaml`.
//! Out, in two steps:
//!
//! 1. [`plan`] (every command, `check` included): reads each image's header
//!    only, never its pixels, and decides every output: the original, its
//!    resized variants and, for images of `image` fields, a 1200 x 630
//!    Open Graph crop. Their names come from the header alone, so `check`
//!    knows every `srcset` URL without processing anything, and judges
//!    sizes and limits ([`Images`], plus located problems).
//! 2. [`publish`] (`build` and `serve`): makes one image's outputs, from
//!    the [`cache`] or by decoding once and encoding each, as cache
//!    entries that `build` hard-links into its output; an unchanged
//!    source is not even read ([`cache::Sources`]). `serve` calls it when
//!    a variant is first asked for, or in the background ([`lazy`]).
//!
//! The HTML side ([`html::rewrite`]) turns every `<img>` of every rendered
//! page that shows a planned image into a responsive one; templates get the
//! same through the `image()` function ([`Image::to_value`]).
//!
//! Decisions:
//!
//! - **Where variants live**: beside the original, the width in the name:
//!   `photo.jpg` gives `photo.480w.jpg`, `photo.480w.webp`, ...,
//!   `photo.og.jpg`. Readable, computed from the header, and claimed like
//!   every output, so a file of that name beside it is an error, not a
//!   silent replacement.
//! - **Widths**: `images.widths`, default 480, 960 and 1600 (a phone, a
//!   phone at twice its density or a tablet, a wide screen at twice its
//!   density over the theme's 42rem column). Images of `image` fields
//!   (logos, posters, portraits), which themes also show small on lists
//!   and beside a page's title, get `images.small_widths` too, default 160
//!   and 320: a 72 or 128 CSS-pixel card image at a phone's density of 2
//!   or 3 then loads a 160 or 320 wide file, not the 480 of the column's
//!   smallest width (nine and two times fewer pixels). Never upscaled: widths at or
//!   above the image's own are replaced by the image's own width, served
//!   by the original in its format.
//! - **Formats**: WebP and the original's format (JPEG stays JPEG, PNG
//!   stays PNG) in a `<picture>`; a WebP source gets WebP alone. Quality
//!   `images.quality` (default 80) for JPEG and lossy WebP; WebP from a PNG
//!   is lossless (PNGs are logos, drawings and screenshots: flat colours
//!   and text that lossy coding smears). No AVIF.
//! - **`sizes`**: `images.sizes`, default `(max-width: 44rem) calc(100vw -
//!   2rem), 42rem`: the theme's text column. An `<img>` with a `width`
//!   attribute (a logo) gets `sizes="<width>px"`; one with `sizes` keeps it.
//! - **Loading**: `loading="lazy"` and `decoding="async"` on every image but
//!   the first of each page (likely the largest thing seen first), unless
//!   the markup says otherwise.
//! - **Privacy**: no output keeps Exif, XMP, IPTC, comments or text
//!   chunks, the original included. The original is published without
//!   re-encoding, its metadata segments cut out ([`strip`]), when it needs
//!   no turning; a photo with an Exif orientation is turned, then
//!   re-encoded at full size (quality 90). Colour profiles stay (see
//!   [`process`]). AVIF and HEIF files (`.avif`, `.heic`...) are not
//!   images of this stage: no decoder of ours reads them, so they are
//!   published as they are, and only when they carry nothing to cut out.
//!   Their boxes are walked ([`image_probe::iso_metadata`]): an `Exif` item, an
//!   XMP item (`mime`, of type `application/rdf+xml`), an XMP `uuid` box
//!   or a movie's user data (`udta`), or boxes that cannot be walked, make
//!   a located error at the file for everyone, staff and clubs alike
//!   ([`iso_image_problem`]), telling them to export it
//!   without metadata or as JPEG or PNG. Editing the boxes ourselves would
//!   mean rewriting the item locations (`iloc`) of every picture; the
//!   error costs a contributor one export.
//! - **Limits**: over `images.max_pixels` (default 64 megapixels) an image
//!   is refused before decoding, for everyone: the limit on what one
//!   decode may cost. Over `images.max_bytes` (default 8 MiB) it is an
//!   error in an untrusted page (a club leader sends a smaller photo) and a
//!   warning for staff, published all the same. A file whose header cannot
//!   be read, or whose end is missing, is an error at its path.
//! - **What is published as it is** (metadata cut out, no variants):
//!   animated GIF, APNG and WebP, every GIF (its palette is its look), and
//!   SVG, staff's and clubs' alike without `<metadata>`, comments and
//!   editors' attributes ([`strip::svg`]: Inkscape's export path holds the
//!   author's user name); beside untrusted pages first judged by
//!   [`crate::attachment`], which refuses any that could run script.
//! - **Cache**: `images.cache_dir`, default `.alumni-cache/` at the site's
//!   root (git-ignored), images under `images/`. See [`cache`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::image_settings::Settings;
use crate::model::Copy;

pub(crate) mod cache;
pub(crate) mod html;
pub(crate) mod lazy;
pub(crate) mod process;
pub(crate) mod strip;

pub(crate) use crate::image_probe::Format;
use crate::image_probe::{self, iso_image_problem};
use process::{Encoding, Shape};

/// The version of what processing makes, in every cache key: raise it when
/// a change to this module changes the bytes of an output.
const PIPELINE: u32 = 2;

/// Quality of a full-size original re-encoded to turn it upright.
const FULL_QUALITY: u8 = 90;

/// The Open Graph image's size (what link previews ask for).
pub(crate) const OG_SIZE: (u32, u32) = (1200, 630);

/// What an output of an image is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The original, at its own size (metadata removed).
    Original,
    /// A width of the `srcset`.
    Width,
    /// The 1200 x 630 Open Graph crop.
    OpenGraph,
}

/// One output of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// Its output path (`clubs/biotech/photo.480w.webp`).
    pub output: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Its format.
    pub format: Format,
    /// What it is for.
    pub role: Role,
}

/// A raster image of the site, planned.
#[derive(Clone, Debug)]
pub struct Image {
    /// Site-relative path of the source (`content/clubs/biotech/photo.jpg`).
    pub source: String,
    /// Where to read it.
    pub abs: PathBuf,
    /// Its format, from its bytes.
    pub format: Format,
    /// Width as seen (orientation applied).
    pub width: u32,
    /// Height as seen.
    pub height: u32,
    /// Published as it is (metadata removed): animated, or a GIF.
    pub as_is: bool,
    /// Turned upright and re-encoded rather than published as stored.
    pub turned: bool,
    /// Every output, the original first, then by role and width.
    pub variants: Vec<Variant>,
}

impl Image {
    /// The original's output path.
    pub fn output(&self) -> &str {
        &self.variants[0].output
    }

    /// The outputs of the `srcset` in `format` (the original when it is of
    /// that format and of one of the widths), narrowest first.
    pub fn srcset_of(&self, format: Format) -> Vec<&Variant> {
        let mut list: Vec<&Variant> = self
            .variants
            .iter()
            .filter(|v| v.format == format && v.role != Role::OpenGraph)
            .filter(|v| v.role == Role::Width || self.covers_own_width())
            .collect();
        list.sort_by_key(|v| v.width);
        list
    }

    /// Whether the image's own width is one of its `srcset` widths (the
    /// configured widths reach it).
    fn covers_own_width(&self) -> bool {
        self.variants
            .iter()
            .any(|v| v.role == Role::Width && v.width == self.width)
            || self.variants.iter().all(|v| v.role != Role::Width)
    }

    /// The formats its `srcset`s come in: WebP first when it has both.
    pub fn formats(&self) -> Vec<Format> {
        if self.as_is {
            return vec![self.format];
        }
        let mut formats = vec![Format::WebP];
        if self.format != Format::WebP {
            formats.push(self.format);
        }
        formats
    }

    /// The Open Graph crop, when one is planned.
    pub fn open_graph(&self) -> Option<&Variant> {
        self.variants.iter().find(|v| v.role == Role::OpenGraph)
    }

    /// The output `src` shows: the widest of the original's format.
    pub fn fallback(&self) -> &Variant {
        self.srcset_of(self.format)
            .last()
            .copied()
            .unwrap_or(&self.variants[0])
    }
}

/// How a template shows an image (the arguments of `image()` besides the
/// image itself).
#[derive(Clone, Debug, Default)]
pub struct Shown<'a> {
    /// Its alternative text.
    pub alt: &'a str,
    /// The width it is shown at, in CSS pixels, when the template fixes it
    /// (a logo): its `sizes` then says so, and its height follows.
    pub width: Option<u32>,
    /// A `sizes` of the template's own, over the one `width` or the
    /// settings give.
    pub sizes: Option<&'a str>,
}

/// One output as templates see it.
#[derive(serde::Serialize)]
struct OutputValue {
    url: String,
    width: u32,
    height: u32,
    #[serde(rename = "type")]
    media_type: &'static str,
}

/// What `image()` hands a template; see [`Image::to_value`].
#[derive(serde::Serialize)]
struct ImageValue<'a> {
    src: String,
    width: u32,
    height: u32,
    alt: &'a str,
    #[serde(rename = "type")]
    media_type: &'static str,
    srcset: Option<String>,
    webp: Option<String>,
    sizes: Option<String>,
    original: OutputValue,
    og: Option<OutputValue>,
}

impl Image {
    /// The image as the template function `image()` returns it: `src` (the
    /// widest output of the original's format), `width` and `height` (as
    /// shown), `alt`, `type` (of `src`), `srcset` (the original's format),
    /// `webp` (the WebP `srcset`, none when WebP is the only format),
    /// `sizes`, `original` and `og` (`url`, `width`, `height`, `type`;
    /// `og.url` absolute, as link previews need; `og` none unless an Open
    /// Graph crop is planned, that is for images of `image` fields). An
    /// image published as it is (a GIF) has no `srcset`, `webp` nor
    /// `sizes`. URLs are under `base_path`; `base_url` has no trailing
    /// slash.
    pub fn to_value(
        &self,
        settings: &Settings,
        base_path: &str,
        base_url: &str,
        shown: &Shown<'_>,
    ) -> tera::Value {
        let output = |v: &Variant, url: String| OutputValue {
            url,
            width: v.width,
            height: v.height,
            media_type: v.format.media_type(),
        };
        let fallback = self.fallback();
        let (width, height) = match shown.width {
            Some(w) => (w, process::scaled_height(self.width, self.height, w)),
            None => (fallback.width, fallback.height),
        };
        let sizes = match (shown.sizes, shown.width) {
            (Some(s), _) => s.to_string(),
            (None, Some(w)) => format!("{w}px"),
            (None, None) => settings.sizes.clone(),
        };
        let formats = self.formats();
        let value = ImageValue {
            src: html::url_path(base_path, &fallback.output),
            width,
            height,
            alt: shown.alt,
            media_type: fallback.format.media_type(),
            srcset: (!self.as_is).then(|| html::srcset(base_path, &self.srcset_of(self.format))),
            webp: (formats.len() > 1 && formats.contains(&Format::WebP))
                .then(|| html::srcset(base_path, &self.srcset_of(Format::WebP))),
            sizes: (!self.as_is).then_some(sizes),
            original: output(&self.variants[0], html::url_path(base_path, self.output())),
            og: self
                .open_graph()
                .map(|v| output(v, format!("{base_url}/{}", html::url_path("", &v.output)))),
        };
        tera::Value::from_serializable(&value)
    }
}

/// Every planned image, by the output path of its original.
#[derive(Clone, Debug, Default)]
pub struct Images {
    /// The settings they were planned with.
    pub settings: Settings,
    by_output: BTreeMap<String, Image>,
    /// Output path of every variant -> output path of its original.
    variants: HashMap<String, String>,
}

impl Images {
    /// The image whose original is published at `output`.
    pub fn get(&self, output: &str) -> Option<&Image> {
        self.by_output.get(output)
    }

    /// Whether `output` is an output of a planned image (original or variant).
    pub fn is_output(&self, output: &str) -> bool {
        self.variants.contains_key(output)
    }

    /// Where each planned image's original is published.
    pub fn originals(&self) -> impl Iterator<Item = &str> {
        self.by_output.keys().map(String::as_str)
    }

    /// Every planned image.
    pub fn iter(&self) -> impl Iterator<Item = &Image> {
        self.by_output.values()
    }

    /// How many images are planned.
    pub fn len(&self) -> usize {
        self.by_output.len()
    }

    /// Whether no image is planned.
    pub fn is_empty(&self) -> bool {
        self.by_output.is_empty()
    }
}

#[cfg(test)]
impl Images {
    /// One image planned as [`plan`] plans it from its header: published
    /// at `output` from `source`, for the tests of what reads the plan.
    pub(crate) fn with_one(
        output: &str,
        source: &str,
        format: Format,
        size: (u32, u32),
        open_graph: bool,
    ) -> Images {
        let settings = Settings::default();
        let variants = variants_of(output, format, size, &settings, open_graph);
        let mut images = Images {
            settings,
            ..Images::default()
        };
        for v in &variants {
            images.variants.insert(v.output.clone(), output.to_string());
        }
        images.by_output.insert(
            output.to_string(),
            Image {
                source: source.to_string(),
                abs: PathBuf::from("/nowhere"),
                format,
                width: size.0,
                height: size.1,
                as_is: false,
                turned: false,
                variants,
            },
        );
        images
    }
}

/// `output` with `.{tag}.{ext}` in place of its extension.
fn variant_name(output: &str, tag: &str, ext: &str) -> String {
    let (stem, _) = output.rsplit_once('.').unwrap_or((output, ""));
    format!("{stem}.{tag}.{ext}")
}

/// The outputs of an image whose original is published at `output`.
fn variants_of(
    output: &str,
    format: Format,
    (width, height): (u32, u32),
    settings: &Settings,
    open_graph: bool,
) -> Vec<Variant> {
    let mut list = vec![Variant {
        output: output.to_string(),
        width,
        height,
        format,
        role: Role::Original,
    }];
    let widths = settings.sorted_widths(open_graph);
    let mut shown: Vec<u32> = widths.iter().copied().filter(|w| *w < width).collect();
    if widths.iter().any(|w| *w >= width) {
        shown.push(width);
    }
    for w in shown {
        let h = process::scaled_height(width, height, w);
        for f in [Format::WebP, format] {
            // The original serves its own width in its own format.
            if w == width && f == format {
                continue;
            }
            if f == Format::WebP && format == Format::WebP && list.iter().any(|v| v.width == w) {
                continue;
            }
            list.push(Variant {
                output: variant_name(output, &format!("{w}w"), f.extension()),
                width: w,
                height: h,
                format: f,
                role: Role::Width,
            });
        }
    }
    // A WebP source has one format: its variants were added once above.
    list.dedup_by(|a, b| a.output == b.output);
    if open_graph {
        let (ow, oh) = OG_SIZE;
        // The largest crop of the Open Graph proportions, never upscaled.
        let crop_w = u64::from(width).min(u64::from(height) * u64::from(ow) / u64::from(oh));
        let w = u32::try_from(crop_w.min(u64::from(ow)))
            .unwrap_or(ow)
            .max(1);
        let h = process::scaled_height(ow, oh, w);
        let f = if format == Format::Png {
            Format::Png
        } else {
            Format::Jpeg
        };
        list.push(Variant {
            output: variant_name(output, "og", f.extension()),
            width: w,
            height: h,
            format: f,
            role: Role::OpenGraph,
        });
    }
    list
}

/// What reading a file's header found: nothing when it holds no image of
/// ours, else its header and length.
type Header = Result<Option<(image_probe::Header, u64)>, Diagnostic>;

/// The header of the file at `abs` (`path` in diagnostics): the one
/// `sources` remembers for its present stat, else read (and remembered
/// when it is an image's).
fn header_of(path: &str, abs: &std::path::Path, sources: &cache::Sources) -> Header {
    let seen = match sources.header(abs) {
        Ok(Ok(memo)) => match image_probe::Header::from_memo(&memo) {
            Some(header) => return Ok(Some(header)),
            None => None,
        },
        Ok(Err(seen)) => Some(seen),
        // Unreadable: reading it says why, at its path.
        Err(_) => None,
    };
    let header = read_header(path, abs)?;
    if let (Some(seen), Some((h, len))) = (seen, &header) {
        sources.remember_header(abs, seen, h.to_memo(*len));
    }
    Ok(header)
}

/// Reads the header of the file at `abs` (`path` in diagnostics): the first
/// bytes, more if the header asks, and the last ones.
fn read_header(path: &str, abs: &std::path::Path) -> Header {
    let unreadable = |e: &dyn std::fmt::Display| {
        Diagnostic::error(
            path,
            tr!(
                "cannot read the image: {e}",
                "impossible de lire l'image : {e}"
            ),
        )
        .with_hint(tr!(
            "check that the file exists and may be read",
            "vérifiez que le fichier existe et peut être lu"
        ))
    };
    let mut file = File::open(abs).map_err(|e| unreadable(&e))?;
    let len = file.metadata().map_err(|e| unreadable(&e))?.len();
    let mut head = Vec::new();
    let mut want = 64 * 1024;
    let mut tail = vec![0u8; image_probe::TAIL_BYTES.min(usize::try_from(len).unwrap_or(0))];
    file.seek(SeekFrom::End(-i64::try_from(tail.len()).unwrap_or(0)))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|e| unreadable(&e))?;
    loop {
        head.clear();
        file.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&e))?;
        (&mut file)
            .take(want as u64)
            .read_to_end(&mut head)
            .map_err(|e| unreadable(&e))?;
        let Some(format) = Format::sniff(&head) else {
            return Ok(None);
        };
        match image_probe::probe(format, &head, &tail, len) {
            Ok(header) => return Ok(Some((header, len))),
            Err(image_probe::Problem::NeedMore(n)) if (head.len() as u64) < len => {
                want = n.max(want * 4);
            }
            Err(problem) => return Err(bad_image(path, format, &problem)),
        }
    }
}

/// The error for an image whose header says it cannot be published.
fn bad_image(path: &str, format: Format, problem: &image_probe::Problem) -> Diagnostic {
    let name = format.name();
    match problem {
        image_probe::Problem::NeedMore(_) | image_probe::Problem::Truncated => Diagnostic::error(
            path,
            tr!(
                "this {name} image is cut short: the file ends before the image does",
                "cette image {name} est tronquée : le fichier s'arrête avant la fin de l'image"
            ),
        )
        .with_hint(tr!(
            "copy the file again from where it came from, or export it again",
            "copiez de nouveau le fichier depuis son origine, ou exportez-le de nouveau"
        )),
        image_probe::Problem::Corrupt(what) => Diagnostic::error(
            path,
            tr!(
                "this file is not a readable {name} image: {what}",
                "ce fichier n'est pas une image {name} lisible : {what}"
            ),
        )
        .with_hint(tr!(
            "open it in an image editor and export it again as JPEG or PNG",
            "ouvrez-le dans un éditeur d'images et exportez-le de nouveau en JPEG ou PNG"
        )),
    }
}

/// The output paths of the images that pages' `image` fields name (club
/// logos, episode posters, portraits): those get an Open Graph crop. A
/// bundle's image is beside its page; any other is a file of `_static/`.
pub(crate) fn field_images(site: &crate::model::Site) -> HashSet<String> {
    let outputs: HashSet<&str> = site.copies.iter().map(|c| c.output.as_str()).collect();
    let mut named = HashSet::new();
    for page in &site.pages {
        let Some(collection) = site.collection_of(page) else {
            continue;
        };
        for field in &collection.fields {
            if field.kind != crate::collection::FieldKind::Image {
                continue;
            }
            let Some(src) = page
                .document
                .front
                .extra
                .get(field.name.as_str())
                .and_then(|v| v.get("src"))
                .and_then(crate::yaml::Value::as_str)
            else {
                continue;
            };
            // A bundle's files are published once, under `files_path`,
            // whichever language's page names them.
            let folder = if page.files_path.is_empty() {
                &page.path
            } else {
                &page.files_path
            };
            let beside = format!("{folder}{src}");
            if outputs.contains(beside.as_str()) {
                named.insert(beside);
            } else {
                named.insert(src.trim_start_matches('/').to_string());
            }
        }
    }
    named
}

/// Plans every raster image among `copies`: reads headers (in parallel, each
/// source file once, none whose header `sources` remembers for its present
/// stat), judges limits, names outputs. `open_graph` holds the
/// output paths of images that `image` fields name, which get an
/// Open Graph crop. Returns the plan, errors and warnings.
pub(crate) fn plan<S: std::hash::BuildHasher>(
    copies: &[Copy],
    open_graph: &HashSet<String, S>,
    settings: &Settings,
    sources: &cache::Sources,
) -> (Images, Vec<Diagnostic>, Vec<Diagnostic>) {
    let candidates: Vec<&Copy> = copies
        .iter()
        .filter(|c| Format::from_name(&c.output).is_some())
        .collect();
    let mut files: Vec<(&str, &std::path::Path)> = candidates
        .iter()
        .map(|c| (c.file.path.as_str(), c.file.abs.as_path()))
        .collect();
    files.sort_unstable();
    files.dedup();
    let headers: HashMap<&str, Header> = files
        .par_iter()
        .map(|&(path, abs)| (path, header_of(path, abs, sources)))
        .collect();
    let mut images = Images {
        settings: settings.clone(),
        ..Images::default()
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let mut judged: HashSet<&str> = HashSet::new();
    for copy in candidates {
        let path = copy.file.path.as_str();
        let untrusted = copy.file.trust.is_untrusted();
        let first = judged.insert(path);
        let header = match &headers[path] {
            Ok(Some(h)) => h,
            // Not an image at all: beside an untrusted page the attachment
            // check refuses it, by what it holds; staff's file is named wrong.
            Ok(None) => {
                if first && !untrusted {
                    errors.push(not_an_image(path, &copy.output));
                }
                continue;
            }
            Err(d) => {
                if first {
                    errors.push(d.clone());
                }
                continue;
            }
        };
        let (header, len) = *header;
        if let Some(problem) = judge(path, &header, len, untrusted, settings) {
            if first {
                if problem.is_error() {
                    errors.push(problem);
                } else {
                    warnings.push(problem);
                }
            }
            if problem_stops(&header, settings) {
                continue;
            }
        }
        let named = Format::from_name(&copy.output);
        if named != Some(header.format) && named.is_some() {
            // A JPEG named `.png` would be served as a PNG.
            if first && !untrusted {
                errors.push(misnamed(path, header.format));
            }
            continue;
        }
        let shown = header.shown_size();
        let as_is = header.animated || header.format == Format::Gif;
        let variants = if as_is {
            vec![Variant {
                output: copy.output.clone(),
                width: shown.0,
                height: shown.1,
                format: header.format,
                role: Role::Original,
            }]
        } else {
            variants_of(
                &copy.output,
                header.format,
                shown,
                settings,
                open_graph.contains(&copy.output),
            )
        };
        for v in &variants {
            images
                .variants
                .insert(v.output.clone(), copy.output.clone());
        }
        images.by_output.insert(
            copy.output.clone(),
            Image {
                source: path.to_string(),
                abs: copy.file.abs.clone(),
                format: header.format,
                width: shown.0,
                height: shown.1,
                as_is,
                turned: header.orientation != image::metadata::Orientation::NoTransforms,
                variants,
            },
        );
    }
    errors.extend(iso_images_with_metadata(copies));
    (images, errors, warnings)
}

/// The refusals of staff's AVIF and HEIF files that carry metadata: they
/// are published as they are (see Privacy). Beside untrusted pages the
/// attachment check judges them.
fn iso_images_with_metadata(copies: &[Copy]) -> Vec<Diagnostic> {
    let mut files: Vec<(&str, &std::path::Path)> = copies
        .iter()
        .filter(|c| !c.file.trust.is_untrusted() && image_probe::is_iso_image_name(&c.output))
        .map(|c| (c.file.path.as_str(), c.file.abs.as_path()))
        .collect();
    files.sort_unstable();
    files.dedup();
    files
        .par_iter()
        .filter_map(|&(path, abs)| match std::fs::read(abs) {
            Ok(bytes) => iso_image_problem(path, &bytes),
            Err(e) => Some(Diagnostic::error(
                path,
                tr!(
                    "cannot read the image: {e}",
                    "impossible de lire l'image : {e}"
                ),
            )),
        })
        .collect()
}

/// Whether an image over a limit is left out of the plan: only over the
/// pixel limit (it cannot be decoded); over the byte limit it is still
/// published (with a warning for staff).
fn problem_stops(header: &image_probe::Header, settings: &Settings) -> bool {
    u64::from(header.width) * u64::from(header.height) > settings.max_pixels
}

/// The limits' verdict on one image.
fn judge(
    path: &str,
    header: &image_probe::Header,
    len: u64,
    untrusted: bool,
    settings: &Settings,
) -> Option<Diagnostic> {
    let (w, h) = header.shown_size();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > settings.max_pixels {
        let (mp, limit) = (megapixels(pixels), megapixels(settings.max_pixels));
        return Some(
            Diagnostic::error(
                path,
                tr!(
                    "this image is {w} x {h} pixels ({mp} megapixels), over the limit of {limit} megapixels: it is not decoded",
                    "cette image fait {w} x {h} pixels ({mp} mégapixels), au-delà de la limite de {limit} mégapixels : elle n'est pas décodée"
                ),
            )
            .with_hint(tr!(
                "export it smaller (2000 pixels wide is plenty for the site); the limit is `images.max_pixels` in content/site.yaml",
                "exportez-la plus petite (2000 pixels de large suffisent pour le site) ; la limite est `images.max_pixels` dans content/site.yaml"
            )),
        );
    }
    if len > settings.max_bytes {
        let (size, limit) = (
            crate::i18n::human_size(len),
            crate::i18n::human_size(settings.max_bytes),
        );
        let message = tr!(
            "this image weighs {} ({w} x {h} pixels), over the limit of {} for an image",
            "cette image pèse {} ({w} x {h} pixels), au-delà de la limite de {} pour une image";
            size.en, limit.en
        );
        let message = Text::new(
            message.en,
            format!(
                "cette image pèse {} ({w} x {h} pixels), au-delà de la limite de {} pour une image",
                size.fr, limit.fr
            ),
        );
        let hint = tr!(
            "readers get resized copies whatever its size, but the repository keeps every byte: export it smaller (2000 pixels wide, quality 85) before adding it",
            "les lecteurs reçoivent des copies réduites quelle que soit sa taille, mais le dépôt garde chaque octet : exportez-la plus petite (2000 pixels de large, qualité 85) avant de l'ajouter"
        );
        let d = if untrusted {
            Diagnostic::error(path, message)
        } else {
            Diagnostic::warning(path, message)
        };
        return Some(d.with_hint(hint));
    }
    None
}

fn megapixels(pixels: u64) -> String {
    format!("{:.1}", pixels as f64 / 1e6)
}

fn not_an_image(path: &str, output: &str) -> Diagnostic {
    let ext = output.rsplit_once('.').map_or("", |(_, e)| e);
    Diagnostic::error(
        path,
        tr!(
            "this file is named `.{ext}` but holds no image of that kind",
            "ce fichier est nommé `.{ext}` mais ne contient pas d'image de ce type"
        ),
    )
    .with_hint(tr!(
        "open it in an image editor and export it again as JPEG or PNG",
        "ouvrez-le dans un éditeur d'images et exportez-le de nouveau en JPEG ou PNG"
    ))
}

fn misnamed(path: &str, held: Format) -> Diagnostic {
    let (name, ext) = (held.name(), held.extension());
    Diagnostic::error(
        path,
        tr!(
            "this file holds a {name} image under another format's name: browsers would be told the wrong type",
            "ce fichier contient une image {name} sous le nom d'un autre format : les navigateurs recevraient le mauvais type"
        ),
    )
    .with_hint(tr!(
        "rename it with the `.{ext}` extension",
        "renommez-le avec l'extension `.{ext}`"
    ))
}

/// The cache key of one output: every parameter that shapes its bytes.
fn operation(image: &Image, v: &Variant, quality: u8) -> String {
    let ext = v.format.extension();
    let lossless = image.format == Format::Png && v.format == Format::WebP;
    let q = if lossless {
        "lossless".to_string()
    } else {
        format!("q{quality}")
    };
    match v.role {
        // Stored as it is, its metadata cut out (re-encoded only when that fails).
        Role::Original if !image.turned => format!("v{PIPELINE}-original.{ext}"),
        Role::Original => format!("v{PIPELINE}-full-q{FULL_QUALITY}.{ext}"),
        Role::Width => format!("v{PIPELINE}-w{}-{q}.{ext}", v.width),
        Role::OpenGraph => format!("v{PIPELINE}-cover{}x{}-{q}.{ext}", v.width, v.height),
    }
}

/// The bytes of one output of an image.
#[derive(Debug)]
pub(crate) enum Made {
    /// In the cache: to link or read.
    Cached(cache::Entry),
    /// Made, but the cache could not store them.
    Bytes(Vec<u8>),
}

impl Made {
    /// The bytes themselves.
    pub(crate) fn bytes(self) -> std::io::Result<Vec<u8>> {
        match self {
            Made::Cached(entry) => entry.read(),
            Made::Bytes(bytes) => Ok(bytes),
        }
    }
}

/// The error for a source that cannot be read.
fn unreadable(image: &Image, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        &image.source,
        tr!(
            "cannot read the image: {e}",
            "impossible de lire l'image : {e}"
        ),
    )
}

/// Makes every output of `image`: from `cache` when it has them, found
/// by the source's hash (which `sources` remembers, so that an unchanged
/// source is not even read), else by reading the source, decoding it once
/// and encoding each missing output (then stored). The original needs no
/// decoding unless it is turned.
pub(crate) fn publish(
    image: &Image,
    settings: &Settings,
    cache: &cache::Cache,
    sources: &cache::Sources,
) -> Result<Vec<(String, Made)>, Diagnostic> {
    let hash = sources
        .hash(&image.abs)
        .map_err(|e| unreadable(image, &e))?;
    let found = from_cache(image, settings, cache, &hash);
    if found.len() == image.variants.len() {
        return Ok(found);
    }
    // The source is read now; it may have changed since it was hashed.
    let (read_hash, bytes) = sources
        .read(&image.abs)
        .map_err(|e| unreadable(image, &e))?;
    let (hash, mut out) = if read_hash == hash {
        (hash, found)
    } else {
        let found = from_cache(image, settings, cache, &read_hash);
        (read_hash, found)
    };
    let missing: Vec<&Variant> = image
        .variants
        .iter()
        .filter(|v| out.iter().all(|(o, _)| *o != v.output))
        .collect();
    let store = |v: &Variant, bytes: Vec<u8>| match cache.put(
        &hash,
        &operation(image, v, settings.quality),
        &bytes,
    ) {
        Ok(entry) => (v.output.clone(), Made::Cached(entry)),
        // A cache that cannot be written costs time on the next build, nothing more.
        Err(_) => (v.output.clone(), Made::Bytes(bytes)),
    };
    let mut to_encode: Vec<&Variant> = Vec::new();
    for v in missing {
        if v.role == Role::Original && !image.turned {
            if let Some(stripped) = strip::strip(image.format, &bytes) {
                out.push(store(v, stripped));
                continue;
            }
        }
        to_encode.push(v);
    }
    if to_encode.is_empty() {
        return Ok(out);
    }
    let cannot_decode = |e: String| {
        Diagnostic::error(
            &image.source,
            tr!(
                "cannot decode this {} image: {e}",
                "impossible de décoder cette image {} : {e}";
                image.format.name()
            ),
        )
        .with_hint(tr!(
            "the file is damaged: open it in an image editor and export it again as JPEG or PNG",
            "le fichier est abîmé : ouvrez-le dans un éditeur d'images et exportez-le de nouveau en JPEG ou PNG"
        ))
    };
    let decoded =
        process::decode(&bytes, image.format, settings.max_pixels).map_err(cannot_decode)?;
    drop(bytes);
    for v in to_encode {
        let shape = match v.role {
            Role::OpenGraph => Shape::Cover(v.width, v.height),
            Role::Original | Role::Width => Shape::Width(v.width),
        };
        let encoding = Encoding {
            format: v.format,
            quality: if v.role == Role::Original {
                FULL_QUALITY
            } else {
                settings.quality
            },
            lossless: image.format == Format::Png && v.format == Format::WebP,
        };
        let pixels = process::resize(&decoded, shape).map_err(cannot_decode)?;
        let encoded =
            process::encode(&pixels, decoded.icc.as_deref(), encoding).map_err(cannot_decode)?;
        out.push(store(v, encoded));
    }
    Ok(out)
}

/// The outputs of `image` that `cache` holds for the source of SHA-256 `hash`.
fn from_cache(
    image: &Image,
    settings: &Settings,
    cache: &cache::Cache,
    hash: &str,
) -> Vec<(String, Made)> {
    let entries = cache.entries(hash);
    image
        .variants
        .iter()
        .filter_map(|v| {
            let entry = cache.take(&entries, &operation(image, v, settings.quality))?;
            Some((v.output.clone(), Made::Cached(entry)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_named_beside_the_original_and_never_upscaled() {
        let settings = Settings::default();
        let names = |size, format, og| {
            variants_of("clubs/a/photo.jpg", format, size, &settings, og)
                .into_iter()
                .map(|v| (v.output, v.width, v.height))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names((1200, 900), Format::Jpeg, false),
            [
                ("clubs/a/photo.jpg".to_string(), 1200, 900),
                ("clubs/a/photo.480w.webp".to_string(), 480, 360),
                ("clubs/a/photo.480w.jpg".to_string(), 480, 360),
                ("clubs/a/photo.960w.webp".to_string(), 960, 720),
                ("clubs/a/photo.960w.jpg".to_string(), 960, 720),
                ("clubs/a/photo.1200w.webp".to_string(), 1200, 900),
            ]
        );
        // Smaller than every width: its own width, once in WebP.
        assert_eq!(names((300, 100), Format::Jpeg, false).len(), 2);
        // A wide photo of an `image` field: the small widths too, 1600 the
        // widest; an Open Graph crop of 1200 x 630.
        let big = names((5000, 3750), Format::Jpeg, true);
        assert_eq!(big.len(), 12);
        assert_eq!(big[1], ("clubs/a/photo.160w.webp".to_string(), 160, 120));
        assert_eq!(big[11], ("clubs/a/photo.og.jpg".to_string(), 1200, 630));
        // A small logo's crop is as large as it can be without upscaling.
        let logo = names((400, 400), Format::Png, true);
        assert_eq!(logo.last().unwrap().1, 400);
        assert_eq!(logo.last().unwrap().2, 210);
    }

    /// What `image()` hands templates. Catches a `srcset` of the wrong
    /// format, a height not scaled with a fixed width, `sizes` not taken
    /// from that width, and an Open Graph URL that is not absolute or that
    /// is given when no crop is planned.
    #[test]
    fn to_value_gives_both_srcsets_the_shown_size_and_the_open_graph_crop() {
        let images = Images::with_one(
            "interviews/x/vue.jpg",
            "content/interviews/x/vue.jpg",
            Format::Jpeg,
            (2000, 1500),
            true,
        );
        let image = images.get("interviews/x/vue.jpg").unwrap();
        let shown = Shown {
            alt: "Une vue",
            ..Shown::default()
        };
        let value = image.to_value(&images.settings, "/alumni/", "https://e.org/alumni", &shown);
        let json: serde_json::Value = serde_json::to_value(&value).unwrap();
        let base = "/alumni/interviews/x/vue";
        assert_eq!(
            json,
            serde_json::json!({
                "src": format!("{base}.1600w.jpg"),
                "width": 1600,
                "height": 1200,
                "alt": "Une vue",
                "type": "image/jpeg",
                // An image of an `image` field: the small widths first.
                "srcset": format!("{base}.160w.jpg 160w, {base}.320w.jpg 320w, {base}.480w.jpg 480w, {base}.960w.jpg 960w, {base}.1600w.jpg 1600w"),
                "webp": format!("{base}.160w.webp 160w, {base}.320w.webp 320w, {base}.480w.webp 480w, {base}.960w.webp 960w, {base}.1600w.webp 1600w"),
                "sizes": "(max-width: 44rem) calc(100vw - 2rem), 42rem",
                "original": {"url": format!("{base}.jpg"), "width": 2000, "height": 1500, "type": "image/jpeg"},
                "og": {"url": "https://e.org/alumni/interviews/x/vue.og.jpg", "width": 1200, "height": 630, "type": "image/jpeg"},
            })
        );
        // A logo shown 72 px wide; no crop planned for it.
        let images = Images::with_one(
            "a/logo.png",
            "content/a/logo.png",
            Format::Png,
            (400, 300),
            false,
        );
        let logo = images.get("a/logo.png").unwrap();
        let shown = Shown {
            alt: "Logo",
            width: Some(72),
            sizes: None,
        };
        let json =
            serde_json::to_value(logo.to_value(&images.settings, "/", "https://e.org", &shown))
                .unwrap();
        assert_eq!(
            (json["width"].as_u64(), json["height"].as_u64()),
            (Some(72), Some(54))
        );
        assert_eq!(json["sizes"], "72px");
        assert_eq!(json["srcset"], "/a/logo.png 400w");
        assert_eq!(json["webp"], "/a/logo.400w.webp 400w");
        assert!(json["og"].is_null(), "{json}");
    }
}
