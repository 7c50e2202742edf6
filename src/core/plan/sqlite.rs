//! kine's SQLite database in the controller pod: how `backup` copies it and how `restore`
//! puts it in place before k0s first starts.

use serde_json::{Value, json};

use crate::core::spec::K0S_DATA_DIR;

/// The init container of a restore, after `certs-init` (named as etcd's).
pub use super::etcd::RESTORE_CONTAINER;
/// Where `restore` streams the database to (on the data volume, so a rename puts it in
/// place).
pub const RESTORE_FILE: &str = "/var/lib/k0s/k0smotron-restore.db";
/// The entry `k0s backup` gives the database copy in its archive.
const K0S_BACKUP_ENTRY: &str = "kine-state-backup.db";

/// The k0s flags `k0s backup` must share with `k0s controller` to find the same
/// configuration and data directory.
fn shared_flags(controller_flags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut flags = controller_flags.iter();
    while let Some(flag) = flags.next() {
        for name in ["--config", "-c", "--data-dir"] {
            if flag == name {
                out.push(flag.clone());
                out.extend(flags.next().cloned());
            } else if flag.starts_with(&format!("{name}=")) {
                out.push(flag.clone());
            }
        }
    }
    out
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Run in the controller container by `backup`: `k0s backup` copies the live database
/// with SQLite's `VACUUM INTO` (one read transaction, so a consistent copy while kine
/// keeps writing) and archives it with k0s's PKI and configuration; only the database
/// leaves the pod, on standard output. Logs go to standard error; the copy is removed
/// whatever happens.
pub fn backup_script(controller_flags: &[String]) -> String {
    let flags: Vec<String> = shared_flags(controller_flags)
        .iter()
        .map(|f| shell_quote(f))
        .collect();
    format!(
        "set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; \
k0s backup --save-path - {flags} > \"$d/k0s.tar.gz\"; \
tar xzf \"$d/k0s.tar.gz\" -C \"$d\" {K0S_BACKUP_ENTRY}; \
cat \"$d/{K0S_BACKUP_ENTRY}\"",
        flags = flags.join(" ")
    )
}

/// What the restore init container runs: a volume that has the database already (a
/// later start) goes on at once; else it waits for the file `restore` streams in and
/// moves it into place. Past `K0SMOTRON_RESTORE_UNTIL` it waits no longer, so the
/// container, which stays in the template, never holds up a later start (an emptyDir
/// volume, empty again after the pod is replaced, starts empty as it always does).
pub fn restore_script(db: &str) -> String {
    format!(
        r#"set -eu
db={db}
if [ -e "$db" ]; then exit 0; fi
echo "waiting for the database"
until [ -e {RESTORE_FILE} ]; do
  if [ "$(date +%s)" -ge "$K0SMOTRON_RESTORE_UNTIL" ]; then
    echo "no database came before $K0SMOTRON_RESTORE_UNTIL: starting without one"
    exit 0
  fi
  sleep 1
done
mkdir -p "$(dirname "$db")"
rm -f "$db-wal" "$db-shm"
mv {RESTORE_FILE} "$db"
"#
    )
}

/// The restore init container for the controller pod: its image, data mount and
/// environment (the pod name a hostPath sub-path needs).
pub fn restore_container(
    db: &str,
    until: i64,
    image: &str,
    data_mount: &Value,
    env: &Value,
) -> Value {
    let mut env = env.as_array().cloned().unwrap_or_default();
    env.push(json!({"name": "K0SMOTRON_RESTORE_UNTIL", "value": until.to_string()}));
    json!({
        "name": RESTORE_CONTAINER,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "command": ["/bin/sh", "-c", restore_script(db)],
        "env": env,
        "volumeMounts": [data_mount],
    })
}

/// Whether `db` is on the data volume, where the restore init container can put it.
pub fn on_data_volume(db: &str) -> bool {
    db.starts_with(&format!("{K0S_DATA_DIR}/")) && !db.contains("/../")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_passes_the_controllers_config_and_data_dir_only() {
        let flags: Vec<String> = [
            "--debug",
            "--config=/etc/x.yaml",
            "--data-dir",
            "/data",
            "--enable-dynamic-config",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            shared_flags(&flags),
            ["--config=/etc/x.yaml", "--data-dir", "/data"]
        );
        let script = backup_script(&flags);
        assert!(
            script
                .contains("k0s backup --save-path - '--config=/etc/x.yaml' '--data-dir' '/data' >"),
            "{script}"
        );
        assert!(on_data_volume("/var/lib/k0s/db/state.db"));
        assert!(!on_data_volume("/tmp/state.db") && !on_data_volume("/var/lib/k0s/../x.db"));
    }
}
