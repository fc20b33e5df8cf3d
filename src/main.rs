//! The `alumni` command: parses arguments, calls the library, prints its
//! report or its diagnostics, and maps the outcome to an exit code
//! (0 built, 1 the site has errors, 2 usage or I/O failure).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use alumni::build::{BuildError, BuildOptions, build};
use alumni::diagnostic;
use alumni::i18n::{Lang, Text};
use alumni::serve::{self, ServeError, ServeOptions};
use alumni::tr;
use clap::{Parser, Subcommand};
use std::sync::Arc;

// Printing that ignores a closed pipe (`alumni build | head -1`): the work
// is done by then, and a reader that went away is no reason to panic, which
// `println!` does.
macro_rules! out {
    ($($arg:tt)*) => {{ let _ = write!(std::io::stdout(), $($arg)*); }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{ let _ = writeln!(std::io::stdout(), $($arg)*); }};
}
macro_rules! err {
    ($($arg:tt)*) => {{ let _ = write!(std::io::stderr(), $($arg)*); }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{ let _ = writeln!(std::io::stderr(), $($arg)*); }};
}

/// Builds the Sorbonne Université alumni network website from Markdown and YAML.
#[derive(Parser)]
#[command(name = "alumni", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ and the theme into the output folder.
    Build {
        /// The site's root folder (holding content/ and themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override `base_url` of content/site.yaml (e.g. for a preview deploy).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        #[command(flatten)]
        pages: Hidden,
        /// Make HTML, CSS and JS smaller (whitespace and comments).
        #[arg(long)]
        minify: bool,
        /// After the summary, print on stderr the time of each stage, of
        /// each template (calls, total, mean, max) and the slowest outputs.
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        messages: Messages,
    },
    /// Check the whole site as a pull request is judged: fields, links, anchors, images, translations.
    Check {
        /// The site's root folder (holding content/ and themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print problems: human, github (annotations on a pull request's lines) or json (one object per line).
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// Only print the next date (UTC) on which a page appears or expires,
        /// then the page; print nothing when no page is scheduled.
        #[arg(long)]
        next_rebuild: bool,
        #[command(flatten)]
        messages: Messages,
    },
    /// Start a new page of a collection, with its fields to fill in.
    ///
    /// Its messages are in the language of the environment's locale
    /// (`LC_ALL`, `LC_MESSAGES`, `LANG`: `fr_*` gives French, English
    /// otherwise), since `--lang` chooses the page's language.
    New {
        /// The collection (a section of content/), e.g. clubs.
        collection: String,
        /// The page's title; the file name is made from it.
        title: String,
        /// The page's language [default: the site's default language];
        /// messages follow the locale (`LANG=fr_FR.UTF-8` for French).
        #[arg(long)]
        lang: Option<String>,
        /// The site's root folder (holding content/ and themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Serve the site with live reload, rebuilding as files change.
    Serve {
        /// The site's root folder (holding content/ and themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on [default: 1111, or the next free one].
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on; anything but loopback exposes the preview to the network,
        /// under any host name (on loopback, only local names are answered).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[command(flatten)]
        pages: Hidden,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        messages: Messages,
    },
}

/// Which hidden pages `build` and `serve` include.
#[derive(clap::Args)]
struct Hidden {
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include pages whose `publish_date` is still to come.
    #[arg(long)]
    future: bool,
    /// Include pages whose `expiry_date` has passed.
    #[arg(long)]
    expired: bool,
}

impl Hidden {
    /// Build options for `root` that include these pages.
    fn options(&self, root: PathBuf) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            future: self.future,
            expired: self.expired,
            ..BuildOptions::new(root)
        }
    }
}

/// The `--lang` of `build`, `check` and `serve`: the language of messages.
#[derive(clap::Args)]
struct Messages {
    /// The language of messages [default: from `LC_ALL`, `LC_MESSAGES` or
    /// `LANG` (`fr_*` gives French), else English].
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    lang: Option<MessageLang>,
}

impl Messages {
    /// The language messages are printed in: `--lang`, then the locale.
    fn lang(&self) -> Lang {
        Lang::choose(self.lang.map(|l| match l {
            MessageLang::Fr => Lang::Fr,
            MessageLang::En => Lang::En,
        }))
    }
}

/// The values of `--lang`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum MessageLang {
    /// French.
    Fr,
    /// English.
    En,
}

/// The `--format` of `check`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Human,
    Github,
    Json,
}

/// The command line in `lang`: clap writes `--help` from the English doc
/// comments above; in French, every text of it comes from [`FRENCH`] and
/// the help page's own words (its headings, `--help`, `--version`) are
/// French too.
fn command(lang: Lang) -> clap::Command {
    use clap::CommandFactory as _;
    let mut cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    // Built first, so that the `help` subcommand and the `--help` and
    // `--version` flags of every command exist to be translated.
    cmd.build();
    french(cmd, "")
}

/// The French of each command (`""` for `alumni` itself) and argument
/// (`""` for the command's own description, `"+"` for its longer one in
/// its own `--help`): (command, argument, text).
const FRENCH: &[(&str, &str, &str)] = &[
    (
        "",
        "",
        "Construit le site du réseau des alumni de Sorbonne Université à partir de Markdown et de YAML.",
    ),
    (
        "build",
        "",
        "Construit le site à partir de content/ et du thème, dans le dossier de sortie.",
    ),
    (
        "build",
        "out",
        "Le dossier de sortie [par défaut : RACINE/public].",
    ),
    (
        "build",
        "base_url",
        "Remplace `base_url` de content/site.yaml (par exemple pour un aperçu déployé).",
    ),
    (
        "build",
        "minify",
        "Rend le HTML, le CSS et le JS plus légers (espaces et commentaires).",
    ),
    (
        "build",
        "timings",
        "Après le résumé, affiche sur stderr la durée de chaque étape, de chaque gabarit (appels, total, moyenne, maximum) et les sorties les plus lentes.",
    ),
    (
        "check",
        "",
        "Vérifie tout le site comme une pull request est jugée : champs, liens, ancres, images, traductions.",
    ),
    (
        "check",
        "format",
        "Comment afficher les problèmes : human, github (annotations sur les lignes d'une pull request) ou json (un objet par ligne) [par défaut : human].",
    ),
    ("check", "strict", "Échoue aussi sur les avertissements."),
    (
        "check",
        "next_rebuild",
        "Affiche seulement la prochaine date (UTC) à laquelle une page paraît ou expire, puis la page ; rien si aucune page n'est programmée.",
    ),
    (
        "new",
        "",
        "Commence une nouvelle page d'une collection, avec ses champs à remplir.",
    ),
    (
        "new",
        "+",
        "Commence une nouvelle page d'une collection, avec ses champs à remplir.\n\nSes messages sont dans la langue de la locale (`LC_ALL`, `LC_MESSAGES`, `LANG` : `fr_*` donne le français, sinon l'anglais), puisque `--lang` choisit la langue de la page.",
    ),
    (
        "new",
        "collection",
        "La collection (une section de content/), par exemple clubs.",
    ),
    (
        "new",
        "title",
        "Le titre de la page ; le nom du fichier en est tiré.",
    ),
    (
        "new",
        "lang",
        "La langue de la page [par défaut : la langue par défaut du site] ; les messages suivent la locale (`LANG=fr_FR.UTF-8` pour le français).",
    ),
    (
        "serve",
        "",
        "Sert le site avec rechargement automatique, et le reconstruit quand les fichiers changent.",
    ),
    (
        "serve",
        "port",
        "Le port d'écoute [par défaut : 1111, ou le suivant qui est libre].",
    ),
    (
        "serve",
        "bind",
        "L'adresse d'écoute ; toute autre que la boucle locale montre l'aperçu au réseau, sous n'importe quel nom d'hôte (en boucle locale, seuls les noms locaux ont une réponse) [par défaut : 127.0.0.1].",
    ),
    (
        "serve",
        "open",
        "Ouvre le site dans le navigateur par défaut.",
    ),
    (
        "help",
        "",
        "Affiche ce message, ou l'aide des commandes données.",
    ),
    ("help", "subcommand", "Les commandes dont afficher l'aide."),
    // Arguments of several commands, the same in each.
    (
        "*",
        "root",
        "Le dossier racine du site (qui contient content/ et themes/) [par défaut : .].",
    ),
    ("*", "drafts", "Inclut les pages marquées `draft: true`."),
    (
        "*",
        "future",
        "Inclut les pages dont la `publish_date` est encore à venir.",
    ),
    (
        "*",
        "expired",
        "Inclut les pages dont la `expiry_date` est passée.",
    ),
    (
        "*",
        "lang",
        "La langue des messages, fr ou en [par défaut : d'après `LC_ALL`, `LC_MESSAGES` ou `LANG` (`fr_*` donne le français), sinon l'anglais].",
    ),
    ("*", "help", "Affiche l'aide."),
    ("*", "version", "Affiche la version."),
];

/// The French of the argument `arg` of the command `name`, if any.
fn french_of(name: &str, arg: &str) -> Option<&'static str> {
    FRENCH
        .iter()
        .find(|(c, a, _)| *c == name && *a == arg)
        .or_else(|| FRENCH.iter().find(|(c, a, _)| *c == "*" && *a == arg))
        .map(|(_, _, text)| *text)
}

/// `cmd` (the command `name`) and its subcommands, in French.
fn french(cmd: clap::Command, name: &str) -> clap::Command {
    let mut cmd = cmd
        .help_template("{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("Commandes");
    if let Some(about) = french_of(name, "") {
        cmd = cmd.about(about).long_about(french_of(name, "+"));
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_string())
        .collect();
    for id in ids {
        if let Some(text) = french_of(name, &id) {
            // Defaults and values are said in the text, in French.
            cmd = cmd.mut_arg(&id, |a| {
                a.help(text)
                    .long_help(None::<&str>)
                    .hide_default_value(true)
                    .hide_possible_values(true)
            });
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in names {
        cmd = cmd.mut_subcommand(&sub, |s| french(s, &sub));
    }
    cmd
}

/// A usage error of clap said in French, from its kind and what it knows
/// (the word it did not take, the one it suggests, the valid values), with
/// the usage of the command it was given to and where to read its help
/// (`args`, the command line); clap's own words otherwise.
fn french_error(e: &clap::Error, args: &[std::ffi::OsString]) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join("`, `")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let what = get(ContextKind::InvalidSubcommand)
        .or_else(|| get(ContextKind::InvalidArg))
        .unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!("la commande `{what}` n'existe pas"),
        ErrorKind::UnknownArgument => format!("l'option `{what}` n'existe pas ici"),
        ErrorKind::InvalidValue => format!(
            "`{}` n'est pas une valeur de `{what}`",
            get(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::ValueValidation => format!(
            "`{}` n'est pas une valeur possible de `{what}`",
            get(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("il manque `{what}`"),
        ErrorKind::ArgumentConflict => format!(
            "`{what}` ne va pas avec `{}`",
            get(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues | ErrorKind::NoEquals => {
            format!("`{what}` est de trop")
        }
        _ => return e.to_string(),
    };
    if let Some(valid) = get(ContextKind::ValidValue) {
        message = format!("{message} ; valeurs possibles : `{valid}`");
    }
    if let Some(close) =
        get(ContextKind::SuggestedSubcommand).or_else(|| get(ContextKind::SuggestedArg))
    {
        message = format!("{message} ; vouliez-vous dire `{close}` ?");
    }
    let usage = get(ContextKind::Usage).unwrap_or_default();
    let usage = usage.trim().strip_prefix("Usage:").unwrap_or(&usage).trim();
    let usage = if usage.is_empty() {
        String::new()
    } else {
        format!("\n\nUtilisation : {usage}")
    };
    let given = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| ["build", "check", "new", "serve"].contains(a))
        .map_or(String::new(), |name| format!(" {name}"));
    format!("erreur : {message}{usage}\n\nPour en savoir plus : `alumni{given} --help`.\n")
}

/// The language of messages this command line asks for: its `--lang`
/// (read before clap, whose messages are in it too), else the locale.
/// `new`'s `--lang` is the page's language: its messages follow the locale.
fn language_of_args(args: &[std::ffi::OsString]) -> Lang {
    let command = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| !a.starts_with('-'));
    if command == Some("new") {
        return Lang::choose(None);
    }
    let flag = args.windows(2).find_map(|pair| {
        let (key, value) = (pair[0].to_str()?, pair[1].to_str()?);
        (key == "--lang").then_some(value)
    });
    let flag = flag.or_else(|| {
        args.iter()
            .find_map(|a| a.to_str()?.strip_prefix("--lang="))
    });
    Lang::choose(flag.and_then(|code| match code {
        "fr" => Some(Lang::Fr),
        "en" => Some(Lang::En),
        _ => None,
    }))
}

fn main() -> ExitCode {
    use clap::FromArgMatches as _;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = language_of_args(&args);
    let parsed = command(lang)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are successes; anything else is a usage error.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if lang == Lang::Fr {
                err!("{}", french_error(&e, &args));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            pages,
            minify,
            timings,
            messages,
        } => run_build(
            &BuildOptions {
                out,
                base_url,
                minify,
                ..pages.options(root)
            },
            timings,
            messages.lang(),
        ),
        Command::Check {
            root,
            next_rebuild: true,
            messages,
            ..
        } => run_next_rebuild(&BuildOptions::new(root), messages.lang()),
        Command::Check {
            root,
            format,
            strict,
            next_rebuild: false,
            messages,
        } => run_check(root, format, strict, messages.lang()),
        Command::New {
            collection,
            title,
            lang,
            root,
        } => match alumni::new::new_page(&root, &collection, &title, lang.as_deref()) {
            Ok(created) => {
                // The path alone on the first line, for scripts; then what to do next.
                outln!("{}", created.next_steps.get(Lang::choose(None)));
                ExitCode::SUCCESS
            }
            Err(d) => {
                err!("{}", diagnostic::render_all(&[d], Lang::choose(None)));
                ExitCode::from(1)
            }
        },
        Command::Serve {
            root,
            port,
            bind,
            pages,
            open,
            messages,
        } => run_serve(&ServeOptions {
            build: pages.options(root),
            bind,
            port,
            open,
            lang: messages.lang(),
            prefetch_images: true,
        }),
    }
}

/// `word` for a count of `n`, in `lang`: French takes the singular for 0
/// and 1, English for 1 only.
fn plural(n: usize, lang: Lang) -> &'static str {
    let one = match lang {
        Lang::En => n == 1,
        Lang::Fr => n <= 1,
    };
    if one { "" } else { "s" }
}

/// An I/O failure's line, `error: message`. The message is anything that
/// makes a [`Text`], so that a library error still held as an English
/// `String` prints its English in either language.
fn io_error(message: impl Into<Text>) -> Text {
    let message = message.into();
    Text::new(
        format!("error: {}", message.en),
        format!("erreur : {}", message.get(Lang::Fr)),
    )
}

fn run_check(root: PathBuf, format: OutputFormat, strict: bool, lang: Lang) -> ExitCode {
    let options = BuildOptions::new(root);
    let problems = alumni::check::check(&options);
    let format = match format {
        OutputFormat::Human => diagnostic::Format::Human,
        OutputFormat::Github => diagnostic::Format::Github,
        OutputFormat::Json => diagnostic::Format::Json,
    };
    out!("{}", diagnostic::render(&problems, format, lang));
    // Counting those left out of the list (`diagnostic::MAX_PER_FILE` per file at most).
    if format == diagnostic::Format::Human {
        outln!("{}", alumni::check::summary(&problems).get(lang));
    }
    if alumni::check::fails(&problems, strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_next_rebuild(options: &BuildOptions, lang: Lang) -> ExitCode {
    match alumni::build::next_rebuild(options) {
        Ok(Some(change)) => {
            let what = match change.kind {
                alumni::schedule::ChangeKind::Appears => tr!("appears", "apparaît"),
                alumni::schedule::ChangeKind::Expires => tr!("expires", "expire"),
                alumni::schedule::ChangeKind::Starts => tr!("starts", "commence"),
                alumni::schedule::ChangeKind::Ends => tr!("ends", "se termine"),
            };
            // The date alone on the first line, for scripts; then why.
            outln!("{}", change.at);
            outln!("{} {}", change.path, what.get(lang));
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(BuildError::Site(errors)) => {
            err!("{}", diagnostic::render_all(&errors, lang));
            ExitCode::from(1)
        }
        Err(BuildError::Io(message)) => {
            errln!("{}", io_error(message).get(lang));
            ExitCode::from(2)
        }
    }
}

fn run_serve(options: &ServeOptions) -> ExitCode {
    let lang = options.lang;
    let report: Arc<serve::Reporter> = Arc::new(|line: &str| errln!("{line}"));
    match serve::start(options, &report) {
        Ok(running) => {
            let url = &running.url;
            // The URL stays the line's only address: scripts and tests read it.
            let line = tr!(
                "serving the site at {url} (Ctrl-C to stop)",
                "site servi à {url} (Ctrl-C pour arrêter)"
            );
            outln!("{}", line.get(lang));
            if options.open {
                if let Err(message) = serve::open_in_browser(url) {
                    errln!("{}", message.get(lang));
                }
            }
            // The server runs until the process is interrupted; nothing is
            // written to disk, so stopping at any moment is clean.
            loop {
                std::thread::park();
            }
        }
        Err(ServeError::Io(message)) => {
            errln!("{}", io_error(message).get(lang));
            ExitCode::from(2)
        }
    }
}

/// `built 3 pages (fr 2, en 1) and 4 files in 0.12 s -> public`.
fn build_summary(report: &alumni::build::BuildReport) -> Text {
    let languages: Vec<String> = report
        .per_language
        .iter()
        .map(|(lang, n)| format!("{lang} {n}"))
        .collect();
    let (pages, files) = (report.html_files, report.copied_files);
    let seconds = format!("{:.2}", report.elapsed.as_secs_f64());
    let (en, fr) = (Lang::En, Lang::Fr);
    // Not `tr!`: the plurals differ, and French writes `0,12 s`.
    Text::new(
        format!(
            "built {pages} page{} ({}) and {files} file{} in {seconds} s -> {}",
            plural(pages, en),
            languages.join(", "),
            plural(files, en),
            report.out.display()
        ),
        format!(
            "{pages} page{s} construite{s} ({}) et {files} fichier{} en {} s -> {}",
            languages.join(", "),
            plural(files, fr),
            seconds.replace('.', ","),
            report.out.display(),
            s = plural(pages, fr),
        ),
    )
}

fn run_build(options: &BuildOptions, timings: bool, lang: Lang) -> ExitCode {
    match build(options) {
        Ok(report) => {
            err!("{}", diagnostic::render_all(&report.warnings, lang));
            outln!("{}", build_summary(&report).get(lang));
            print_missing_translations(&report.missing_translations, lang);
            if timings {
                // After stdout's lines, which are flushed first, so that a
                // terminal shows the summary above the tables.
                let _ = std::io::stdout().flush();
                err!("{}", report.timings.report(report.elapsed, lang));
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Site(errors)) => {
            err!("{}", diagnostic::render_all(&errors, lang));
            let (count, _) = diagnostic::count(&errors);
            let (en, fr) = (Lang::En, Lang::Fr);
            let line = Text::new(
                format!(
                    "build failed: {count} error{}; the previous output was left as it was",
                    plural(count, en)
                ),
                format!(
                    "échec de la construction : {count} erreur{} ; la sortie précédente est restée telle quelle",
                    plural(count, fr)
                ),
            );
            errln!("{}", line.get(lang));
            ExitCode::from(1)
        }
        Err(BuildError::Io(message)) => {
            errln!("{}", io_error(message).get(lang));
            ExitCode::from(2)
        }
    }
}

/// How many untranslated sources a build's summary names per language.
const SHOWN_MISSING: usize = 10;

/// One line per language listing what is not translated yet (and whether the
/// default-language text is shown in its place), the first
/// [`SHOWN_MISSING`] by name.
fn print_missing_translations(missing: &[alumni::model::MissingTranslation], lang: Lang) {
    let fallback = tr!(
        " (shown in the default language)",
        " (affiché dans la langue par défaut)"
    );
    let mut by_lang: Vec<(&str, Vec<String>)> = Vec::new();
    for m in missing {
        let entry = format!(
            "{}{}",
            m.source,
            if m.fallback { fallback.get(lang) } else { "" }
        );
        match by_lang.last_mut() {
            Some((code, list)) if *code == m.lang => list.push(entry),
            _ => by_lang.push((&m.lang, vec![entry])),
        }
    }
    for (code, mut list) in by_lang {
        let n = list.len();
        // A site of thousands of pages would print them all on one line.
        if n > SHOWN_MISSING {
            list.truncate(SHOWN_MISSING);
            let more = n - SHOWN_MISSING;
            list.push(
                tr!("and {more} more", "et {more} autres")
                    .get(lang)
                    .to_string(),
            );
        }
        let list = list.join(", ");
        outln!(
            "{}",
            tr!(
                "not translated into {code} ({n}): {list}",
                "non traduit dans la langue {code} ({n}) : {list}"
            )
            .get(lang)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    /// Every command and argument has its French: catches an option added
    /// with its English help only (it would show in English to a French
    /// reader), and a French command clap refuses.
    #[test]
    fn every_text_of_the_command_line_has_its_french() {
        fn walk(cmd: &clap::Command, name: &str, missing: &mut Vec<String>) {
            if french_of(name, "").is_none() {
                missing.push(format!("`{name}` itself"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if french_of(name, id).is_none() {
                    missing.push(format!("`{name} {id}`"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, sub.get_name(), missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no French for {missing:?}");
        command(Lang::Fr).debug_assert();
    }

    /// `--lang` chooses the language of clap's own words too, read before
    /// clap parses; without it, the locale does; `new`'s `--lang` is the
    /// page's, not the messages'.
    #[test]
    fn the_language_of_the_command_line_is_read_before_clap() {
        let args = |list: &[&str]| -> Vec<std::ffi::OsString> {
            list.iter().map(std::ffi::OsString::from).collect()
        };
        assert_eq!(
            language_of_args(&args(&["alumni", "build", "--lang", "fr"])),
            Lang::Fr
        );
        assert_eq!(
            language_of_args(&args(&["alumni", "check", "--lang=en"])),
            Lang::En
        );
        // Catches `new`'s page language taken for the language of messages.
        for lang in ["fr", "en"] {
            assert_eq!(
                language_of_args(&args(&["alumni", "new", "clubs", "Club", "--lang", lang])),
                Lang::choose(None)
            );
        }
    }
}
