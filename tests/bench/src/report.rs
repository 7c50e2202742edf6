//! Medians and ranges of samples, and the Markdown the run prints.

use std::fmt::Write;
use std::time::Duration;

use crate::process::Sample;

/// median (min–max) of some numbers.
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let mut v: Vec<f64> = values.into_iter().collect();
        v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        let n = v.len();
        let median = if n == 0 {
            0.0
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Spread {
            median,
            min: v.first().copied().unwrap_or_default(),
            max: v.last().copied().unwrap_or_default(),
        }
    }

    fn show(&self, unit: &str, decimals: usize) -> String {
        if self.min == self.max {
            format!("{:.decimals$} {unit}", self.median)
        } else {
            format!(
                "{:.decimals$} {unit} ({:.decimals$}–{:.decimals$})",
                self.median, self.min, self.max
            )
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn wall(samples: &[Sample]) -> Spread {
    Spread::of(samples.iter().map(|s| ms(s.wall)))
}

/// One line of a comparison: what ran, and its figures.
pub struct Row {
    pub what: String,
    pub samples: Vec<Sample>,
}

impl Row {
    fn cells(&self) -> [String; 6] {
        let s = &self.samples;
        [
            self.what.clone(),
            wall(s).show("ms", 0),
            Spread::of(s.iter().map(|x| x.requests as f64)).show("", 0),
            Spread::of(s.iter().map(|x| x.waves as f64)).show("", 0),
            Spread::of(s.iter().map(|x| ms(x.cpu))).show("ms", 0),
            Spread::of(s.iter().map(|x| x.peak_rss_kib as f64 / 1024.0)).show("MiB", 1),
        ]
    }
}

/// A table of pairs (k0smotron, then kubectl doing the same work) with the ratio of the
/// median wall times; a row without a partner stands alone.
pub fn table(out: &mut String, title: &str, pairs: &[(Row, Option<Row>)]) {
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(
        out,
        "| what | wall time | requests | waves | CPU time | peak memory | k0smotron / kubectl |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for (ours, theirs) in pairs {
        let ratio = theirs
            .as_ref()
            .map(|t| {
                format!(
                    "{:.2}",
                    wall(&ours.samples).median / wall(&t.samples).median
                )
            })
            .unwrap_or_default();
        let _ = writeln!(out, "| {} | {ratio} |", ours.cells().join(" | "));
        if let Some(t) = theirs {
            let _ = writeln!(out, "| {} | |", t.cells().join(" | "));
        }
    }
    let _ = writeln!(out);
}

/// A target and whether the run met it.
pub struct Target {
    pub rule: String,
    pub measured: String,
    pub met: bool,
}

pub fn targets(out: &mut String, targets: &[Target]) {
    let _ = writeln!(out, "### Targets\n");
    let _ = writeln!(out, "| target | measured | |");
    let _ = writeln!(out, "|---|---|---|");
    for t in targets {
        let mark = if t.met { "met" } else { "**gap**" };
        let _ = writeln!(out, "| {} | {} | {mark} |", t.rule, t.measured);
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        let s = Spread::of([5.0, 1.0, 3.0]);
        assert_eq!((s.median, s.min, s.max), (3.0, 1.0, 5.0));
        assert_eq!(Spread::of([4.0, 1.0, 3.0, 2.0]).median, 2.5);
        assert_eq!(Spread::of([2.0, 2.0]).show("ms", 0), "2 ms");
        assert_eq!(Spread::of([1.0, 2.0, 4.0]).show("ms", 0), "2 ms (1–4)");
    }
}
