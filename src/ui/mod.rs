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

/// Spinners on screen now (steps can overlap: key generation runs beside the first reads).
/// A line printed while one spins goes above it, or the spinner's frame stays behind.
static SPINNING: std::sync::Mutex<Vec<indicatif::ProgressBar>> = std::sync::Mutex::new(Vec::new());

/// Print a line on stderr, above any spinner.
fn line(text: &str) {
    let spinning = SPINNING.lock().map(|s| s.last().cloned()).unwrap_or(None);
    match spinning {
        Some(pb) => pb.suspend(|| eprintln!("{text}")),
        None => eprintln!("{text}"),
    }
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
            let pb = indicatif::ProgressBar::new_spinner();
            // Long waits say how long they have been waiting.
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            {
                pb.set_style(style);
            }
            pb.set_message(title.to_string());
            pb.enable_steady_tick(std::time::Duration::from_millis(100));
            if let Ok(mut spinning) = SPINNING.lock() {
                spinning.push(pb.clone());
            }
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
        if let Some(pb) = &self.spinner {
            pb.finish_and_clear();
            // Clones share their state: this one now reads as finished in the list too.
            if let Ok(mut spinning) = SPINNING.lock() {
                spinning.retain(|other| !other.is_finished());
            }
        }
        let secs = self.started.elapsed().as_secs_f64();
        let text = if detail.is_empty() {
            format!("{} ({secs:.1}s)", self.title)
        } else {
            format!("{}: {detail} ({secs:.1}s)", self.title)
        };
        self.ui.check(status, &text);
    }

    pub fn done(self, detail: &str) {
        self.finish(Status::Pass, detail);
    }

    pub fn failed(self, detail: &str) {
        self.finish(Status::Fail, detail);
    }

    /// A note under the step, above its spinner (warnings while waiting).
    pub fn warn(&self, message: &str) {
        self.ui.check(Status::Warn, message);
    }
}

pub use crate::core::count;
pub use table::{Fit, table};
