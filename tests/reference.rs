//! The command reference (docs/commands.md below its marker) and the man pages (docs/man/)
//! are generated from the clap definition; these tests fail when they are stale. Regenerate
//! with `UPDATE_DOCS=1 cargo test --test reference`. A third test runs every `k0smotron …`
//! line of the docs' code blocks through the same definition.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const MARKER: &str = "<!-- Everything below is generated from the clap definition: UPDATE_DOCS=1 cargo test --test reference -->";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

/// Write `text` to `path` when updating; otherwise fail when they differ.
fn check(path: &Path, text: &str) {
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: run UPDATE_DOCS=1 cargo test --test reference",
        path.display()
    );
}

/// `--long, -s VALUE` as a user types it.
fn flag(arg: &clap::Arg) -> String {
    let mut names = Vec::new();
    if let Some(l) = arg.get_long() {
        names.push(format!("--{l}"));
    }
    if let Some(s) = arg.get_short() {
        names.push(format!("-{s}"));
    }
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values())
        && !matches!(
            arg.get_action(),
            clap::ArgAction::SetTrue | clap::ArgAction::Count
        );
    let value = arg
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
    if arg.is_positional() {
        return if arg.is_required_set() {
            value
        } else {
            format!("[{value}]")
        };
    }
    let names = names.join(", ");
    if takes_value {
        format!("{names} {value}")
    } else {
        names
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// One table row: the argument as typed, its default, its help and its possible values.
fn row(a: &clap::Arg) -> String {
    let switch = matches!(
        a.get_action(),
        clap::ArgAction::SetTrue | clap::ArgAction::SetFalse | clap::ArgAction::Count
    );
    let default: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|_| !switch)
        .collect();
    let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !values.is_empty() && a.get_action().takes_values() {
        let sep = if help.ends_with('.') { " " } else { ". " };
        let _ = write!(help, "{sep}One of {}.", values.join(", "));
    }
    format!(
        "| `{}` | {} | {} |",
        flag(a),
        cell(&default.join(", ")),
        cell(&help)
    )
}

fn section(out: &mut String, cmd: &clap::Command, path: &str) {
    let _ = writeln!(out, "## `{path}`\n");
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let aliases: Vec<&str> = cmd.get_visible_aliases().collect();
    if !aliases.is_empty() {
        let _ = writeln!(out, "Also: `{}`.\n", aliases.join("`, `"));
    }
    let mut usage = cmd.clone().bin_name(path.to_string());
    let usage = usage.render_usage().to_string();
    let _ = writeln!(
        out,
        "```\n{}\n```\n",
        usage.trim_start_matches("Usage: ").trim()
    );
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .collect();
    if !args.is_empty() {
        let _ = writeln!(out, "| argument | default | meaning |\n|---|---|---|");
        for a in args {
            let _ = writeln!(out, "{}", row(a));
        }
        let _ = writeln!(out);
    }
    if let Some(after) = cmd.get_after_help() {
        let text = after.to_string();
        if let Some(examples) = text.strip_prefix("Examples:\n") {
            let lines: Vec<&str> = examples.lines().map(str::trim).collect();
            let _ = writeln!(out, "Examples:\n\n```\n{}\n```\n", lines.join("\n"));
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        section(out, sub, &format!("{path} {}", sub.get_name()));
    }
}

fn reference() -> String {
    let mut cmd = k0smotron::cli::command();
    // Building settles what clap derives late (how many values each flag takes).
    cmd.build();
    let mut out = String::new();
    let _ = writeln!(out, "## Global flags\n");
    let _ = writeln!(out, "| flag | default | meaning |\n|---|---|---|");
    for a in cmd.get_arguments().filter(|a| a.is_global_set()) {
        let _ = writeln!(out, "{}", row(a));
    }
    let _ = writeln!(out);
    for sub in cmd.get_subcommands() {
        if sub.get_name() != "help" {
            section(&mut out, sub, &format!("k0smotron {}", sub.get_name()));
        }
    }
    out
}

#[test]
fn commands_md_is_current() {
    let path = root().join("docs/commands.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, _) = text
        .split_once(MARKER)
        .unwrap_or_else(|| panic!("docs/commands.md lost its marker line: {MARKER}"));
    check(&path, &format!("{head}{MARKER}\n\n{}", reference()));
}

/// Man pages: `k0smotron.1` and one per command (`k0smotron-create.1`, `k0smotron-join-token-worker.1`).
fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let page = cmd
        .clone()
        .name(&*Box::leak(name.to_string().into_boxed_str()))
        .bin_name(name.replace('-', " "));
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page).render(&mut bytes).unwrap();
    out.push((format!("{name}.1"), bytes));
    for sub in cmd.get_subcommands() {
        if sub.get_name() != "help" && !sub.is_hide_set() {
            man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
        }
    }
}

#[test]
fn man_pages_are_current() {
    let mut pages = Vec::new();
    man_pages(&k0smotron::cli::command(), "k0smotron", &mut pages);
    let dir = root().join("docs/man");
    for (file, bytes) in &pages {
        check(&dir.join(file), &String::from_utf8(bytes.clone()).unwrap());
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    let mut expected: Vec<String> = pages.into_iter().map(|(f, _)| f).collect();
    expected.sort();
    assert_eq!(committed, expected, "docs/man holds pages of no command");
}

/// Split a shell line into words (quotes respected), up to the first shell operator.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if started || !cur.is_empty() {
        out.push(cur);
    }
    let end = out
        .iter()
        .position(|w| {
            matches!(w.as_str(), "|" | "||" | "&&" | ";" | "&" | "\\")
                || w.starts_with('>')
                || w.starts_with("2>")
                || w.starts_with('<')
                || w == "#"
        })
        .unwrap_or(out.len());
    out.truncate(end);
    out
}

/// README.md and docs/*.md.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files
}

/// Every `k0smotron …` command line in fenced code blocks of the README and docs/*.md, with
/// where it is. Synopsis lines (with `[optional]` parts or `...`) are left out.
fn documented_lines() -> Vec<(String, Vec<String>)> {
    let files = doc_files();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // The generated reference is clap's own usage; the hand-written part is checked.
        let text = text.split(MARKER).next().unwrap_or_default();
        let mut fenced = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if !fenced {
                continue;
            }
            let line = line.trim().trim_start_matches("$ ").trim();
            let line = line
                .strip_prefix("kubectl ")
                .filter(|l| l.starts_with("k0smotron "))
                .unwrap_or(line);
            let mut w = words(line);
            if w.first().map(String::as_str) != Some("k0smotron") {
                continue;
            }
            let at = format!("{}:{}", file.strip_prefix(root()).unwrap().display(), n + 1);
            w.retain(|x| !x.is_empty());
            out.push((at, w));
        }
    }
    out
}

/// A synopsis line (`[optional]` parts, `A|B` choices, `NAME...`): the command it names
/// exists and each `--flag` it mentions is one of that command's (or a global one).
fn check_synopsis(words: &[String]) -> Result<(), String> {
    let root = k0smotron::cli::command();
    let mut cmd = &root;
    for w in &words[1..] {
        match cmd.find_subcommand(w) {
            Some(sub) => cmd = sub,
            None => break,
        }
    }
    let known = |long: &str| {
        cmd.get_arguments()
            .chain(root.get_arguments())
            .any(|a| a.get_long() == Some(long))
    };
    for w in words {
        for part in w.split(['[', ']', '|']) {
            if let Some(long) = part.strip_prefix("--") {
                let long = long.split('=').next().unwrap_or_default();
                if !long.is_empty() && !known(long) && long != "help" {
                    return Err(format!("no flag --{long} in `{}`", cmd.get_name()));
                }
            }
        }
    }
    Ok(())
}

/// The examples each command's `--help` ends with.
fn help_examples() -> Vec<(String, Vec<String>)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        if let Some(after) = cmd.get_after_help() {
            for line in after.to_string().lines().skip(1) {
                out.push((format!("`{path} --help`"), words(line.trim())));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&k0smotron::cli::command(), "k0smotron", &mut out);
    out
}

#[test]
fn every_command_has_examples() {
    /// `path` of every command and subcommand without examples at the end of its --help.
    fn without_examples(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let here = format!("{path} {}", s.get_name());
            if s.get_after_help()
                .is_none_or(|h| !h.to_string().starts_with("Examples:"))
            {
                out.push(here.clone());
            }
            without_examples(s, &here, out);
        }
    }
    let mut without = Vec::new();
    without_examples(&k0smotron::cli::command(), "k0smotron", &mut without);
    assert!(without.is_empty(), "no examples in --help: {without:?}");
}

#[test]
fn every_command_line_in_the_docs_is_accepted() {
    let mut lines = documented_lines();
    lines.extend(help_examples());
    assert!(lines.len() >= 30, "found only {} lines", lines.len());
    let mut refused = Vec::new();
    let mut synopses = 0;
    for (at, words) in &lines {
        if words
            .iter()
            .any(|x| x.contains('[') || x.contains("...") || x.contains('|'))
        {
            synopses += 1;
            if let Err(e) = check_synopsis(words) {
                refused.push(format!("{at}: {}\n{e}", words.join(" ")));
            }
            continue;
        }
        match k0smotron::cli::command().try_get_matches_from(words) {
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
                ) => {}
            Err(e) => refused.push(format!("{at}: {}\n{}", words.join(" "), e.render())),
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
    eprintln!(
        "{} documented command lines: {} run through the parser, {synopses} synopses checked flag by flag",
        lines.len(),
        lines.len() - synopses
    );
}

/// The README and the docs link only to files inside the repository (users never see the
/// files it was built from), and every linked file exists. The docs may link to k0s's own
/// documentation, which users have.
#[test]
fn links_stay_inside_the_repository() {
    let files = doc_files();
    let mut bad = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let readme = file.ends_with("README.md");
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let target = &rest[..rest.find(')').unwrap_or(rest.len())];
            let at = file.strip_prefix(root()).unwrap().display();
            if target.starts_with("http://") || target.starts_with("https://") {
                if readme || !target.starts_with("https://docs.k0sproject.io") {
                    bad.push(format!("{at}: {target} is outside the repository"));
                }
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            if !path.is_empty() && !file.parent().unwrap().join(path).exists() {
                bad.push(format!("{at}: {target} does not exist"));
            }
            if target.contains("shared") {
                bad.push(format!("{at}: {target}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
