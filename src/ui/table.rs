//! Tables as kubectl prints them (columns padded to their widest cell, three spaces apart),
//! and the fitting of one to a terminal's width.

/// Columns padded to their widest cell, three spaces apart.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths = widths(header, rows);
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let pad = widths[i].saturating_sub(c.chars().count());
                s.push_str(c);
                s.push_str(&" ".repeat(pad + GAP));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

const GAP: usize = 3;
/// A shortened cell keeps at least this many characters (one of them the `…`).
const NARROWEST: usize = 8;

fn widths(header: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    widths
}

fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
}

/// How a table gives way on a narrow terminal: first whole columns go (least useful first),
/// then the cells of some columns are cut short in the middle, marked with `…`.
pub struct Fit<'a> {
    pub drop_first: &'a [&'a str],
    pub truncate_first: &'a [&'a str],
}

/// What was left out to fit, for a note.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fitted {
    pub dropped: Vec<String>,
    pub truncated: Vec<String>,
}

impl Fit<'_> {
    /// Narrow `header` and `rows` to `width` characters, as far as the rules allow.
    pub fn apply(&self, header: &mut Vec<&str>, rows: &mut [Vec<String>], width: usize) -> Fitted {
        let mut fitted = Fitted::default();
        for column in self.drop_first {
            if total(&widths(header, rows)) <= width {
                return fitted;
            }
            if let Some(i) = header.iter().position(|h| h == column) {
                header.remove(i);
                for r in rows.iter_mut() {
                    r.remove(i);
                }
                fitted.dropped.push(column.to_string());
            }
        }
        for column in self.truncate_first {
            let current = widths(header, rows);
            let over = total(&current).saturating_sub(width);
            if over == 0 {
                break;
            }
            let Some(i) = header.iter().position(|h| h == column) else {
                continue;
            };
            let keep = current[i]
                .saturating_sub(over)
                .max(NARROWEST)
                .max(header[i].chars().count());
            if keep >= current[i] {
                continue;
            }
            for r in rows.iter_mut() {
                r[i] = shorten(&r[i], keep);
            }
            fitted.truncated.push(column.to_string());
        }
        fitted
    }
}

/// `text` in at most `keep` characters: its start and its end around a `…`, since names
/// that differ tend to differ at the end (`ci-41`, `ci-42`).
fn shorten(text: &str, keep: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= keep {
        return text.to_string();
    }
    let tail = (keep - 1) / 2;
    let head = keep - 1 - tail;
    let mut s: String = chars[..head].iter().collect();
    s.push('…');
    s.extend(&chars[chars.len() - tail..]);
    s
}

/// `head` followed by `items` joined with `, `, broken into lines of at most `width`
/// characters between items (never inside a name), the lines after the first indented under
/// the first item.
pub fn wrap_list(head: &str, items: &[&str], width: Option<usize>) -> Vec<String> {
    let joined = format!("{head}{}", items.join(", "));
    let Some(width) = width.filter(|w| joined.chars().count() > *w) else {
        return vec![joined];
    };
    // Under the first item; a head wider than half the line stands alone instead, its items
    // on the lines below, indented a little deeper than it.
    let head_width = head.chars().count();
    let head_may_break = head_width > width / 2;
    let indent = if head_may_break {
        " ".repeat(head.len() - head.trim_start().len() + 4)
    } else {
        " ".repeat(head_width)
    };
    let mut lines = Vec::new();
    let mut current = head.to_string();
    let mut at_start = true;
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.to_string()
        };
        let sep = if at_start { "" } else { " " };
        let fits = current.chars().count() + sep.len() + piece.chars().count() <= width;
        if !fits && (!at_start || head_may_break) {
            lines.push(current.trim_end().to_string());
            current = indent.clone();
        } else {
            current.push_str(sep);
        }
        current.push_str(&piece);
        at_start = false;
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "a-rather-long-name-for-a-control-plane-in-ci".into(),
            "v1.36.3+k0s.2".into(),
            "https://10.96.0.17:30443".into(),
            "5m".into(),
        ]]
    }

    const FIT: Fit = Fit {
        drop_first: &["VERSION", "AGE"],
        truncate_first: &["NAME", "ENDPOINT"],
    };

    #[test]
    fn lists_break_between_names_under_their_first() {
        let names = ["demo-ca", "demo-etcd", "demo-etcd-peer", "demo-kubeconfig"];
        assert_eq!(
            wrap_list("  secrets: ", &names, None),
            vec!["  secrets: demo-ca, demo-etcd, demo-etcd-peer, demo-kubeconfig"]
        );
        assert_eq!(
            wrap_list("  secrets: ", &names, Some(40)),
            vec![
                "  secrets: demo-ca, demo-etcd,",
                "           demo-etcd-peer,",
                "           demo-kubeconfig",
            ]
        );
        // A long head gives its first item a line of its own.
        assert_eq!(
            wrap_list(
                "  claims (data: deleted with them): ",
                &["etcd-data-kmc-x-0"],
                Some(40)
            ),
            vec![
                "  claims (data: deleted with them):",
                "      etcd-data-kmc-x-0",
            ]
        );
    }

    #[test]
    fn a_wide_terminal_changes_nothing() {
        let mut header = vec!["NAME", "VERSION", "ENDPOINT", "AGE"];
        let mut r = rows();
        let before = table(&header, &r);
        assert_eq!(FIT.apply(&mut header, &mut r, 200), Fitted::default());
        assert_eq!(table(&header, &r), before);
    }

    #[test]
    fn columns_go_before_cells_are_cut() {
        let mut header = vec!["NAME", "VERSION", "ENDPOINT", "AGE"];
        let mut r = rows();
        let fitted = FIT.apply(&mut header, &mut r, 80);
        assert_eq!(fitted.dropped, vec!["VERSION"]);
        assert!(fitted.truncated.is_empty());
        assert!(table(&header, &r).lines().all(|l| l.chars().count() <= 80));
    }

    #[test]
    fn cells_are_cut_with_an_ellipsis_to_fit() {
        let mut header = vec!["NAME", "VERSION", "ENDPOINT", "AGE"];
        let mut r = rows();
        let fitted = FIT.apply(&mut header, &mut r, 45);
        assert_eq!(fitted.dropped, vec!["VERSION", "AGE"]);
        assert_eq!(fitted.truncated, vec!["NAME"]);
        let text = table(&header, &r);
        assert!(text.lines().all(|l| l.chars().count() <= 45), "{text}");
        assert!(
            r[0][0].starts_with("a-rat") && r[0][0].ends_with("in-ci"),
            "{r:?}"
        );
        assert_eq!(r[0][0].matches('…').count(), 1, "{r:?}");
    }

    #[test]
    fn a_cell_is_never_cut_below_its_header_or_the_narrowest_width() {
        let mut header = vec!["NAME", "VERSION", "ENDPOINT", "AGE"];
        let mut r = rows();
        FIT.apply(&mut header, &mut r, 5);
        assert_eq!(r[0][0].chars().count(), NARROWEST);
        assert_eq!(r[0][1].chars().count(), NARROWEST);
    }
}
