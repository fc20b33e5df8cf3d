//! The crate's modules form layers, and no module imports one above its
//! own: configuration at the bottom, then the sources and the model, then
//! addresses, then the stages that read the model, then the commands.
//! `docs/ARCHITECTURE.md` describes the layers; [`LAYERS`] is the table
//! this test holds the code to.
//!
//! The module graph is read from the source: a top-level module is a file
//! `src/<name>.rs` or a folder `src/<name>/`, and it depends on every
//! top-level module it names by a `crate::<name>` path (or a `super::`
//! path that reaches the crate's root) in its code. Comments, string
//! literals and `#[cfg(test)]` modules are not code the crate is made of,
//! and are left out: a test may build what it needs from any layer, and a
//! comment may name the stage that calls a function.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The layers, bottom first, each with its modules. A module may import
/// modules of its own layer (the graph stays acyclic) and of the layers
/// below it; a new module takes its place here.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "helpers",
        &[
            "i18n",
            "diagnostic",
            "html",
            "slug",
            "yaml",
            "date",
            "output",
            "timings",
            "minify",
            "shortcode",
            "sanitize",
            "image_probe",
            "front_matter",
        ],
    ),
    ("configuration", &["image_settings", "collection", "config"]),
    (
        "sources and model",
        &[
            "trust",
            "attachment",
            "load",
            "data",
            "markdown",
            "parse",
            "schedule",
            "front_check",
            "model",
        ],
    ),
    ("addresses", &["urls"]),
    (
        "stages over the model",
        &[
            "calendar", "view", "search", "publish", "render", "images", "relocate", "claims",
        ],
    ),
    ("commands", &["build", "check", "live", "serve", "new"]),
];

/// Where a module names another: `src/...rs:line`.
type Place = String;

/// Module -> the modules it imports, each with the first place it does.
type Graph = BTreeMap<String, BTreeMap<String, Place>>;

/// `text` with comments and the contents of string and character literals
/// blanked out (line breaks kept, so that lines still count).
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r'))) && (i == 0 || !ident(b[i - 1])) && {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            b.get(j) == Some(&'"')
        } {
            // A raw string: `r"..."`, `r#"..."#`, `br##"..."##`.
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
            while i < b.len() {
                if b[i] == '"' && (1..=hashes).all(|k| b.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if c == '"' || c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A string, or a character literal (a lifetime has no closing
            // quote): blanked to its closing quote, escapes skipped.
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == '\\' {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without its `#[cfg(test)]` modules (blanked, line breaks kept).
fn without_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|i| i + from) {
        from = at + 1;
        let rest = out[at + "#[cfg(test)]".len()..].trim_start();
        let rest = rest
            .strip_prefix("pub(crate)")
            .or_else(|| rest.strip_prefix("pub"))
            .unwrap_or(rest)
            .trim_start();
        let Some(after_mod) = rest.strip_prefix("mod ") else {
            continue;
        };
        let Some(open) = after_mod.find(['{', ';']) else {
            continue;
        };
        if after_mod.as_bytes()[open] == b';' {
            continue;
        }
        let open = out.len() - after_mod.len() + open;
        let mut depth = 0;
        let mut end = out.len();
        for (i, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let blanked: String = out[at..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(at..end, &blanked);
    }
    out
}

/// The top-level modules that `text` (a file `depth` modules below the
/// crate's root: 1 for `src/x.rs` and `src/x/mod.rs`, 2 for `src/x/y.rs`)
/// names in its code, each with the line it first does.
fn references(text: &str, depth: usize) -> BTreeMap<String, usize> {
    let code = without_test_modules(&code_only(text));
    let words: Vec<(usize, usize, &str)> = {
        // (byte offset, line, token): identifiers, `::`, braces and commas.
        let mut words = Vec::new();
        let mut line = 1;
        let mut chars = code.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\n' {
                line += 1;
            } else if c.is_alphanumeric() || c == '_' {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                words.push((i, line, &code[i..end]));
            } else if c == ':' && chars.peek().map(|&(_, d)| d) == Some(':') {
                chars.next();
                words.push((i, line, "::"));
            } else if matches!(c, '{' | '}' | ',' | '$' | '.') {
                words.push((i, line, &code[i..=i]));
            }
        }
        words
    };
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |name: &str, line: usize| {
        found.entry(name.to_string()).or_insert(line);
    };
    let mut k = 0;
    while k < words.len() {
        let (_, line, word) = words[k];
        let preceded_by_path = k > 0 && matches!(words[k - 1].2, "::" | ".");
        // Where the path reaches the crate's root: after `crate::`, or
        // after as many `super::` as the file is deep.
        let root_at = if word == "crate" && !preceded_by_path {
            Some(k + 1)
        } else if word == "super" && !preceded_by_path {
            let mut j = k;
            let mut supers = 0;
            while words.get(j).map(|w| w.2) == Some("super")
                && words.get(j + 1).map(|w| w.2) == Some("::")
            {
                supers += 1;
                j += 2;
            }
            (supers == depth).then_some(j - 1)
        } else {
            None
        };
        let Some(at) = root_at.filter(|&at| words.get(at).map(|w| w.2) == Some("::")) else {
            k += 1;
            continue;
        };
        match words.get(at + 1).map(|w| w.2) {
            Some("{") => {
                // `crate::{a, b::c, d::{e, f}}`: the names at depth one.
                let mut level = 0;
                let mut expect_name = true;
                for &(_, l, w) in &words[at + 1..] {
                    match w {
                        "{" => {
                            level += 1;
                            expect_name = level == 1;
                        }
                        "}" => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        "," if level == 1 => expect_name = true,
                        _ if expect_name && level == 1 && w != "::" => {
                            add(w, l);
                            expect_name = false;
                        }
                        _ => {}
                    }
                }
            }
            Some(name) => add(name, line),
            None => {}
        }
        k = at + 1;
    }
    found
}

/// The top-level modules of the crate at `root` and the files of each.
fn modules(root: &Path) -> BTreeMap<String, Vec<std::path::PathBuf>> {
    fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }
    let mut modules: BTreeMap<String, Vec<std::path::PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            let mut files = Vec::new();
            rust_files(&path, &mut files);
            if !files.is_empty() {
                modules.entry(name).or_default().extend(files);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            modules.entry(name).or_default().push(path);
        }
    }
    modules
}

/// The module graph of the crate at `root`.
fn graph(root: &Path) -> Graph {
    let modules = modules(root);
    let mut graph = Graph::new();
    for (name, files) in &modules {
        let edges = graph.entry(name.clone()).or_default();
        for file in files {
            let inner = file.strip_prefix(root.join("src")).unwrap();
            let parts = inner.components().count();
            let depth = if inner.ends_with("mod.rs") {
                parts - 1
            } else {
                parts
            };
            let text = std::fs::read_to_string(file).unwrap();
            let shown = file.strip_prefix(root).unwrap().display().to_string();
            for (to, line) in references(&text, depth) {
                if &to != name && modules.contains_key(&to) {
                    edges.entry(to).or_insert_with(|| format!("{shown}:{line}"));
                }
            }
        }
    }
    graph
}

/// Every cycle of `graph`, one per strongly connected component of more
/// than one module, each as its modules in order with the place of each
/// import: `config -> model (src/config.rs:12) -> config (src/model.rs:20)`.
fn cycles(graph: &Graph) -> Vec<String> {
    // Tarjan's algorithm, small enough a graph to recurse.
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        components: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for to in w.graph[v].keys() {
            let to = to.as_str();
            if !w.index.contains_key(to) {
                visit(w, to);
                let low = w.low[v].min(w.low[to]);
                w.low.insert(v, low);
            } else if w.stack.contains(&to) {
                let low = w.low[v].min(w.index[to]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(top) = w.stack.pop() {
                component.push(top);
                if top == v {
                    break;
                }
            }
            w.components.push(component);
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        components: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    let mut found = Vec::new();
    for component in walk.components.iter().filter(|c| c.len() > 1) {
        let inside: BTreeSet<&str> = component.iter().copied().collect();
        let start = *inside.first().unwrap();
        // The shortest way back to `start` inside the component.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = None;
        while let Some(v) = queue.pop_front() {
            for to in graph[v].keys().map(String::as_str) {
                if to == start {
                    last = Some(v);
                    break;
                }
                if inside.contains(to) && !came_from.contains_key(to) {
                    came_from.insert(to, v);
                    queue.push_back(to);
                }
            }
            if last.is_some() {
                break;
            }
        }
        let mut back = Vec::new();
        let mut v = last.unwrap();
        while v != start {
            back.push(v);
            v = came_from[v];
        }
        let path: Vec<&str> = std::iter::once(start)
            .chain(back.into_iter().rev())
            .chain(std::iter::once(start))
            .collect();
        let mut text = format!(
            "{} modules import each other ({}): {start}",
            inside.len(),
            inside.iter().copied().collect::<Vec<_>>().join(", ")
        );
        for pair in path.windows(2) {
            let _ = write!(text, " -> {} ({})", pair[1], graph[pair[0]][pair[1]]);
        }
        found.push(text);
    }
    found
}

fn crate_graph() -> Graph {
    graph(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Catches a module added to `src/` without a place in [`LAYERS`], or one
/// removed and still listed.
#[test]
fn every_module_has_one_layer() {
    let graph = crate_graph();
    let listed: Vec<&str> = LAYERS.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    let listed_once: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(listed.len(), listed_once.len(), "a module is listed twice");
    let found: BTreeSet<&str> = graph.keys().map(String::as_str).collect();
    assert_eq!(
        found.difference(&listed_once).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "modules of src/ without a layer in LAYERS"
    );
    assert_eq!(
        listed_once.difference(&found).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "modules of LAYERS that src/ lacks"
    );
}

/// Catches an import up the layers: `use crate::model::Site;` in
/// `src/config.rs`, or `crate::build::...` in `src/render.rs`.
#[test]
fn no_module_imports_a_layer_above_its_own() {
    let graph = crate_graph();
    let layer_of: BTreeMap<&str, (usize, &str)> = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(i, (name, modules))| modules.iter().map(move |m| (*m, (i, *name))))
        .collect();
    let mut upward = Vec::new();
    for (from, edges) in &graph {
        let Some(&(low, low_name)) = layer_of.get(from.as_str()) else {
            continue;
        };
        for (to, place) in edges {
            match layer_of.get(to.as_str()) {
                Some(&(high, high_name)) if high > low => upward.push(format!(
                    "{from} ({low_name}) imports {to} ({high_name}) at {place}"
                )),
                _ => {}
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports up the layers:\n{}",
        upward.join("\n")
    );
}

/// Catches modules of one layer that import each other: `view` importing
/// `crate::render::...` while `render` imports `view`.
#[test]
fn no_modules_import_each_other() {
    let found = cycles(&crate_graph());
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The reading itself: a reference in a comment, a string or a test
/// module is no import, one in code is, grouped or through `super::`.
/// Catches a scanner that reads comments (every module would then import
/// the ones its docs link to) or misses `crate::{a, b}` groups.
#[test]
fn imports_are_read_from_code_alone() {
    // Two hashes: the text holds a raw string that ends in `"#`.
    #[allow(clippy::needless_raw_string_hashes)]
    let text = r##"//! See [`crate::doc_link`].
use crate::{grouped, nested::{inner, deeper}, last};
use crate::plain::Item;
/* crate::block_comment /* nested */ crate::still_comment */
const S: &str = "crate::in_string";
const R: &str = r#"crate::in_raw "string""#;
const C: char = '"';
fn f<'a>(x: &'a str) -> &'a str { super::through_super::g(); x }
fn h() { crate::later::call(); }
#[cfg(test)]
mod tests {
    use crate::only_in_tests;
}
#[cfg(test)]
pub(crate) mod helpers {
    fn x() { crate::only_in_test_helpers::y() }
}
fn after_tests() { crate::after::z() }
"##;
    let found = references(text, 1);
    let names: Vec<&str> = found.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "after",
            "grouped",
            "last",
            "later",
            "nested",
            "plain",
            "through_super"
        ]
    );
    assert_eq!(found["grouped"], 2);
    assert_eq!(found["later"], 9);
    // Two levels down, one `super::` stays inside the parent module.
    assert!(!references("fn g() { super::sibling::f() }", 2).contains_key("sibling"));
    assert!(references("fn g() { super::super::root::f() }", 2).contains_key("root"));
}

/// Catches a cycle finder that misses a cycle, or names it without the
/// places that make it.
#[test]
fn a_cycle_is_named_with_its_imports() {
    let mut graph = Graph::new();
    let mut edge = |from: &str, to: &str, place: &str| {
        graph
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string(), place.to_string());
        graph.entry(to.to_string()).or_default();
    };
    edge("config", "model", "src/config.rs:3");
    edge("model", "urls", "src/model.rs:9");
    edge("urls", "config", "src/urls.rs:4");
    edge("urls", "slug", "src/urls.rs:5");
    let found = cycles(&graph);
    assert_eq!(
        found,
        [
            "3 modules import each other (config, model, urls): config -> model (src/config.rs:3) -> urls (src/model.rs:9) -> config (src/urls.rs:4)"
        ]
    );
    graph.get_mut("urls").unwrap().remove("config");
    assert!(cycles(&graph).is_empty());
}
