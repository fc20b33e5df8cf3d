//! The search index: sharded, so that a query fetches a few small files
//! and never the whole site (the design of Pagefind, written for this site).
//!
//! In: the assembled site after Markdown (pages' rendered HTML). Out, per
//! language edition, under `{prefix}_search/`:
//!
//! - `meta.json`, the only file with a fixed name (the search page names it;
//!   `_headers` asks for revalidation): the format version, the number of
//!   pages, the names of the fragments' folders and the list of chunks,
//!   each `[first word, last word, file]`.
//! - `c/<hash>.json`, the chunks: the index's words in sorted order, cut
//!   into consecutive ranges of about [`CHUNK_BYTES`] bytes of JSON, so that
//!   a query word fetches the one or two chunks whose range holds it. Each
//!   chunk is `{"w": [words], "p": [postings of each word]}`; a word's
//!   postings are a flat list of numbers, per page that has the word:
//!   `page - previous page, min(count, 15) * 4 + flags, n, n positions` (flags: 1 the
//!   word is in the title, 2 in the description; positions delta-coded).
//! - `f/<hash>/<n>.json`, one fragment per page (`n` its number, pages in
//!   the order of their addresses), fetched only when the page is shown as
//!   a result: its title, URL, section, description, headings (`[id, text,
//!   first position]`) and its whole text for the excerpt. Pages `0..100`
//!   share a folder, `100..200` the next..., named by the hash of their
//!   fragments.
//!
//! File names carry a hash of their content (chunks) or of their group's
//! fragments (their folder): an edit gives new names, never new bytes
//! under an old name, so no CDN or browser cache can serve a chunk of
//! another version of the index than the `meta.json` that named it. (The
//! deploy gives them the ordinary cache time of the site's files, not the
//! year of fingerprinted assets: the upload knows those by the build's
//! fingerprints, and `_headers` says the same.)
//! A body edit renames `meta.json`'s content, the chunks of the words that
//! changed and one folder of fragments; the rest of the index stays as it
//! was, for the upload and for the CDN. Grouping fragments keeps the meta
//! file small (one name per hundred pages) where a name per page would
//! cost more than the rest of a first query.
//!
//! Decisions:
//!
//! - Every word of every searchable page is indexed, from the rendered
//!   HTML's text (tags dropped, character references decoded), not from
//!   the Markdown: `#` or `**` never reach the index. Text inside `<script>`
//!   and `<style>` is skipped. The title and description are indexed too.
//! - A word is a maximal run of letters and digits (Unicode `Alphabetic`
//!   and `Numeric`, what the browser's `[\p{Alphabetic}\p{N}]` matches):
//!   `l'école` is `l` and `école`; `e-mail` is `e` and `mail`. Words of one
//!   character once folded (`l`, `d`, `a`) and words of more than
//!   [`MAX_WORD_CHARS`] characters are not indexed: the first would weigh
//!   as much as a chunk each, the second are not words.
//! - Words are folded ([`fold`]): lower case, then the accents and
//!   ligatures of French and English removed (`é` → `e`, `œ` → `oe`, `ç` →
//!   `c`, `ß` → `ss`). `search.js` folds queries with the same table.
//! - Positions count the words of the page's text (title and description
//!   apart), every word, indexed or not, so the browser finds position `n`
//!   again in the fragment's text by splitting it the same way. A word's
//!   positions in a page are its first position under each heading, at most
//!   [`MAX_POSITIONS`] (one today): enough to name the heading and cut an
//!   excerpt, without paying for each occurrence of a frequent word.
//! - A word falls under the nearest preceding heading that has an id (the
//!   Markdown stage gives every heading one); words before the first
//!   heading fall under none and a result links to the page itself.
//! - Matching (in `search.js`, mirrored by this module's tests' reader; `meta.json`
//!   gives the browser the two limits below):
//!   a query word matches the index words that start with it (`art` finds
//!   `artiste`, never `départ`); every query word must match (AND). A query
//!   word of [`TYPO_MIN_CHARS`] characters or more also matches the words
//!   one edit away from it or from one of their beginnings
//!   (`prefix_distance_is_one` in this module's tests: a substitution, insertion, deletion or
//!   swap of two neighbours), among the words that share its first two
//!   characters: a typo in the first two letters (other than in the chunk
//!   fetched anyway) is not forgiven, so that a typo never costs the whole
//!   alphabet's chunks. The chunks for typos are fetched only when the word
//!   matches nothing as typed.
//! - A query word fetches at most [`MAX_CHUNKS_PER_WORD`] chunks: a prefix
//!   so short that its words fill more (`e`) looks at the first of them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::html::{TagKind, Token};
use crate::model::{Page, Site};
use crate::urls::url_of;

/// About how many bytes of JSON a chunk holds (one word may hold more).
pub(crate) const CHUNK_BYTES: usize = 40_000;
/// Positions kept per word and page (the first under each heading, so
/// the first one only: each position costs every page of a frequent word).
pub(crate) const MAX_POSITIONS: usize = 1;
/// Longer runs of letters are not words (identifiers, encoded data).
pub(crate) const MAX_WORD_CHARS: usize = 40;
/// Query words this long or longer forgive one typo.
pub(crate) const TYPO_MIN_CHARS: usize = 5;
/// Chunks one query word may fetch (the browser's limit, documented here).
pub(crate) const MAX_CHUNKS_PER_WORD: usize = 2;
/// Fragments per folder (see the module doc).
pub(crate) const FRAGMENT_GROUP: usize = 100;
/// The index format, in `meta.json`: `search.js` refuses another.
pub(crate) const FORMAT: u64 = 1;

/// `c` folded: lower case, without the accents and ligatures of French and
/// English. A character may fold to two (`œ` → `oe`).
fn fold_char(c: char, out: &mut String) {
    // Most letters of French and English text: no table to look through.
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    // Latin-1's capitals are their small letters less 0x20 (not `×`), and
    // its small letters are their own lower case: no table either.
    let code = c as u32;
    if code <= 0xff {
        let small = match code {
            0xc0..=0xde if code != 0xd7 => char::from_u32(code + 0x20).unwrap_or(c),
            _ => c,
        };
        return fold_small(small, out);
    }
    for c in c.to_lowercase() {
        fold_small(c, out);
    }
}

/// `c`, a small letter or not a letter, folded.
/// `c`, a small letter or not a letter, folded.
fn fold_small(c: char, out: &mut String) {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(folded);
}

/// A word folded for the index and for queries: lower case, accents and
/// ligatures of French and English removed (`Œuvre` → `oeuvre`).
pub(crate) fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out`, emptied first: one buffer for every word of a page.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        fold_char(c, out);
    }
}

/// Whether `c` belongs to a word (what `[\p{Alphabetic}\p{N}]` matches).
fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7f => c.is_ascii_alphanumeric(),
        // The accented letters of French and its neighbours, without a
        // look through Unicode's tables: Latin-1's letters (not `×`, `÷`)
        // and Latin Extended-A and B, every one a letter.
        0xc0..=0x24f => c != '\u{d7}' && c != '\u{f7}',
        // General punctuation (`’`, `–`, `…`, spaces): never a word's.
        0x2000..=0x206f => false,
        _ => c.is_alphanumeric(),
    }
}

/// The words of `text`, as written (not folded).
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// Whether a folded word goes into the index.
fn indexed(word: &str) -> bool {
    // A character is one to four bytes: most words are told by their length.
    let bytes = word.len();
    if bytes < 2 {
        return false;
    }
    if (8..=MAX_WORD_CHARS).contains(&bytes) {
        return true;
    }
    (2..=MAX_WORD_CHARS).contains(&word.chars().count())
}

/// Whether `query` is one edit (substitution, insertion, deletion, swap of
/// two neighbouring characters) or less from `word` or from a beginning of
/// `word`: the typo-forgiving form of prefix matching.
#[cfg(test)]
pub(crate) fn prefix_distance_is_one(query: &str, word: &str) -> bool {
    let q: Vec<char> = query.chars().collect();
    let w: Vec<char> = word.chars().collect();
    // Optimal string alignment distance of q against each prefix of w, row
    // by row over q; the answer is the smallest value of the last row.
    let width = w.len() + 1;
    let mut rows = vec![vec![0usize; width]; q.len() + 1];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=q.len() {
        rows[i][0] = i;
        for j in 1..width {
            let cost = usize::from(q[i - 1] != w[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && q[i - 1] == w[j - 2] && q[i - 2] == w[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
        // Every later row is at least this row's minimum minus nothing: a
        // row whose cells all exceed 1 cannot come back under 2.
        if rows[i].iter().all(|&d| d > 1) {
            return false;
        }
    }
    rows[q.len()].iter().any(|&d| d <= 1)
}

/// One page read for the index.
#[derive(Debug, Default)]
struct Extract {
    /// The page's text, white space collapsed.
    text: String,
    /// Headings with an id: (id, text, position of their first word).
    headings: Vec<(String, String, usize)>,
    /// Each folded indexed word: (count, positions, heading of the last
    /// position kept: index + 1 into `headings`, 0 before the first).
    words: ahash::AHashMap<String, (u32, Vec<u32>, usize)>,
}

/// Text gathered with its white space collapsed as it comes, in pieces
/// that may split a word (`ex<em>em</em>ple` comes as `ex`, `em`, `ple`).
#[derive(Default)]
struct Collapsed {
    /// The text so far: words separated by one space.
    text: String,
    /// Whether white space (or a block boundary) came since the last word.
    space: bool,
}

impl Collapsed {
    /// Adds `piece`, its runs of white space made one space.
    fn push(&mut self, piece: &str) {
        // A piece whose bytes cannot start white space beyond ASCII
        // (`U+00A0` starts with `C2`, `U+202F` with `E2`...) is cut at
        // ASCII's, byte by byte, every cut a character boundary.
        if piece
            .bytes()
            .any(|b| matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3))
        {
            for (i, part) in piece.split(char::is_whitespace).enumerate() {
                self.part(i > 0, part);
            }
            return;
        }
        let mut start = 0;
        for (at, b) in piece.bytes().enumerate() {
            // U+0009 to U+000D and U+0020: ASCII's white space for Unicode.
            if b == b' ' || (b'\t'..=b'\r').contains(&b) {
                self.part(start > 0, &piece[start..at]);
                start = at + 1;
            }
        }
        self.part(start > 0, &piece[start..]);
    }

    /// Adds one run without white space, after some when `after_space`.
    fn part(&mut self, after_space: bool, part: &str) {
        if after_space {
            self.space = true;
        }
        if part.is_empty() {
            return;
        }
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(part);
    }
}

/// Elements without content or end tag: an `aria-hidden` on one hides nothing after it.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Tags that do not end a word: text on both sides is one run.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "em"
            | "strong"
            | "b"
            | "i"
            | "u"
            | "s"
            | "del"
            | "ins"
            | "mark"
            | "sub"
            | "sup"
            | "span"
            | "code"
            | "abbr"
            | "small"
            | "kbd"
    )
}

impl Extract {
    /// Reads the body's HTML: its text, its headings, its words.
    fn of_html(html: &str) -> Extract {
        // Text runs are added as they come, which keeps words split by
        // inline tags (`ex<em>em</em>ple`) as written: the tag leaves no
        // space, as a browser shows it. Block-level tags end a word.
        let mut text = Collapsed::default();
        // The heading being read: its id, its text, where it starts in
        // `text` (in bytes).
        let mut open: Option<(Option<String>, Collapsed, usize)> = None;
        // Headings with an id, and where each starts in `text`.
        let mut headings: Vec<(String, String, usize)> = Vec::new();
        // Inside `<script>` or `<style>`, whose text is no page text.
        let mut raw_depth = 0usize;
        // Inside an element hidden from readers (`aria-hidden="true"`, the
        // `#` of a heading's anchor): its name and how deep in it.
        let mut hidden: Option<(String, usize)> = None;
        crate::html::for_each_token(html, false, |token| {
            let tag = match token {
                Token::CharacterTokens(piece) => {
                    if raw_depth == 0 && hidden.is_none() {
                        text.push(&piece);
                        if let Some((_, heading, _)) = open.as_mut() {
                            heading.push(&piece);
                        }
                    }
                    return;
                }
                Token::TagToken(tag) => tag,
                _ => return,
            };
            let name: &str = &tag.name;
            let start = tag.kind == TagKind::StartTag;
            if let Some((element, depth)) = hidden.as_mut() {
                if element == name && !tag.self_closing {
                    if start {
                        *depth += 1;
                    } else {
                        *depth -= 1;
                        if *depth == 0 {
                            hidden = None;
                        }
                    }
                }
            } else if start
                && !tag.self_closing
                && !is_void(name)
                && tag
                    .attrs
                    .iter()
                    .any(|a| &*a.name.local == "aria-hidden" && &*a.value == "true")
            {
                hidden = Some((name.to_string(), 1));
            }
            if matches!(name, "script" | "style") {
                if start {
                    raw_depth += 1;
                } else {
                    raw_depth = raw_depth.saturating_sub(1);
                }
                return;
            }
            if !is_inline(name) {
                text.space = true;
                if let Some((_, heading, _)) = open.as_mut() {
                    heading.space = true;
                }
            }
            if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                if start {
                    let id = tag
                        .attrs
                        .iter()
                        .find(|a| &*a.name.local == "id")
                        .map(|a| a.value.to_string());
                    open = Some((id, Collapsed::default(), text.text.len()));
                } else if let Some((Some(id), heading, at)) = open.take() {
                    headings.push((id, heading.text, at));
                }
            }
        });
        if let Some((Some(id), heading, at)) = open.take() {
            headings.push((id, heading.text, at));
        }
        let mut out = Extract {
            // About one distinct word in eight bytes of a page's text.
            words: ahash::AHashMap::with_capacity(text.text.len() / 8),
            text: text.text,
            headings,
        };
        out.count_words();
        out
    }

    /// Counts the words of `text`, each at its position and under its
    /// heading, and turns each heading's start into the position of the
    /// first word after it.
    fn count_words(&mut self) {
        let base = self.text.as_ptr() as usize;
        let mut heading = 0usize; // index + 1 into headings; 0: none yet
        let mut folded = String::new();
        let mut position = 0usize;
        for word in words(&self.text) {
            let at = word.as_ptr() as usize - base;
            // A heading starts where a word boundary is: every word before
            // its start ends before it.
            while heading < self.headings.len() && self.headings[heading].2 <= at {
                self.headings[heading].2 = position;
                heading += 1;
            }
            fold_into(word, &mut folded);
            if indexed(&folded) {
                // A word seen before on the page costs no allocation.
                let entry = match self.words.get_mut(folded.as_str()) {
                    Some(entry) => entry,
                    None => self
                        .words
                        .entry(folded.clone())
                        .or_insert((0, Vec::new(), 0)),
                };
                entry.0 += 1;
                // The first position under each heading.
                let new_section = entry.1.is_empty() || entry.2 != heading;
                if new_section && entry.1.len() < MAX_POSITIONS {
                    entry.1.push(u32::try_from(position).unwrap_or(u32::MAX));
                    entry.2 = heading;
                }
            }
            position += 1;
        }
        // Headings after the last word start at the end.
        for h in &mut self.headings[heading..] {
            h.2 = position;
        }
    }
}

/// Bytes in hexadecimal.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A short hash of some bytes, for file names.
fn short_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)[..6])
}

/// Sorts words as the browser compares strings (UTF-16 code units).
fn browser_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A searchable page, as the index needs it.
pub(crate) struct Source<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its address (with the base path).
    pub url: String,
    /// The title of its section.
    pub section: &'a str,
    /// Its description, if any.
    pub description: &'a str,
    /// Its rendered body.
    pub html: &'a str,
}

/// A page's fragment file, serialised from what it borrows. Fields in
/// alphabetical order, as the index has always written its keys: an
/// unchanged page keeps its bytes, and its group its name.
#[derive(serde::Serialize)]
struct Fragment<'a> {
    d: &'a str,
    h: &'a [(String, String, usize)],
    s: &'a str,
    t: &'a str,
    u: &'a str,
    x: &'a str,
}

/// A chunk file: each word's postings, then the words.
#[derive(serde::Serialize)]
struct Chunk<'a> {
    p: Vec<&'a [u64]>,
    w: Vec<&'a str>,
}

/// A word of a page: the folded word, its count, its kept positions.
type WordOnPage = (Box<str>, u32, Box<[u32]>);

/// One page as the index keeps it: its words (the postings are made from
/// them) and its fragment file; its text and headings are in the fragment.
pub(crate) struct PageRead {
    /// Each folded indexed word: (word, count, positions), sorted by word.
    /// Compact, not the map it was counted in: a build holds every page's
    /// reading until the index is made.
    words: Box<[WordOnPage]>,
    flags: BTreeMap<String, u32>,
    fragment: Box<[u8]>,
}

/// Reads one page for the index.
fn read(p: &Source<'_>) -> PageRead {
    let extract = Extract::of_html(p.html);
    let mut flags: BTreeMap<String, u32> = BTreeMap::new();
    for (text, flag) in [(p.title, 1), (p.description, 2)] {
        for word in words(text) {
            let folded = fold(word);
            if indexed(&folded) {
                *flags.entry(folded).or_insert(0) |= flag;
            }
        }
    }
    let fragment = serde_json::to_vec(&Fragment {
        d: p.description,
        h: &extract.headings,
        s: p.section,
        t: p.title,
        u: &p.url,
        x: &extract.text,
    })
    .unwrap_or_default();
    let mut words: Vec<WordOnPage> = extract
        .words
        .into_iter()
        .map(|(w, (count, positions, _))| (w.into_boxed_str(), count, positions.into_boxed_slice()))
        .collect();
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    PageRead {
        words: words.into_boxed_slice(),
        flags,
        fragment: fragment.into_boxed_slice(),
    }
}

/// The files of one language's index, paths relative to its `_search/` folder.
#[cfg(test)]
fn index_files(pages: &[Source<'_>]) -> Vec<(String, Vec<u8>)> {
    index_of(pages.par_iter().map(read).collect())
}

/// The files of one language's index from its pages, read in page order.
fn index_of(mut read: Vec<PageRead>) -> Vec<(String, Vec<u8>)> {
    // Moved, not copied: the fragments hold every page's whole text.
    let fragments = read
        .iter_mut()
        .map(|r| std::mem::take(&mut r.fragment).into_vec())
        .collect();
    let pages: Vec<&PageRead> = read.iter().collect();
    let files = index_from(&pages, fragments);
    // Every page's words are many small allocations: freed aside.
    std::thread::spawn(move || drop(read));
    files
}

/// [`index_of`], the readings borrowed and their fragments given apart
/// (same order).
fn index_from(extracts: &[&PageRead], fragments: Vec<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let pages = extracts.len();
    // Every word's postings, made side by side in shards of words that
    // start alike (a page's words are sorted, so each shard's are one run
    // of them); the order is made once, below.
    let mut words: Vec<(&str, Vec<u64>)> = SHARDS
        .par_iter()
        .flat_map_iter(|shard| postings_of(extracts, shard))
        .collect();
    words.par_sort_unstable_by(|a, b| browser_order(a.0, b.0));
    // Consecutive ranges of about CHUNK_BYTES, cut in order, then
    // written and named side by side.
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, (word, list)) in words.iter().enumerate() {
        // Digits and commas of the numbers, the word and its quotes.
        bytes += word.len() + 3 + list.iter().map(|n| digits(*n) + 1).sum::<usize>();
        if bytes >= CHUNK_BYTES {
            ranges.push(start..i + 1);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < words.len() {
        ranges.push(start..words.len());
    }
    let (chunks, mut files): (Vec<Value>, Vec<(String, Vec<u8>)>) = ranges
        .into_par_iter()
        .map(|range| {
            let slice = &words[range];
            let chunk = Chunk {
                p: slice.iter().map(|(_, p)| p.as_slice()).collect(),
                w: slice.iter().map(|(w, _)| *w).collect(),
            };
            let data = serde_json::to_vec(&chunk).unwrap_or_default();
            let name = format!("c/{}.json", short_hash(&data));
            let listed = json!([slice[0].0, slice[slice.len() - 1].0, name]);
            (listed, (name, data))
        })
        .unzip();
    // Fragments in groups of FRAGMENT_GROUP pages, each group's folder
    // named by the hash of its fragments: an edit renames one group.
    let groups: Vec<String> = fragments
        .par_chunks(FRAGMENT_GROUP)
        .map(|group| {
            let mut hash = Sha256::new();
            for f in group {
                hash.update(f);
                hash.update([0]);
            }
            hex(&hash.finalize()[..6])
        })
        .collect();
    for (n, fragment) in fragments.into_iter().enumerate() {
        let name = &groups[n / FRAGMENT_GROUP];
        files.push((format!("f/{name}/{n}.json"), fragment));
    }
    let meta = json!({
        "v": FORMAT,
        "pages": pages,
        "group": FRAGMENT_GROUP,
        "f": groups,
        "typo": TYPO_MIN_CHARS,
        "per_word": MAX_CHUNKS_PER_WORD,
        "c": chunks,
    });
    files.push((
        "meta.json".to_string(),
        serde_json::to_vec(&meta).unwrap_or_default(),
    ));
    files
}

/// Where the index's postings are cut to be made side by side: words from
/// each bound (inclusive) to the next (exclusive), in byte order. Folded
/// words are mostly ASCII letters and digits; the bounds share out French
/// and English words about evenly, and the last shard takes every other
/// script.
const SHARDS: [(&str, Option<&str>); 8] = [
    ("", Some("c")),
    ("c", Some("d")),
    ("d", Some("f")),
    ("f", Some("l")),
    ("l", Some("n")),
    ("n", Some("p")),
    ("p", Some("s")),
    ("s", None),
];

/// The postings of the words of `extracts` within `shard`'s bounds,
/// pages in page order: per page that has the word, `page - previous
/// page` (numbered from 1), `min(count, 15) * 4 + flags`, the number of
/// positions and the positions delta-coded. In no particular order of
/// words.
fn postings_of<'a>(
    extracts: &[&'a PageRead],
    &(from, to): &(&str, Option<&str>),
) -> Vec<(&'a str, Vec<u64>)> {
    // Each word's list with the number of the last page added to it: one
    // lookup per word and page, in a hash map (the site's distinct words
    // number hundreds of thousands).
    let mut postings: ahash::AHashMap<&str, (Vec<u64>, u64)> = ahash::AHashMap::new();
    let within = |w: &str| w >= from && to.is_none_or(|to| w < to);
    for (n, page) in extracts.iter().enumerate() {
        let n = n as u64 + 1;
        let start = page.words.partition_point(|(w, _, _)| &**w < from);
        let end = to.map_or(page.words.len(), |to| {
            page.words.partition_point(|(w, _, _)| &**w < to)
        });
        let text = &page.words[start..end];
        // The title's and description's words within bounds, sorted as
        // the text's are: walked beside them rather than looked up.
        let mut flagged = page.flags.iter().filter(|(w, _)| within(w)).peekable();
        let mut add = |word: &'a str, count: u32, flag: u32, positions: &[u32]| {
            let (list, previous) = postings.entry(word).or_default();
            list.push(n - *previous);
            *previous = n;
            // Counts over 15 rank alike and compress better.
            list.push(u64::from(count.min(15)) * 4 + u64::from(flag));
            list.push(positions.len() as u64);
            let mut before = 0u64;
            for &p in positions {
                list.push(u64::from(p) - before);
                before = u64::from(p);
            }
        };
        for (word, count, positions) in text {
            // Flagged words before this one are only in the title or description.
            while let Some((w, &flag)) = flagged.next_if(|(w, _)| w.as_str() < &**word) {
                add(w, 0, flag, &[]);
            }
            let flag = flagged
                .next_if(|(w, _)| w.as_str() == &**word)
                .map_or(0, |(_, &flag)| flag);
            add(word, *count, flag, positions);
        }
        for (w, &flag) in flagged {
            add(w, 0, flag, &[]);
        }
    }
    postings
        .into_iter()
        .map(|(word, (list, _))| (word, list))
        .collect()
}

/// Decimal digits of `n`.
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Whether the search index covers `page` (its section is listed under `search:`).
pub(crate) fn is_searchable(site: &Site, page: &Page) -> bool {
    site.config.search.as_ref().is_some_and(|s| {
        s.sections
            .iter()
            .any(|f| *f == site.sections[page.section].folder)
    })
}

/// The folder of a language's index (`_search/`, `en/_search/`).
pub(crate) fn folder(site: &Site, lang: &str) -> String {
    format!("{}_search/", site.config.language_prefix(lang))
}

/// Reads page `index` of `site` for the index, from `html`, its rendered
/// body; `None` when the index does not cover it (a fallback, a section
/// not listed under `search:`).
pub(crate) fn read_page(site: &Site, index: usize, html: &str) -> Option<PageRead> {
    let p = &site.pages[index];
    if p.fallback || !is_searchable(site, p) {
        return None;
    }
    Some(read(&Source {
        title: &p.document.front.title,
        url: url_of(site, &p.path),
        section: &site.sections[p.section].title,
        description: p.document.front.description.as_deref().unwrap_or(""),
        html,
    }))
}

/// Each page's reading for the index from its body in `bodies` (same
/// order as `site.pages`); empty when the site has no `search:`.
pub(crate) fn reads(site: &Site, bodies: &crate::model::Bodies) -> Vec<Option<PageRead>> {
    if site.config.search.is_none() {
        return Vec::new();
    }
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| read_page(site, i, &bodies.pages[i].html))
        .collect()
}

/// Every language's index files, when the site has `search:`, from the
/// pages' bodies `bodies`.
pub(crate) fn indexes(site: &Site, bodies: &crate::model::Bodies) -> Vec<(String, Vec<u8>)> {
    indexes_of(site, reads(site, bodies))
}

/// Each language's index folder with the pages it covers among `read`
/// (`Some` readings), in the order of their addresses: page numbers then
/// stay the same from one build to the next.
fn by_language(site: &Site, read: &[Option<PageRead>]) -> Vec<(String, Vec<usize>)> {
    site.config
        .languages
        .iter()
        .map(|language| {
            let mut pages: Vec<usize> = (0..site.pages.len().min(read.len()))
                .filter(|&i| site.pages[i].lang == language.code && read[i].is_some())
                .collect();
            pages.sort_by(|&a, &b| site.pages[a].path.cmp(&site.pages[b].path));
            (folder(site, &language.code), pages)
        })
        .collect()
}

/// Every language's index files from `read`, each page's reading (same
/// order as `site.pages`, `None` for pages the index does not cover),
/// made by [`read_page`] where the page's body was rendered.
pub(crate) fn indexes_of(site: &Site, mut read: Vec<Option<PageRead>>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if site.config.search.is_none() {
        return out;
    }
    for (folder, pages) in by_language(site, &read) {
        let pages: Vec<PageRead> = pages.iter().filter_map(|&i| read[i].take()).collect();
        out.extend(
            index_of(pages)
                .into_iter()
                .map(|(path, bytes)| (format!("{folder}{path}"), bytes)),
        );
    }
    out
}

/// [`indexes_of`], the readings borrowed: what `serve` keeps from one
/// edit to the next, reading again only the pages edited. Only the
/// fragments are copied.
pub(crate) fn indexes_from(site: &Site, read: &[Option<PageRead>]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if site.config.search.is_none() {
        return out;
    }
    for (folder, pages) in by_language(site, read) {
        let pages: Vec<&PageRead> = pages.iter().filter_map(|&i| read[i].as_ref()).collect();
        let fragments = pages.iter().map(|p| p.fragment.to_vec()).collect();
        out.extend(
            index_from(&pages, fragments)
                .into_iter()
                .map(|(path, bytes)| (format!("{folder}{path}"), bytes)),
        );
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::many_single_char_names,
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation,
    clippy::format_push_string,
    clippy::redundant_closure_for_method_calls
)]
mod tests {
    use super::*;

    fn source<'a>(title: &'a str, html: &'a str) -> Source<'a> {
        Source {
            title,
            url: format!("/{}/", fold(title)),
            section: "Clubs",
            description: "",
            html,
        }
    }

    /// The index read back as `search.js` reads it, over every chunk (the
    /// browser's limit of chunks per word aside): for each query, the pages
    /// that match every word, with the id of the heading of the first
    /// position of the first word.
    struct Reader {
        meta: Value,
        files: BTreeMap<String, Value>,
    }

    impl Reader {
        fn new(files: &[(String, Vec<u8>)]) -> Reader {
            let files: BTreeMap<String, Value> = files
                .iter()
                .map(|(p, b)| (p.clone(), serde_json::from_slice(b).unwrap()))
                .collect();
            Reader {
                meta: files["meta.json"].clone(),
                files,
            }
        }

        /// page -> first position, for one folded query word.
        fn word(&self, q: &str) -> BTreeMap<u64, i64> {
            let typo = q.chars().count() >= TYPO_MIN_CHARS;
            let mut exact = BTreeMap::new();
            let mut near = BTreeMap::new();
            for chunk in self.meta["c"].as_array().unwrap() {
                let c = &self.files[chunk[2].as_str().unwrap()];
                for (k, w) in c["w"].as_array().unwrap().iter().enumerate() {
                    let w = w.as_str().unwrap();
                    let target = if w.starts_with(q) {
                        &mut exact
                    } else if typo
                        && w.starts_with(&q[..q.char_indices().nth(2).unwrap().0])
                        && prefix_distance_is_one(q, w)
                    {
                        &mut near
                    } else {
                        continue;
                    };
                    let p: Vec<u64> = c["p"][k]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n.as_u64().unwrap())
                        .collect();
                    let (mut i, mut page) = (0, 0);
                    while i < p.len() {
                        page += p[i];
                        let n = p[i + 2] as usize;
                        let pos = if n > 0 { p[i + 3] as i64 } else { -1 };
                        let kept = target.entry(page - 1).or_insert(pos);
                        if *kept < 0 {
                            *kept = pos;
                        }
                        i += 3 + n;
                    }
                }
            }
            if exact.is_empty() { near } else { exact }
        }

        /// (page title, heading id) of the pages matching every word of `query`.
        fn query(&self, query: &str) -> Vec<(String, Option<String>)> {
            let terms: Vec<String> = words(query).map(fold).collect();
            let per_word: Vec<BTreeMap<u64, i64>> = terms.iter().map(|t| self.word(t)).collect();
            let mut out = Vec::new();
            for (&page, &pos) in &per_word[0] {
                if per_word[1..].iter().all(|m| m.contains_key(&page)) {
                    let group = self.meta["f"][page as usize / FRAGMENT_GROUP]
                        .as_str()
                        .unwrap();
                    let f = &self.files[&format!("f/{group}/{page}.json")];
                    let heading = f["h"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .take_while(|h| pos >= 0 && h[2].as_i64().unwrap() <= pos)
                        .last()
                        .map(|h| h[0].as_str().unwrap().to_string());
                    out.push((f["t"].as_str().unwrap().to_string(), heading));
                }
            }
            out
        }
    }

    /// The index made from borrowed readings (what `serve` keeps between
    /// edits) is the index made from owned ones, byte for byte. Catches a
    /// borrowed path that loses or misorders the fragments.
    #[test]
    fn an_index_of_borrowed_readings_is_the_same_files() {
        let pages = [
            (
                "Club de Lyon",
                "<h2 id=\"a\">Rencontres</h2><p>Un café mensuel à Lyon.</p>",
            ),
            (
                "Biotech",
                "<p>Les anciens de la biologie se retrouvent.</p>",
            ),
            (
                "Alter Ego",
                "<p>Deux générations, une conversation filmée.</p>",
            ),
        ];
        let read = || -> Vec<PageRead> {
            pages
                .iter()
                .map(|(t, h)| super::read(&source(t, h)))
                .collect()
        };
        let owned = index_of(read());
        let kept = read();
        let borrowed: Vec<&PageRead> = kept.iter().collect();
        let fragments = borrowed.iter().map(|p| p.fragment.to_vec()).collect();
        assert_eq!(index_from(&borrowed, fragments), owned);
        assert!(
            owned.iter().any(|(path, _)| path.starts_with("f/")),
            "{owned:?}"
        );
    }

    /// Catches a fold that keeps capitals, an accent, or a ligature whole.
    #[test]
    fn white_space_is_collapsed_as_unicode_tells_it() {
        for pieces in [
            &["un  deux", "\ttrois\n"][..],
            &["ex", "em", "ple"],
            &["  ", "l'école\u{a0}: oui", "\u{b}\u{c}\r fin "],
            &["espace\u{2009}fine", "\u{202f}»", "«\u{3000}x"],
            &["", " ", "a"],
        ] {
            let mut collapsed = Collapsed::default();
            for piece in pieces {
                collapsed.push(piece);
            }
            let joined: String = pieces.concat();
            let expected: Vec<&str> = joined.split_whitespace().collect();
            assert_eq!(collapsed.text, expected.join(" "), "{pieces:?}");
        }
    }

    #[test]
    fn postings_made_in_shards_are_those_of_one_pass() {
        fn sorted(mut v: Vec<(&str, Vec<u64>)>) -> Vec<(&str, Vec<u64>)> {
            v.sort();
            v
        }
        // Words on each side of every bound, words of other scripts, and
        // words only in a title or a description.
        let pages = [
            source("Bourse de Cergy", "<p>cadre dada f l n p s z ça</p>"),
            Source {
                description: "Rencontre ωμέγα",
                ..source(
                    "Café",
                    "<h2 id=\"a\">Lettres</h2><p>bb c d ff ll nn pp ss 東京 9</p>",
                )
            },
            source("Zéro cadre", "<p>cadre cadre bourse école 東京</p>"),
        ];
        let read: Vec<PageRead> = pages.iter().map(read).collect();
        let extracts: Vec<&PageRead> = read.iter().collect();
        let whole = sorted(postings_of(&extracts, &("", None)));
        let sharded = sorted(
            SHARDS
                .iter()
                .flat_map(|shard| postings_of(&extracts, shard))
                .collect(),
        );
        assert_eq!(sharded, whole);
        // Every shard's words within its bounds, and words of every kind there.
        for shard in &SHARDS {
            for (word, _) in postings_of(&extracts, shard) {
                assert!(
                    word >= shard.0 && shard.1.is_none_or(|to| word < to),
                    "{word}"
                );
            }
        }
        for word in [
            "cadre",
            "cergy",
            "ωμέγα",
            "東京",
            "rencontre",
            "zero",
            "lettres",
        ] {
            assert!(whole.iter().any(|(w, _)| *w == fold(word)), "{word}");
        }
        // Title words flagged (1), counted 0 where the text lacks them.
        let zero = &whole.iter().find(|(w, _)| *w == "zero").unwrap().1;
        assert_eq!(zero, &vec![3, 1, 0]);
        // Page by page: a title's word only (page 1, flag 1, count 0), then
        // in the text alone (page 3, count 1, at position 2)...
        let bourse = &whole.iter().find(|(w, _)| *w == "bourse").unwrap().1;
        assert_eq!(bourse, &vec![1, 1, 0, 2, 4, 1, 2]);
        // ...and in both the title and the text of one page: flagged and
        // counted (page 3, count 2 * 4 + flag 1).
        let cadre = &whole.iter().find(|(w, _)| *w == "cadre").unwrap().1;
        assert_eq!(cadre, &vec![1, 4, 1, 0, 2, 9, 1, 0]);
    }

    #[test]
    fn folding_removes_case_accents_and_ligatures() {
        assert_eq!(fold("École"), "ecole");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("garçon"), "garcon");
        assert_eq!(fold("NOËL"), "noel");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("naïve Æsop"), "naive aesop");
        assert_eq!(fold("où"), "ou");
    }

    /// Catches a tokenizer that keeps apostrophes or splits on accents.
    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let w: Vec<&str> = words("L'école — d'été, promo 2012 ; e-mail").collect();
        assert_eq!(w, ["L", "école", "d", "été", "promo", "2012", "e", "mail"]);
    }

    /// The short cuts for Latin letters and punctuation say what Unicode
    /// says (`[\p{Alphabetic}\p{N}]`, what the browser splits words with).
    /// Mutation caught: `0xc0..=0x24f` taking in `×` or `÷`.
    #[test]
    fn word_characters_are_unicode_s_letters_and_digits() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(c),
                c.is_alphanumeric(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

    /// Latin-1's short cut to lower case says what Unicode says.
    /// Mutation caught: `0xc0..=0xde` taking in `×` (0xd7), or `0xdf`.
    #[test]
    fn folding_a_character_lowers_it_as_unicode_does() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let mut short = String::new();
            fold_char(c, &mut short);
            let mut long = String::new();
            for small in c.to_lowercase() {
                fold_small(small, &mut long);
            }
            assert_eq!(short, long, "{c:?} U+{:04X}", c as u32);
        }
    }

    /// Folding a word into a reused buffer gives what [`fold`] gives, for
    /// ASCII words (the short cut) and others.
    #[test]
    fn folding_into_a_buffer_empties_it_first() {
        let mut buffer = String::from("reste");
        for word in ["Paris", "ÉCOLE", "Œuvre", "straße", "x"] {
            fold_into(word, &mut buffer);
            assert_eq!(buffer, fold(word));
        }
        assert_eq!(fold("PARIS"), "paris");
    }

    /// Catches a distance that forgives two edits, misses one of the four
    /// kinds of edit, or needs the whole word.
    #[test]
    fn one_edit_from_a_beginning() {
        assert!(prefix_distance_is_one("ecole", "ecole"));
        assert!(prefix_distance_is_one("ecolw", "ecole")); // substitution
        assert!(prefix_distance_is_one("ecolle", "ecole")); // insertion
        assert!(prefix_distance_is_one("ecle", "ecoles")); // deletion
        assert!(prefix_distance_is_one("eocle", "ecole")); // swap
        assert!(prefix_distance_is_one("biotek", "biotechnologies")); // a beginning
        assert!(!prefix_distance_is_one("ecxlw", "ecole"));
        assert!(!prefix_distance_is_one("eoclw", "ecole"));
        assert!(!prefix_distance_is_one("biotechnologie", "bio"));
    }

    const LONG_TAIL: &str = "zygomatique";

    fn pages_html() -> Vec<String> {
        let mut long = String::from("<p>Le départ de l'<em>École</em>.</p>\n");
        for i in 0..2000 {
            long.push_str(&format!(
                "<p>Paragraphe {i} de remplissage sans intérêt.</p>\n"
            ));
        }
        long.push_str(&format!(
            "<h2 id=\"fin\">La fin <a class=\"heading-anchor\" href=\"#fin\">#</a></h2>\n<p>Un mot {LONG_TAIL} à la fin.</p>\n"
        ));
        vec![
            long,
            "<p>Intro.</p><h2 id=\"art\">L&#39;artiste</h2><p>Une <strong>artiste</strong> &amp; un peintre.</p><script>secretscript()</script>".to_string(),
            "<h2>Sans id</h2><p>Biotechnologies</p><h3 id=\"sous\">Sous</h3><p>Mentorat</p>".to_string(),
        ]
    }

    fn files() -> Vec<(String, Vec<u8>)> {
        let html = pages_html();
        let pages = vec![
            source("Long", &html[0]),
            source("Art", &html[1]),
            source("Bio", &html[2]),
        ];
        index_files(&pages)
    }

    /// Catches prefix matching that finds substrings (`art` in `départ`),
    /// a missing accent fold, truncated texts, lost headings, indexed
    /// script and markup.
    #[test]
    fn queries_match_prefixes_whole_texts_and_name_headings() {
        let r = Reader::new(&files());
        let titles = |q: &str| -> Vec<String> { r.query(q).into_iter().map(|t| t.0).collect() };
        assert_eq!(
            r.query("art"),
            [("Art".to_string(), Some("art".to_string()))]
        );
        assert_eq!(titles("ecole"), ["Long"]);
        assert_eq!(titles("depart"), ["Long"]);
        assert_eq!(
            r.query(&LONG_TAIL[..6]),
            [("Long".to_string(), Some("fin".to_string()))]
        );
        assert_eq!(titles("artiste peintre"), ["Art"]);
        assert!(titles("artiste zygomatique").is_empty());
        assert!(titles("secretscript").is_empty());
        assert!(titles("strong").is_empty());
        // A heading without id: the words fall under none, then under `sous`.
        assert_eq!(r.query("biotech"), [("Bio".to_string(), None)]);
        assert_eq!(
            r.query("mentorat"),
            [("Bio".to_string(), Some("sous".to_string()))]
        );
        // One typo in a word of five letters or more; none in shorter words.
        assert_eq!(titles("zygomatiqeu"), ["Long"]);
        assert_eq!(titles("mentorta"), ["Bio"]);
        assert!(titles("artx").is_empty());
        // The title is indexed.
        assert_eq!(titles("long"), ["Long"]);
    }

    /// Catches an excerpt text that keeps markup or entities, and heading
    /// positions that do not count the text's words.
    #[test]
    fn fragments_hold_text_and_headings() {
        let files = files();
        let meta: Value =
            serde_json::from_slice(&files.iter().find(|f| f.0 == "meta.json").unwrap().1).unwrap();
        let name = format!("f/{}/1.json", meta["f"][0].as_str().unwrap());
        let f: Value =
            serde_json::from_slice(&files.iter().find(|f| f.0 == name).unwrap().1).unwrap();
        assert_eq!(f["x"], "Intro. L'artiste Une artiste & un peintre.");
        assert_eq!(f["h"], json!([["art", "L'artiste", 1]]));
        assert_eq!(f["t"], "Art");
    }

    /// Catches a scanner of its own that ends a tag or a comment at the
    /// first `>` (a `>` inside a quoted value or a comment left
    /// `b">Lien` and `b -->` in the text) or decodes only the writer's
    /// five references (`&eacute;` stayed as written).
    #[test]
    fn text_is_read_as_a_browser_tokenizes_it() {
        let x = Extract::of_html(
            "<p><a title=\"a>b\" href=\"/x\">Lien</a><!-- a > b --> Caf&eacute;</p>\
             <script>var s = \"</p>\";</script><h2 id=\"d&amp;e\">Titre</h2>",
        );
        assert_eq!(x.text, "Lien Café Titre");
        assert_eq!(
            x.headings,
            vec![("d&e".to_string(), "Titre".to_string(), 2)]
        );
    }

    /// The `#` of a heading's anchor is hidden from readers, and from the
    /// index: a result names "Le bureau", not "Le bureau #". Nested
    /// elements of the same name end the hiding at the right end tag, and
    /// a hidden image hides nothing after it.
    /// Mutations caught: hidden text kept; hiding ended at the first `</span>`.
    #[test]
    fn text_hidden_from_readers_is_not_page_text() {
        let x = Extract::of_html(concat!(
            r##"<h2 id="bureau">Le bureau <a class="heading-anchor" href="#bureau" "##,
            r##"aria-hidden="true" tabindex="-1">#</a></h2>"##,
            r#"<p><span aria-hidden="true">★ <span>note</span> ★</span> Élu "#,
            r#"<img src="x.png" alt="" aria-hidden="true"> en 2026</p>"#,
        ));
        assert_eq!(x.text, "Le bureau Élu en 2026");
        assert_eq!(
            x.headings,
            vec![("bureau".to_string(), "Le bureau".to_string(), 0)]
        );
    }

    /// Catches chunks that overlap, leave words out, grow without bound,
    /// or are not named by their content.
    #[test]
    fn chunks_cover_sorted_ranges_of_bounded_size() {
        let mut html = Vec::new();
        for p in 0..50 {
            let mut body = String::from("<p>");
            for w in 0..400 {
                body.push_str(&format!("mot{:05} ", (w * 53 + p * 7) % 9000));
            }
            html.push(body);
        }
        let titles: Vec<String> = (0..50).map(|p| format!("Page {p}")).collect();
        let pages: Vec<Source<'_>> = titles
            .iter()
            .zip(&html)
            .map(|(t, h)| source(t, h))
            .collect();
        let files = index_files(&pages);
        let r = Reader::new(&files);
        let chunks = r.meta["c"].as_array().unwrap();
        assert!(chunks.len() > 3, "{} chunks", chunks.len());
        let mut all = Vec::new();
        let mut previous_last = String::new();
        for c in chunks {
            let (first, last, name) = (
                c[0].as_str().unwrap(),
                c[1].as_str().unwrap(),
                c[2].as_str().unwrap(),
            );
            assert!(previous_last.as_str() < first);
            assert!(first <= last);
            previous_last = last.to_string();
            let bytes = &files.iter().find(|f| f.0 == name).unwrap().1;
            assert_eq!(name, format!("c/{}.json", short_hash(bytes)));
            assert!(
                bytes.len() < CHUNK_BYTES * 11 / 10,
                "{name}: {} bytes",
                bytes.len()
            );
            let words: Vec<&str> = r.files[name]["w"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap())
                .collect();
            assert_eq!(words.first(), Some(&first));
            assert_eq!(words.last(), Some(&last));
            all.extend(words.iter().map(|w| w.to_string()));
        }
        let mut expected: Vec<String> = (0..50)
            .flat_map(|p| (0..400).map(move |w| format!("mot{:05}", (w * 53 + p * 7) % 9000)))
            .chain(["page".to_string()])
            .chain((10..50).map(|p| p.to_string()))
            .collect();
        expected.sort();
        expected.dedup();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
        assert_eq!(all, expected);
        let having = (0..50)
            .filter(|p| (0..400).any(|w| (w * 53 + p * 7) % 9000 == 53))
            .count();
        assert!(having > 1);
        assert_eq!(r.query("mot00053").len(), having);
    }
}
