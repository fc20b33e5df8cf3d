//! Data files: `content/_data/**/*.yaml` become `data.<name>` in templates.
//!
//! In: the loaded YAML texts. Out: one nested mapping, where folders nest
//! (`_data/clubs/regions.yaml` is `data.clubs.regions`), plus diagnostics for
//! files that do not parse or whose name is taken twice.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::load::TextFile;
use crate::yaml::{self, Mapping, Value};

/// Parses every data file and nests them by folder.
pub(crate) fn load_data(files: &[TextFile]) -> (Value, Vec<Diagnostic>) {
    let parsed: Vec<(&TextFile, Result<Value, Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let source = yaml::Source {
                path: &f.path,
                file_text: &f.text,
                start: 0,
            };
            (f, yaml::parse::<Value>(&f.text, source))
        })
        .collect();
    let mut root = Mapping::new();
    let mut errors = Vec::new();
    for (file, result) in parsed {
        let value = match result {
            Ok(v) => v,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let inner = file
            .path
            .strip_prefix("content/_data/")
            .unwrap_or(&file.path);
        let inner = inner
            .strip_suffix(".yaml")
            .or_else(|| inner.strip_suffix(".yml"))
            .unwrap_or(inner);
        let parts: Vec<&str> = inner.split('/').collect();
        if let Err(message) = insert(&mut root, &parts, value) {
            errors.push(Diagnostic::error(&file.path, message).with_hint(tr!(
                "rename the file or the folder so that each name is used once",
                "renommez le fichier ou le dossier pour que chaque nom ne serve qu'une fois"
            )));
        }
    }
    (Value::Mapping(root), errors)
}

/// Why `data.<name>` cannot be inserted: it exists already.
fn twice(name: &str) -> Text {
    tr!(
        "`data.{name}` is defined twice (a file and a folder share the name)",
        "`data.{name}` est défini deux fois (un fichier et un dossier portent le même nom)"
    )
}

fn insert(map: &mut Mapping, parts: &[&str], value: Value) -> Result<(), Text> {
    let key = Value::String(parts[0].to_string());
    if parts.len() == 1 {
        if map.contains_key(&key) {
            return Err(twice(parts[0]));
        }
        map.insert(key, value);
        return Ok(());
    }
    let entry = map
        .entry(key)
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    match entry {
        Value::Mapping(inner) => insert(inner, &parts[1..], value),
        _ => Err(twice(parts[0])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> TextFile {
        TextFile {
            path: format!("content/_data/{path}"),
            text: text.to_string(),
        }
    }

    #[test]
    fn nests_by_folder() {
        let (data, errors) = load_data(&[
            file("steps.yaml", "a: 1\n"),
            file("clubs/regions.yaml", "- Paris\n"),
        ]);
        assert!(errors.is_empty());
        assert_eq!(data["steps"]["a"], Value::from(1));
        assert_eq!(data["clubs"]["regions"][0], Value::from("Paris"));
    }

    #[test]
    fn broken_yaml_is_located() {
        let (_, errors) = load_data(&[file("steps.yaml", "a: 1\nb: [x\n")]);
        assert_eq!(errors[0].path, "content/_data/steps.yaml");
        assert!(errors[0].position.is_some());
    }
}
