//! The real control plane's programs, built from their Go modules (`tests/cluster`) on first
//! use and cached by version under `target/cluster/`. One build at a time: concurrent test
//! binaries wait on a file lock and then find the finished build.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// Where the built programs are.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub dir: PathBuf,
}

impl Binaries {
    pub fn kube_apiserver(&self) -> PathBuf {
        self.dir.join("kube-apiserver")
    }
    pub fn kube_controller_manager(&self) -> PathBuf {
        self.dir.join("kube-controller-manager")
    }
    pub fn kube_scheduler(&self) -> PathBuf {
        self.dir.join("kube-scheduler")
    }
    pub fn etcd(&self) -> PathBuf {
        self.dir.join("etcd")
    }
    pub fn kwok(&self) -> PathBuf {
        self.dir.join("kwok")
    }
    /// etcd and etcdctl at the version of k0smotron's default etcd image.
    pub fn etcd_image_dir(&self) -> PathBuf {
        self.dir.join("etcd-image")
    }
    /// kwok's Exec resource definition and stage manifests.
    pub fn kwok_manifests(&self) -> PathBuf {
        self.dir.join("kwok-manifests")
    }
}

/// `tests/cluster`: the Go modules and the build script.
pub fn cluster_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cluster")
}

/// `KEY=VALUE` lines of `tests/cluster/versions.env`.
pub fn versions() -> anyhow::Result<Vec<(String, String)>> {
    let path = cluster_dir().join("versions.env");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect())
}

pub fn version(key: &str) -> anyhow::Result<String> {
    versions()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .with_context(|| format!("{key} is missing from tests/cluster/versions.env"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

const DONE: &str = ".built";

/// A hash of everything the build follows, so that a changed recipe builds anew.
fn recipe_hash() -> anyhow::Result<u32> {
    let mut hash: u32 = 0x811c_9dc5;
    for file in ["build.sh", "go.mod", "go.sum", "etcd/go.mod", "etcd/go.sum"] {
        let bytes = std::fs::read(cluster_dir().join(file))
            .with_context(|| format!("reading tests/cluster/{file}"))?;
        for b in bytes {
            hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    Ok(hash)
}

/// The programs, building them first if this version has not been built yet.
pub fn ensure() -> anyhow::Result<Binaries> {
    let key = format!(
        "{}-{:08x}",
        versions()?
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("-"),
        recipe_hash()?
    );
    let root = target_dir().join("cluster");
    let dir = root.join(&key).join("bin");
    let binaries = Binaries { dir: dir.clone() };
    if dir.join(DONE).exists() {
        return Ok(binaries);
    }
    std::fs::create_dir_all(&root)?;
    let lock = File::create(root.join(".lock"))?;
    lock.lock()
        .context("waiting for the control-plane build lock")?;
    if dir.join(DONE).exists() {
        return Ok(binaries);
    }
    if Command::new("go").arg("version").output().is_err() {
        bail!(
            "`go` is not on PATH: install Go 1.26 or newer; the tests build kube-apiserver, etcd, kube-controller-manager, kube-scheduler and kwok from their Go modules"
        );
    }
    eprintln!(
        "building the test control plane ({key}) into {}; the first build takes several minutes",
        dir.display()
    );
    let started = std::time::Instant::now();
    let out = Command::new("bash")
        .arg(cluster_dir().join("build.sh"))
        .arg(&dir)
        .output()
        .context("running tests/cluster/build.sh")?;
    if !out.status.success() {
        bail!(
            "building the test control plane failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(dir.join(DONE), format!("{:?}\n", started.elapsed()))?;
    // Builds of other versions or recipes are of no further use.
    for entry in std::fs::read_dir(&root)?.flatten() {
        if entry.file_name() != key.as_str() && entry.path().is_dir() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    eprintln!("built the test control plane in {:.0?}", started.elapsed());
    Ok(binaries)
}
