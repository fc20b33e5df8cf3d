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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are successes; anything else is a usage error.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
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
