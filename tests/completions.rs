//! The scripts in `completions/` are what `k0smotron completion SHELL` prints.
//! Regenerate them with `UPDATE_COMPLETIONS=1 cargo test --test completions`.

mod support;

const FILES: &[(&str, &str)] = &[
    ("bash", "completions/k0smotron.bash"),
    ("zsh", "completions/_k0smotron"),
    ("fish", "completions/k0smotron.fish"),
    ("powershell", "completions/_k0smotron.ps1"),
    ("elvish", "completions/k0smotron.elv"),
];

#[test]
fn committed_completions_are_current() {
    let home = tempfile::tempdir().unwrap();
    for (shell, file) in FILES {
        let out = support::bare(home.path())
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{file} is stale: run UPDATE_COMPLETIONS=1 cargo test --test completions"
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("doctor") && text.contains("kubeconfig"),
            "{shell} completion lists commands and flags"
        );
    }
}
