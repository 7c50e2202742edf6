//! Commands printed in hints and messages, with the flags that make them run as printed:
//! `--kubeconfig` and `--context` when they were given, and `-n` with the namespace used.

use std::sync::Mutex;

static PREFIX: Mutex<Option<String>> = Mutex::new(None);

/// A word as a shell reads it: quoted only when it has to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `k0smotron` and the flags of this run that a printed command needs.
pub fn prefix(
    kubeconfig: Option<&std::path::Path>,
    context: Option<&str>,
    namespace: &str,
) -> String {
    let mut p = String::from("k0smotron");
    if let Some(k) = kubeconfig {
        p.push_str(&format!(
            " --kubeconfig {}",
            shell_word(&k.to_string_lossy())
        ));
    }
    if let Some(c) = context {
        p.push_str(&format!(" --context {}", shell_word(c)));
    }
    p.push_str(&format!(" -n {}", shell_word(namespace)));
    p
}

/// Set when the command knows its namespace (after connecting; again by `create` when its
/// document names another).
pub fn set(kubeconfig: Option<&std::path::Path>, context: Option<&str>, namespace: &str) {
    if let Ok(mut p) = PREFIX.lock() {
        *p = Some(prefix(kubeconfig, context, namespace));
    }
}

/// `k0smotron [flags] ARGS`, for a hint.
pub fn command(args: &str) -> String {
    let prefix = PREFIX
        .lock()
        .ok()
        .and_then(|p| p.clone())
        .unwrap_or_else(|| "k0smotron".into());
    format!("{prefix} {args}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_given_are_kept_and_quoted_where_needed() {
        assert_eq!(prefix(None, None, "cps"), "k0smotron -n cps");
        assert_eq!(
            prefix(
                Some(std::path::Path::new("/tmp/my config")),
                Some("prod"),
                "cps"
            ),
            "k0smotron --kubeconfig '/tmp/my config' --context prod -n cps"
        );
    }
}
