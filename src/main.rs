//! The `alumni` command: parses arguments, calls the library, prints its
//! report or its diagnostics, and maps the outcome to an exit code
//! (0 built, 1 the site has errors, 2 usage or I/O failure).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use alumni::build::{BuildError, BuildOptions, build};
use alumni::diagnostic;
use alumni::i18n::Lang;
use alumni::serve::{self, ServeError, ServeOptions};
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
    },
    /// Start a new page of a collection, with its fields to fill in.
    New {
        /// The collection (a section of content/), e.g. clubs.
        collection: String,
        /// The page's title; the file name is made from it.
        title: String,
        /// The page's language [default: the site's default language].
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
        /// Language of messages, fr or en [default: from the locale].
        #[arg(long, value_parser = |s: &str| Lang::parse(s).ok_or("fr or en"))]
        lang: Option<Lang>,
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
        } => run_build(&BuildOptions {
            out,
            base_url,
            minify,
            ..pages.options(root)
        }),
        Command::Check {
            root,
            next_rebuild: true,
            ..
        } => run_next_rebuild(&BuildOptions::new(root)),
        Command::Check {
            root,
            format,
            strict,
            next_rebuild: false,
        } => run_check(root, format, strict),
        Command::New {
            collection,
            title,
            lang,
            root,
        } => match alumni::new::new_page(&root, &collection, &title, lang.as_deref()) {
            Ok(path) => {
                outln!("{path}");
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
            lang,
        } => run_serve(&ServeOptions {
            build: pages.options(root),
            bind,
            port,
            open,
            lang: Lang::choose(lang),
        }),
    }
}

fn run_check(root: PathBuf, format: OutputFormat, strict: bool) -> ExitCode {
    let options = BuildOptions::new(root);
    let problems = alumni::check::check(&options);
    let format = match format {
        OutputFormat::Human => diagnostic::Format::Human,
        OutputFormat::Github => diagnostic::Format::Github,
        OutputFormat::Json => diagnostic::Format::Json,
    };
    out!(
        "{}",
        diagnostic::render(&problems, format, Lang::choose(None))
    );
    // With those left out of the list (`diagnostic::MAX_PER_FILE` per file at most).
    let (errors, warnings) = diagnostic::count(&problems);
    if format == diagnostic::Format::Human {
        outln!(
            "check: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
    if errors > 0 || (strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_next_rebuild(options: &BuildOptions) -> ExitCode {
    match alumni::build::next_rebuild(options) {
        Ok(Some(change)) => {
            let what = match change.kind {
                alumni::schedule::ChangeKind::Appears => "appears",
                alumni::schedule::ChangeKind::Expires => "expires",
            };
            // The date alone on the first line, for scripts; then why.
            println!("{}", change.at);
            println!("{} {what}", change.path);
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(BuildError::Site(errors)) => {
            eprint!("{}", diagnostic::render_all(&errors, Lang::choose(None)));
            ExitCode::from(1)
        }
        Err(BuildError::Io(message)) => {
            eprintln!("error: {message}");
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
            let line = alumni::tr!(
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
            let word = alumni::diagnostic::Severity::Error.word(lang);
            errln!("{word}: {}", message.get(lang));
            ExitCode::from(2)
        }
    }
}

fn run_build(options: &BuildOptions) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    match build(options) {
        Ok(report) => {
            let _ = write!(
                stderr,
                "{}",
                diagnostic::render_all(&report.warnings, Lang::choose(None))
            );
            let languages: Vec<String> = report
                .per_language
                .iter()
                .map(|(lang, n)| format!("{lang} {n}"))
                .collect();
            outln!(
                "built {} pages ({}) and {} files in {:.2} s -> {}",
                report.html_files,
                languages.join(", "),
                report.copied_files,
                report.elapsed.as_secs_f64(),
                report.out.display()
            );
            print_missing_translations(&report.missing_translations);
            ExitCode::SUCCESS
        }
        Err(BuildError::Site(errors)) => {
            let _ = write!(
                stderr,
                "{}",
                diagnostic::render_all(&errors, Lang::choose(None))
            );
            let (count, _) = diagnostic::count(&errors);
            let _ = writeln!(
                stderr,
                "build failed: {count} error{}; the previous output was left as it was",
                if count == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        Err(BuildError::Io(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            ExitCode::from(2)
        }
    }
}

/// One line per language listing what is not translated yet (and whether the
/// default-language text is shown in its place).
fn print_missing_translations(missing: &[alumni::model::MissingTranslation]) {
    let mut by_lang: Vec<(&str, Vec<String>)> = Vec::new();
    for m in missing {
        let entry = format!(
            "{}{}",
            m.source,
            if m.fallback {
                " (shown in the default language)"
            } else {
                ""
            }
        );
        match by_lang.last_mut() {
            Some((lang, list)) if *lang == m.lang => list.push(entry),
            _ => by_lang.push((&m.lang, vec![entry])),
        }
    }
    for (lang, list) in by_lang {
        outln!(
            "not translated into {lang} ({}): {}",
            list.len(),
            list.join(", ")
        );
    }
}
