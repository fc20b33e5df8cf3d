//! Where a build's time goes: `alumni build --timings`.
//!
//! Every build measures itself (a clock read per stage and two per output:
//! nothing next to rendering a page); the binary prints the result when
//! asked. Three tables, each sorted by cost: the wall time of each stage;
//! then each template a page is rendered with (`page.html`, `section.html`:
//! its includes and components count inside it, Tera having no hook
//! around them), with its number of calls and the time spent rendering
//! with it, added up over the rendering threads; then the outputs that
//! took longest, with their template.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::i18n::{Lang, Text};

/// How many of the slowest outputs are kept.
pub(crate) const SLOWEST: usize = 10;

/// The measures of one build.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// Wall time of each stage, in the order they ran.
    pub stages: Vec<(Text, Duration)>,
    /// What rendering the outputs cost, template by template.
    pub renders: Renders,
}

impl Timings {
    /// Records the stage `name`, which ran from `since` until now, and
    /// returns now: the start of the next stage.
    pub fn stage(&mut self, name: Text, since: Instant) -> Instant {
        let now = Instant::now();
        self.stages.push((name, now - since));
        now
    }

    /// Adds `time` to the stage `name` (recorded once, where it first ran):
    /// for work done inside another stage, such as page bodies rendered
    /// with their pages, whose share of that stage is moved to its own.
    pub fn add(&mut self, name: Text, time: Duration) {
        match self.stages.iter_mut().find(|(n, _)| n.en == name.en) {
            Some((_, total)) => *total += time,
            None => self.stages.push((name, time)),
        }
    }

    /// The three tables, for a build that took `total`, in `lang`.
    pub fn report(&self, total: Duration, lang: Lang) -> String {
        let mut out = String::new();
        let heading = match lang {
            Lang::En => format!(
                "Time per stage (wall time, total {}):",
                seconds(total, lang)
            ),
            Lang::Fr => format!(
                "Durée de chaque étape (temps réel, en tout {}) :",
                seconds(total, lang)
            ),
        };
        let mut stages: Vec<&(Text, Duration)> = self.stages.iter().collect();
        stages.sort_by_key(|s| std::cmp::Reverse(s.1));
        let header = match lang {
            Lang::En => ["stage", "time", "share"],
            Lang::Fr => ["étape", "durée", "part"],
        };
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(ToString::to_string).collect()];
        rows.extend(stages.iter().map(|(name, time)| {
            vec![
                name.get(lang).to_string(),
                seconds(*time, lang),
                percent(*time, total, lang),
            ]
        }));
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&table(&rows, &[false, true, true]));

        let r = &self.renders;
        let threads = r.threads.max(1);
        let (render, write) = (seconds(r.render, lang), seconds(r.write, lang));
        let heading = match lang {
            Lang::En => format!(
                "Templates (time added up over {threads} thread{}: rendering {render}, writing files {write}):",
                if threads == 1 { "" } else { "s" }
            ),
            Lang::Fr => format!(
                "Gabarits (temps additionné sur {threads} fil{} : rendu {render}, écriture des fichiers {write}) :",
                if threads == 1 { "" } else { "s" }
            ),
        };
        let header = match lang {
            Lang::En => ["template", "calls", "total", "share", "mean", "max"],
            Lang::Fr => ["gabarit", "appels", "total", "part", "moyenne", "max"],
        };
        let mut templates: Vec<(&String, &TemplateTime)> = r.templates.iter().collect();
        templates.sort_by(|a, b| b.1.total.cmp(&a.1.total).then(a.0.cmp(b.0)));
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(ToString::to_string).collect()];
        rows.extend(templates.iter().map(|(name, t)| {
            let calls = u32::try_from(t.calls).unwrap_or(u32::MAX).max(1);
            vec![
                (*name).clone(),
                t.calls.to_string(),
                seconds(t.total, lang),
                percent(t.total, r.render, lang),
                seconds(t.total / calls, lang),
                seconds(t.max, lang),
            ]
        }));
        out.push('\n');
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&table(&rows, &[false, true, true, true, true, true]));

        let heading = match lang {
            Lang::En => "Slowest outputs (rendering):",
            Lang::Fr => "Sorties les plus lentes (rendu) :",
        };
        let rows: Vec<Vec<String>> = r
            .slowest
            .iter()
            .map(|o| {
                vec![
                    seconds(o.time, lang),
                    o.output.clone(),
                    format!("({})", o.template),
                ]
            })
            .collect();
        out.push('\n');
        out.push_str(heading);
        out.push('\n');
        out.push_str(&table(&rows, &[true, false, false]));
        out
    }
}

/// Runs `work`, adding its wall time to `times` under `name`.
pub(crate) fn timed<T>(
    times: &mut Vec<(Text, Duration)>,
    name: Text,
    work: impl FnOnce() -> T,
) -> T {
    let started = Instant::now();
    let result = work();
    times.push((name, started.elapsed()));
    result
}

/// Rendering's share of the measures: per template, and the slowest outputs.
#[derive(Clone, Debug, Default)]
pub struct Renders {
    /// Calls and time per template name.
    pub templates: HashMap<String, TemplateTime>,
    /// The [`SLOWEST`] outputs that took longest to render, slowest first.
    pub slowest: Vec<OutputTime>,
    /// Rendering time of every output, added up.
    pub render: Duration,
    /// Time spent handing outputs to the writer (hashing, writing), added up.
    pub write: Duration,
    /// Threads that rendered.
    pub threads: usize,
}

impl Renders {
    /// Adds one output, rendered with `template` in `render` and written in `write`.
    pub fn add(&mut self, output: &str, template: &str, render: Duration, write: Duration) {
        self.render += render;
        self.write += write;
        let entry = self.templates.entry(template.to_string()).or_default();
        entry.calls += 1;
        entry.total += render;
        entry.max = entry.max.max(render);
        let full = self.slowest.len() == SLOWEST;
        if full && self.slowest.last().is_some_and(|o| o.time >= render) {
            return;
        }
        let at = self.slowest.partition_point(|o| o.time >= render);
        self.slowest.insert(
            at,
            OutputTime {
                output: output.to_string(),
                template: template.to_string(),
                time: render,
            },
        );
        self.slowest.truncate(SLOWEST);
    }
}

/// One template's calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct TemplateTime {
    /// Outputs rendered with it.
    pub calls: usize,
    /// Their rendering time, added up.
    pub total: Duration,
    /// The longest of them.
    pub max: Duration,
}

/// One output's rendering time.
#[derive(Clone, Debug)]
pub struct OutputTime {
    /// Its path in the output folder.
    pub output: String,
    /// The template it was rendered with.
    pub template: String,
    /// Context and template, without writing.
    pub time: Duration,
}

/// `1.23 s`, `45 ms`, `0.31 ms`; French writes a decimal comma.
fn seconds(d: Duration, lang: Lang) -> String {
    let s = d.as_secs_f64();
    let text = if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.01 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{:.2} ms", s * 1e3)
    };
    match lang {
        Lang::En => text,
        Lang::Fr => text.replace('.', ","),
    }
}

/// `part` of `whole` as `42%` (`42 %` in French).
fn percent(part: Duration, whole: Duration, lang: Lang) -> String {
    let whole = whole.as_secs_f64();
    let share = if whole > 0.0 {
        100.0 * part.as_secs_f64() / whole
    } else {
        0.0
    };
    match lang {
        Lang::En => format!("{share:.0}%"),
        Lang::Fr => format!("{share:.0} %"),
    }
}

/// Rows as aligned columns, indented by two spaces; `right[i]` aligns
/// column `i` to the right (numbers).
fn table(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            line.push_str("  ");
            if right.get(c).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn slowest_keeps_the_longest_in_order() {
        let mut r = Renders::default();
        for n in 0..30u64 {
            // Out of order on purpose: 0, 7, 14, ... modulo 30.
            let t = (n * 7) % 30;
            r.add(&format!("p{t}/index.html"), "page.html", ms(t), ms(1));
        }
        let times: Vec<u64> = r
            .slowest
            .iter()
            .map(|o| u64::try_from(o.time.as_millis()).unwrap())
            .collect();
        assert_eq!(times, (20..30).rev().collect::<Vec<_>>());
        assert_eq!(r.slowest[0].output, "p29/index.html");
        let page = &r.templates["page.html"];
        assert_eq!((page.calls, page.max), (30, ms(29)));
        assert_eq!(page.total, ms((0..30).sum()));
        assert_eq!(r.write, ms(30));
    }

    #[test]
    fn report_sorts_by_cost_in_both_languages() {
        let mut t = Timings::default();
        t.stages.push((tr!("Markdown", "Markdown"), ms(300)));
        t.stages.push((tr!("HTML pages", "pages HTML"), ms(1500)));
        t.renders.threads = 2;
        t.renders.add("a/index.html", "page.html", ms(2), ms(1));
        t.renders.add("index.html", "index.html", ms(40), ms(1));
        let en = t.report(ms(2000), Lang::En);
        let html = en.find("HTML pages").unwrap();
        assert!(html < en.find("Markdown").unwrap(), "{en}");
        assert!(en.contains("HTML pages  1.50 s    75%"), "{en}");
        assert!(en.contains("over 2 threads"), "{en}");
        assert!(
            en.find("index.html      1").unwrap() < en.find("page.html       1").unwrap(),
            "{en}"
        );
        assert!(en.contains("  40 ms  index.html    (index.html)"), "{en}");
        let fr = t.report(ms(2000), Lang::Fr);
        assert!(fr.contains("pages HTML  1,50 s  75 %"), "{fr}");
        assert!(fr.contains("en tout 2,00 s) :"), "{fr}");
        assert!(fr.contains("Sorties les plus lentes (rendu) :"), "{fr}");
    }
}
