//! Local files holding credentials: merging entries into the kubeconfig kubectl uses.
//! Each file is changed under a lock file (`FILE.lock`, as kubectl locks it), written to a
//! temporary file of mode 0600 beside it and renamed over it, so a reader never sees half a
//! file and two merges at once both land.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::core::kubeconfig_merge::{self, Entry};
use crate::error::Failure;

const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The files kubectl would read: `--kubeconfig`, else every file of `KUBECONFIG`, else
/// `~/.kube/config`.
pub fn kubectl_files(explicit: Option<&Path>) -> Result<Vec<PathBuf>, Failure> {
    if let Some(p) = explicit {
        return Ok(vec![p.to_path_buf()]);
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let files: Vec<PathBuf> = std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !files.is_empty() {
            return Ok(files);
        }
    }
    let home = dirs::home_dir().ok_or_else(|| {
        Failure::Failed("no home directory for ~/.kube/config; pass --kubeconfig".into())
    })?;
    Ok(vec![home.join(".kube").join("config")])
}

fn read(path: &Path) -> Result<Option<String>, Failure> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::Failed(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Where each entry goes: the file that defines an entry of that name, else the first file
/// that exists, else the first file of the list (kubectl's rules). `current-context` goes
/// to that default file.
fn plan(files: &[PathBuf], entries: &[Entry]) -> Result<(PathBuf, Vec<(PathBuf, Entry)>), Failure> {
    let mut parsed = Vec::new();
    for f in files {
        let doc: Option<Value> = read(f)?.and_then(|t| serde_saphyr::from_str(&t).ok());
        parsed.push((f.clone(), doc));
    }
    let default = parsed
        .iter()
        .find(|(_, d)| d.is_some())
        .map(|(f, _)| f.clone())
        .or_else(|| files.iter().find(|f| f.exists()).cloned())
        .unwrap_or_else(|| files[0].clone());
    let placed = entries
        .iter()
        .map(|e| {
            let home = parsed
                .iter()
                .find(|(_, d)| {
                    d.as_ref().is_some_and(|d| {
                        d[e.section]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|i| i["name"] == e.name.as_str()))
                    })
                })
                .map(|(f, _)| f.clone())
                .unwrap_or_else(|| default.clone());
            (home, e.clone())
        })
        .collect();
    Ok((default, placed))
}

struct Lock(PathBuf);

impl Lock {
    fn take(file: &Path) -> Result<Lock, Failure> {
        let mut name = file.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let start = Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
            {
                Ok(_) => return Ok(Lock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if start.elapsed() > LOCK_WAIT {
                        return Err(Failure::Failed(format!(
                            "{} is locked by {} for more than {}s; if no kubectl or k0smotron is writing it, remove the lock file",
                            file.display(),
                            path.display(),
                            LOCK_WAIT.as_secs()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    return Err(Failure::Failed(format!(
                        "cannot lock {}: {e}",
                        file.display()
                    )));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Write `text` to `path` through a temporary file of mode 0600 and a rename.
pub fn write_private(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Failed(format!("cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let tmp = dir.join(format!(
        ".{}.k0smotron-{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("kubeconfig"),
        std::process::id()
    ));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(fail)
}

/// What a merge did to one file.
pub struct Merged {
    pub file: PathBuf,
    pub names: Vec<String>,
    /// `false` when the file was written out whole (its layout was beyond the line editor).
    pub kept_layout: bool,
}

/// Merge `entries` (and `current-context`) into the kubeconfig kubectl uses.
pub fn merge(
    explicit: Option<&Path>,
    entries: &[Entry],
    current: Option<&str>,
) -> Result<Vec<Merged>, Failure> {
    let files = kubectl_files(explicit)?;
    let (default, placed) = plan(&files, entries)?;
    let mut targets: Vec<PathBuf> = placed.iter().map(|(f, _)| f.clone()).collect();
    if current.is_some() {
        targets.push(default.clone());
    }
    let mut done = Vec::new();
    for file in &targets {
        if done.iter().any(|m: &Merged| &m.file == file) {
            continue;
        }
        let mine: Vec<Entry> = placed
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, e)| e.clone())
            .collect();
        let here = current.filter(|_| *file == default);
        let _lock = Lock::take(file)?;
        let text = read(file)?.unwrap_or_default();
        let (merged, kept_layout) = kubeconfig_merge::merge(&text, &mine, here)
            .map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?;
        write_private(file, &merged)?;
        let mut names: Vec<String> = mine
            .iter()
            .map(|e| format!("{} {}", &e.section[..e.section.len() - 1], e.name))
            .collect();
        if let Some(c) = here {
            names.push(format!("current-context {c}"));
        }
        done.push(Merged {
            file: file.clone(),
            names,
            kept_layout,
        });
    }
    Ok(done)
}

/// What taking a control plane's entry out of one file did.
pub struct Removed {
    pub file: PathBuf,
    /// The context made current instead of the removed one: the mothership it remembered.
    pub switched_to: Option<String>,
}

/// Take entry `name` (cluster, user and context, as `kubeconfig --merge` wrote them) out of
/// the kubeconfig kubectl uses, where its cluster's server is `server`: an entry of that
/// name pointing elsewhere is somebody else's and stays. When it was the current context,
/// the mothership context it remembers becomes current (rather than none).
pub fn remove(explicit: Option<&Path>, name: &str, server: &str) -> Result<Vec<Removed>, Failure> {
    let mut changed = Vec::new();
    for file in kubectl_files(explicit)? {
        let Some(text) = read(&file)? else { continue };
        let Ok(doc) = serde_saphyr::from_str::<Value>(&text) else {
            continue;
        };
        let ours = doc["clusters"].as_array().is_some_and(|l| {
            l.iter()
                .any(|c| c["name"] == name && c["cluster"]["server"] == server)
        });
        if !ours {
            continue;
        }
        let _lock = Lock::take(&file)?;
        let text = read(&file)?.unwrap_or_default();
        let doc: Value = serde_saphyr::from_str(&text).unwrap_or_default();
        let back = (doc["current-context"] == name)
            .then(|| kubeconfig_merge::Mothership::of_context(&doc, name))
            .flatten()
            .map(|m| m.context);
        let (mut out, _, removed) = kubeconfig_merge::remove(&text, name)
            .map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?;
        if let Some(b) = &back {
            out = kubeconfig_merge::merge(&out, &[], Some(b))
                .map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?
                .0;
        }
        if removed {
            write_private(&file, &out)?;
            changed.push(Removed {
                file,
                switched_to: back,
            });
        }
    }
    Ok(changed)
}

/// A new file of mode 0600 (created so: never readable by others, not even for a moment),
/// removed when dropped unless `keep` renamed it into place.
pub struct PrivateFile {
    path: PathBuf,
    pub file: std::fs::File,
    kept: bool,
}

impl PrivateFile {
    /// A new file in `dir`, named after `purpose` and this process.
    pub fn create(dir: &Path, purpose: &str) -> Result<PrivateFile, Failure> {
        let path = dir.join(format!(".k0smotron-{purpose}-{}.tmp", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Failure::Failed(format!("cannot create {}: {e}", path.display())))?;
        Ok(PrivateFile {
            path,
            file,
            kept: false,
        })
    }

    /// Flush it to disk and rename it to `to` (in the same directory: one atomic step).
    pub fn keep(mut self, to: &Path) -> Result<(), Failure> {
        let fail =
            |e: std::io::Error| Failure::Failed(format!("cannot write {}: {e}", to.display()));
        self.file.sync_all().map_err(fail)?;
        std::fs::rename(&self.path, to).map_err(fail)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A path removed when this is dropped: the archive `clone` and `move` pass from backup to
/// restore.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A path in the temporary directory, named after `purpose` and this process.
    pub fn new(purpose: &str) -> Scratch {
        Scratch(std::env::temp_dir().join(format!(
            ".k0smotron-{purpose}-{}.tar.gz",
            std::process::id()
        )))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
