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

/// `KEY=VALUE` lines of a versions file.
fn read_env(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect())
}

/// `KEY=VALUE` lines of `tests/cluster/versions.env`.
pub fn versions() -> anyhow::Result<Vec<(String, String)>> {
    read_env(&cluster_dir().join("versions.env"))
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

/// Something built by a script from Go modules and cached by version: the versions file
/// and every file the build follows make the key, so a changed recipe builds anew.
struct Recipe {
    /// For messages: "the test control plane".
    what: &'static str,
    /// Holds `versions.env` and `build.sh`; `files` are relative to it.
    dir: PathBuf,
    files: &'static [&'static str],
    /// Under `target/`.
    cache: &'static str,
    /// Under the key's directory: where build.sh is told to build.
    out: &'static str,
}

impl Recipe {
    fn key(&self) -> anyhow::Result<String> {
        let mut hash: u32 = 0x811c_9dc5;
        for file in self.files {
            let bytes = std::fs::read(self.dir.join(file))
                .with_context(|| format!("reading {}", self.dir.join(file).display()))?;
            for b in bytes {
                hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
            }
        }
        let versions = read_env(&self.dir.join("versions.env"))?;
        Ok(format!(
            "{}-{hash:08x}",
            versions
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join("-")
        ))
    }

    /// The output directory, building it first if this key has not been built yet. One
    /// build at a time: concurrent test binaries wait on a file lock and then find it.
    fn ensure(&self) -> anyhow::Result<PathBuf> {
        let key = self.key()?;
        let root = target_dir().join(self.cache);
        let dir = root.join(&key).join(self.out);
        if dir.join(DONE).exists() {
            return Ok(dir);
        }
        std::fs::create_dir_all(&root)?;
        let lock = File::create(root.join(".lock"))?;
        lock.lock()
            .with_context(|| format!("waiting for the build lock of {}", self.what))?;
        if dir.join(DONE).exists() {
            return Ok(dir);
        }
        if Command::new("go").arg("version").output().is_err() {
            bail!(
                "`go` is not on PATH: install Go 1.26 or newer; the tests build {} from Go modules",
                self.what
            );
        }
        eprintln!(
            "building {} ({key}) into {}; the first build takes several minutes",
            self.what,
            dir.display()
        );
        let started = std::time::Instant::now();
        let out = Command::new("bash")
            .arg(self.dir.join("build.sh"))
            .arg(&dir)
            .output()
            .with_context(|| format!("running {}", self.dir.join("build.sh").display()))?;
        if !out.status.success() {
            bail!(
                "building {} failed ({}):\n{}{}",
                self.what,
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
        eprintln!("built {} in {:.0?}", self.what, started.elapsed());
        Ok(dir)
    }
}

/// The programs, building them first if this version has not been built yet.
pub fn ensure() -> anyhow::Result<Binaries> {
    let dir = Recipe {
        what: "the test control plane",
        dir: cluster_dir(),
        files: &[
            "build.sh",
            "kube-ldflags.sh",
            "go.mod",
            "go.sum",
            "etcd/go.mod",
            "etcd/go.sum",
        ],
        cache: "cluster",
        out: "bin",
    }
    .ensure()?;
    Ok(Binaries { dir })
}

/// The real node's programs and test images (`tests/node`), built like the control plane.
#[derive(Debug, Clone)]
pub struct NodeBinaries {
    pub dir: PathBuf,
}

impl NodeBinaries {
    pub fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("bin").join(name)
    }
    pub fn cni_dir(&self) -> PathBuf {
        self.dir.join("cni")
    }
    /// OCI archives of the test images.
    pub fn images(&self) -> PathBuf {
        self.dir.join("images")
    }
}

pub fn node_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../node")
}

pub fn ensure_node() -> anyhow::Result<NodeBinaries> {
    let dir = Recipe {
        what: "the test harness's real node",
        dir: node_dir(),
        files: &[
            "build.sh",
            "images/assemble.sh",
            "images/images.env",
            "images/k0s-stand-in.sh",
            "images/entrypoint.sh",
            "images/go.mod",
            "images/cmd/pause/main.go",
            "images/cmd/getent/main.go",
            "../cluster/go.sum",
            "../cluster/kube-ldflags.sh",
            "../cluster/etcd/go.sum",
            "etcd-upgrade/go.sum",
        ],
        cache: "node",
        out: "out",
    }
    .ensure()?;
    Ok(NodeBinaries { dir })
}

/// Go age (`tests/age`): `age` and `age-keygen`, the reference implementation that backup
/// encryption is checked against. Built like the control plane; a few seconds.
pub fn ensure_age() -> anyhow::Result<PathBuf> {
    Recipe {
        what: "Go age",
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../age"),
        files: &["build.sh", "go.mod", "go.sum"],
        cache: "age",
        out: "bin",
    }
    .ensure()
}
