//! All terminal output: data on stdout, checklists, notes and errors on stderr, colour only
//! where it helps (a terminal, no `--no-color`, no `NO_COLOR`).

pub mod hint;
mod table;

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::core::doctor::Status;
use crate::error::Failure;

/// `-o/--output`; each command says which it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Yaml,
    Wide,
    Name,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Yaml => "yaml",
            OutputFormat::Wide => "wide",
            OutputFormat::Name => "name",
        }
    }

    /// `Ok(None)` for the human format; a usage error when `command` does not support `self`.
    pub fn check(
        format: Option<Self>,
        command: &str,
        supported: &[Self],
    ) -> Result<Option<Self>, Failure> {
        match format {
            Some(f) if !supported.contains(&f) => {
                let list: Vec<&str> = supported.iter().map(|s| s.as_str()).collect();
                Err(Failure::Usage(format!(
                    "--output {}: not supported by `{command}` (supported: {})",
                    f.as_str(),
                    list.join(", ")
                )))
            }
            other => Ok(other),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Colour and spinners: stderr is a terminal, and neither `--no-color` nor `NO_COLOR`.
    color: bool,
    verbose: u8,
    quiet: bool,
}

/// Every spinner on screen is drawn by this one owner (steps can overlap: key generation
/// runs beside the first reads); two bars drawing on their own leave each other's frames
/// behind.
fn spinners() -> &'static indicatif::MultiProgress {
    static MULTI: std::sync::OnceLock<indicatif::MultiProgress> = std::sync::OnceLock::new();
    MULTI.get_or_init(|| {
        indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::term_like(
            Box::new(SpinnerTerm(console::Term::stderr())),
        ))
    })
}

/// stderr as the spinners see it: two columns narrower than it is. indicatif fills a
/// spinner's line to the last column, so the `^C` a terminal echoes on Ctrl-C would wrap
/// onto a new line and the spinner's frame, no longer under the cursor, would stay behind.
#[derive(Debug)]
struct SpinnerTerm(console::Term);

impl indicatif::TermLike for SpinnerTerm {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Print a line on stderr, above any spinner.
fn line(text: &str) {
    spinners().suspend(|| eprintln!("{text}"));
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Ui {
    pub fn new(no_color: bool, verbose: u8, quiet: bool) -> Self {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            color: !no_color && !env_off && std::io::stderr().is_terminal(),
            verbose,
            quiet,
        }
    }

    fn paint(&self, color: &str, text: &str) -> String {
        if self.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// One line of a checklist: ✓ passed, ✗ failed, ! warning, - skipped.
    pub fn check(&self, status: Status, message: &str) {
        // --quiet keeps what needs attention.
        if self.quiet && matches!(status, Status::Pass | Status::Skip) {
            return;
        }
        let mark = match status {
            Status::Pass => self.paint(GREEN, "✓"),
            Status::Fail => self.paint(RED, "✗"),
            Status::Warn => self.paint(YELLOW, "!"),
            Status::Skip => self.paint(DIM, "-"),
        };
        line(&format!("{mark} {message}"));
    }

    pub fn note(&self, message: &str) {
        if !self.quiet {
            line(message);
        }
    }

    /// Shown with `-v`.
    pub fn detail(&self, message: &str) {
        if self.verbose > 0 {
            line(&self.paint(DIM, message));
        }
    }

    pub fn error(&self, message: &str) {
        line(&format!("{} {message}", self.paint(RED, "error:")));
    }

    /// Data for scripts: stdout only.
    pub fn data(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
    }

    /// The width of the terminal stdout goes to (`COLUMNS` wins, as for `ls`); `None` when
    /// stdout is no terminal, where tables are printed whole for scripts.
    pub fn data_width(&self) -> Option<usize> {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        let from_env = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|c| *c > 0);
        from_env.or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, cols)| cols as usize)
                .filter(|c| *c > 0)
        })
    }

    /// The width of the terminal stderr goes to, for notes that list many names.
    pub fn note_width(&self) -> Option<usize> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        console::Term::stderr()
            .size_checked()
            .map(|(_, cols)| cols as usize)
            .filter(|c| *c > 0)
    }

    /// `value` as JSON or YAML on stdout.
    pub fn structured<T: Serialize>(&self, value: &T, format: OutputFormat) -> Result<(), Failure> {
        let text = match format {
            OutputFormat::Yaml => serde_saphyr::to_string(value)
                .map_err(|e| Failure::Failed(format!("cannot render YAML: {e}")))?,
            _ => serde_json::to_string_pretty(value)
                .map_err(|e| Failure::Failed(format!("cannot render JSON: {e}")))?,
        };
        self.data(&text);
        Ok(())
    }
}

/// One named step of a multi-step command: a spinner while it runs on a terminal, and a
/// status line when it ends (`✓ Writing objects (0.4s)`), like kind's create actions.
pub struct Step {
    title: String,
    started: std::time::Instant,
    spinner: Option<indicatif::ProgressBar>,
    ui: Ui,
    /// Without a terminal, a progress line is printed only when it says something new.
    last: std::sync::Mutex<String>,
}

impl Ui {
    pub fn step(&self, title: &str) -> Step {
        let spinner = (self.color && !self.quiet).then(|| {
            let pb = spinners().add(indicatif::ProgressBar::new_spinner());
            // Long waits say how long they have been waiting.
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            {
                pb.set_style(style);
            }
            pb.set_message(title.to_string());
            pb.enable_steady_tick(std::time::Duration::from_millis(100));
            pb
        });
        Step {
            title: title.to_string(),
            started: std::time::Instant::now(),
            spinner,
            ui: *self,
            last: Default::default(),
        }
    }
}

impl Step {
    /// Change what the spinner says (or, without a terminal, print a progress line).
    pub fn update(&self, message: &str) {
        match &self.spinner {
            Some(pb) => pb.set_message(format!("{}: {message}", self.title)),
            None => {
                let mut last = self.last.lock().expect("step lock");
                if *last != message {
                    self.ui.note(&format!("  {}: {message}", self.title));
                    *last = message.to_string();
                }
            }
        }
    }

    fn finish(self, status: Status, detail: &str) {
        self.clear();
        let secs = self.started.elapsed().as_secs_f64();
        let text = if detail.is_empty() {
            format!("{} ({secs:.1}s)", self.title)
        } else {
            format!("{}: {detail} ({secs:.1}s)", self.title)
        };
        self.ui.check(status, &text);
    }

    fn clear(&self) {
        if let Some(pb) = &self.spinner {
            pb.finish_and_clear();
            spinners().remove(pb);
        }
    }

    pub fn done(self, detail: &str) {
        self.finish(Status::Pass, detail);
    }

    pub fn failed(self, detail: &str) {
        self.finish(Status::Fail, detail);
    }

    /// Done or failed, as `result` says; the result is handed back.
    pub fn end<T, E>(self, result: Result<T, E>) -> Result<T, E> {
        self.end_with(result, |_| String::new())
    }

    /// As `end`, with what `detail` says of the result on the done line.
    pub fn end_with<T, E>(
        self,
        result: Result<T, E>,
        detail: impl FnOnce(&T) -> String,
    ) -> Result<T, E> {
        match &result {
            Ok(t) => self.done(&detail(t)),
            Err(_) => self.failed(""),
        }
        result
    }

    /// A note under the step, above its spinner (warnings while waiting).
    pub fn warn(&self, message: &str) {
        self.ui.check(Status::Warn, message);
    }
}

/// A step dropped unfinished (an error or Ctrl-C took another path) leaves no frame behind.
impl Drop for Step {
    fn drop(&mut self) {
        self.clear();
    }
}

pub use crate::core::count;
pub use table::{Fit, table, wrap_list};
