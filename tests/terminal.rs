//! What a person at a terminal sees: `script` gives the binary a pseudo-terminal. Colour and
//! spinners only there, and only without `NO_COLOR`/`--no-color`; `--quiet` leaves data,
//! warnings and errors.

mod support;

use support::*;

/// `k0smotron ARGS` on a pseudo-terminal; everything it wrote, as the terminal got it.
fn on_a_terminal(env: &Env, args: &str, no_color: bool) -> String {
    // A terminal 80 columns wide, the smallest in common use.
    let cmd = format!(
        "stty cols 80 rows 24; {} --kubeconfig {} {args}",
        env!("CARGO_BIN_EXE_k0smotron"),
        env.kubeconfig.display()
    );
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &cmd, "/dev/null"])
        .env("HOME", env.dir.path())
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let out = script.output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

#[test]
fn a_terminal_gets_colour_and_a_spinner_with_elapsed_time() {
    let env = Env::with(|c| c.latency = std::time::Duration::from_millis(150));
    let text = on_a_terminal(&env, "create spun --key-algorithm ecdsa-p256", false);
    // The green ✓ of each finished step.
    assert!(text.contains("\x1b[32m✓\x1b[0m Checking names"), "{text:?}");
    // The spinner redraws its line (clear line) and says how long it has been going.
    assert!(text.contains("\x1b[2K"), "{text:?}");
    assert!(
        text.contains("Waiting for 1 controller replica") && text.contains("s)"),
        "{text:?}"
    );
}

#[test]
fn no_color_means_no_escape_codes_even_on_a_terminal() {
    let env = Env::new();
    let text = on_a_terminal(&env, "create plain --key-algorithm ecdsa-p256", true);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("✓ Checking names"), "{text:?}");
}

#[test]
fn quiet_leaves_only_data_and_what_needs_attention() {
    let env = Env::new();
    let out = run(
        &env,
        &[
            "create",
            "hushed",
            "--key-algorithm",
            "ecdsa-p256",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Warnings stay (a claim waiting for its volume is one); steps and notes do not.
    let err = stderr(&out);
    assert!(err.lines().all(|l| l.starts_with("! ")), "{err}");
    assert!(
        !err.contains('✓') && !err.contains("Creating control plane"),
        "{err}"
    );
    let out = run(&env, &["-q", "kubeconfig", "hushed"]);
    assert!(
        stdout(&out).contains("current-context:"),
        "data still on stdout"
    );
    let out = run(&env, &["-q", "status", "nothere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

#[test]
fn list_fits_a_narrow_terminal_and_a_pipe_gets_every_column() {
    let env = Env::new();
    let long = "a-control-plane-name-of-forty-three-letters";
    assert_eq!(long.len(), 43);
    create(&env, long, &["--no-wait", "--storage", "kine"]);
    create(&env, "cp-2", &["--no-wait", "--storage", "kine"]);
    // An 80-column terminal: no row wraps, what gave way is said, nothing is cut from NAME
    // while a column can still go.
    let text = on_a_terminal(&env, &format!("-n {} list", env.ns()), true);
    let text = text.replace('\r', "");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 80), "{text}");
    let header = lines.iter().find(|l| l.starts_with("NAME")).expect(&text);
    assert!(
        header.contains("STATUS") && header.contains("ENDPOINT"),
        "{text}"
    );
    assert!(!header.contains("SERVICE"), "{text}");
    assert!(text.contains("-o wide shows all"), "{text}");
    // Shortened in the middle: its start and its end are still there.
    assert!(
        text.contains("a-control-plan") && text.contains("-three-letters"),
        "{text}"
    );
    // A pipe gets the whole table.
    let out = run(&env, &["list"]);
    let piped = stdout(&out);
    assert!(piped.lines().next().unwrap().contains("SERVICE"), "{piped}");
}

/// Escape sequences out, for counting what a terminal shows.
fn visible(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters, then one final letter.
            if chars.peek() == Some(&'[') {
                chars.next();
                for f in chars.by_ref() {
                    if f.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn ctrl_c_on_a_terminal_leaves_no_spinner_frame_behind() {
    let env = Env::with(|c| c.latency = std::time::Duration::from_millis(150));
    // The terminal itself turns the Ctrl-C byte into SIGINT and echoes `^C` where the
    // cursor is, as a person's terminal does.
    let cmd = format!(
        "stty cols 80 rows 24; {} --kubeconfig {} create stopped --key-algorithm ecdsa-p256",
        env!("CARGO_BIN_EXE_k0smotron"),
        env.kubeconfig.display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "(sleep 1.2; printf '\\003'; sleep 8) | script -qec '{cmd}' /dev/null"
        ))
        .env("HOME", env.dir.path())
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("interrupted (Ctrl-C)"), "{text:?}");
    let echo = text.find("^C").expect("the terminal echoed ^C");
    // The spinner's frame ends short of the last column, so the echo stays on the frame's
    // row and the next redraw (carriage return, clear line) wipes both.
    let frame = &text[..echo];
    let row = frame.rsplit(['\r', '\n']).next().unwrap_or_default();
    let width = visible(row).chars().count() % 80;
    assert!(width > 0 && width <= 78, "{width}: {row:?}");
    let after = &text[echo..];
    assert!(after.contains("\x1b[2K"), "the frame is cleared: {after:?}");
}

#[test]
fn delete_lists_what_goes_in_lines_that_break_between_names() {
    let env = Env::new();
    let name = "a-name-long-enough-to-need-two-lines";
    create(&env, name, &["--no-wait"]);
    let text = on_a_terminal(&env, &format!("-n {} delete {name} --yes", env.ns()), true);
    let text = text.replace('\r', "");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // Every Secret's name is whole on some line, and a continuation line is indented under
    // the first name of its kind.
    for secret in [
        "-etcd-server",
        "-kubeconfig",
        "-apiserver-etcd-client",
        "-etcd-peer",
    ] {
        let full = format!("{name}{secret}");
        assert!(text.contains(&full), "{full} split in\n{text}");
    }
    assert!(text.contains("\n           a-name-long"), "{text}");
}
