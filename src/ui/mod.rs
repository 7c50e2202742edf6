//! All terminal output: data on stdout, checklists, notes and errors on stderr, colour only
//! where it helps (a terminal, no `--no-color`, no `NO_COLOR`).

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
    color: bool,
    verbose: u8,
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Ui {
    pub fn new(no_color: bool, verbose: u8) -> Self {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ui {
            color: !no_color && !env_off && std::io::stderr().is_terminal(),
            verbose,
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
        let mark = match status {
            Status::Pass => self.paint(GREEN, "✓"),
            Status::Fail => self.paint(RED, "✗"),
            Status::Warn => self.paint(YELLOW, "!"),
            Status::Skip => self.paint(DIM, "-"),
        };
        eprintln!("{mark} {message}");
    }

    pub fn note(&self, message: &str) {
        eprintln!("{message}");
    }

    /// Shown with `-v`.
    pub fn detail(&self, message: &str) {
        if self.verbose > 0 {
            eprintln!("{}", self.paint(DIM, message));
        }
    }

    pub fn error(&self, message: &str) {
        eprintln!("{} {message}", self.paint(RED, "error:"));
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
