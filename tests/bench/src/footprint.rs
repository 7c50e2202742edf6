//! What control planes cost the mothership, on the real node: memory and CPU of their pods,
//! read from the pods' cgroups (cgroup v1, kubelet's cgroupfs layout under the node's own
//! cgroup root), the figures `kubectl top` would show. Memory is the working set (usage
//! less inactive page cache, as kubelet counts it); CPU is the mean over a window.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::api::{Api, ListParams};
use mothership::Mothership;

/// How long a control plane is left alone before it counts as idle, and the window its
/// figures are taken over.
const SETTLE: Duration = Duration::from_secs(30);
const WINDOW: Duration = Duration::from_secs(30);
/// The small write load: puts per second of 1 KiB values, over 100 keys.
const WRITES_PER_SECOND: u32 = 20;
const VALUE_BYTES: usize = 1024;

/// Memory and CPU of one component (all its pods) over a window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub memory_mib: f64,
    pub millicores: f64,
}

/// The cgroup v1 hierarchies kubelet writes pod cgroups into.
struct Hierarchies {
    memory: PathBuf,
    cpuacct: PathBuf,
}

fn hierarchies() -> anyhow::Result<Hierarchies> {
    let mut memory = None;
    let mut cpuacct = None;
    for entry in std::fs::read_dir("/sys/fs/cgroup").context("/sys/fs/cgroup")? {
        let path = entry?.path();
        if path.join("memory.usage_in_bytes").exists() {
            memory = Some(path.clone());
        }
        if path.join("cpuacct.usage").exists() {
            cpuacct = Some(path);
        }
    }
    Ok(Hierarchies {
        memory: memory.context("no cgroup v1 memory hierarchy")?,
        cpuacct: cpuacct.context("no cgroup v1 cpuacct hierarchy")?,
    })
}

/// The cgroup directory of pod `uid` in a hierarchy: `…/kubepods[/QOS]/pod<uid>`, under
/// the real node's cgroup root.
fn pod_dir(hierarchy: &Path, uid: &str) -> Option<PathBuf> {
    let want = format!("pod{uid}");
    let mut stack = vec![(hierarchy.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if e.file_name().to_string_lossy() == want {
                return Some(e.path());
            }
            if depth < 4 {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    None
}

fn read_u64(path: &Path) -> anyhow::Result<u64> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    text.trim()
        .parse()
        .with_context(|| format!("{}: {text:?}", path.display()))
}

/// kubelet's working set: usage less the inactive file cache, which the kernel reclaims first.
fn working_set(dir: &Path) -> anyhow::Result<u64> {
    let usage = read_u64(&dir.join("memory.usage_in_bytes"))?;
    let stat = std::fs::read_to_string(dir.join("memory.stat"))?;
    let inactive = stat
        .lines()
        .find_map(|l| l.strip_prefix("total_inactive_file "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    Ok(usage.saturating_sub(inactive))
}

/// The cgroups of pods of ours on the real node, by the component they belong to.
struct PodGroups {
    /// component label → (memory cgroup, cpuacct cgroup) of each pod
    groups: BTreeMap<String, Vec<(PathBuf, PathBuf)>>,
}

fn pods_of(ms: &Mothership, selector: &str) -> anyhow::Result<PodGroups> {
    let h = hierarchies()?;
    let pods: Api<Pod> = Api::namespaced(ms.admin(), ms.namespace());
    let list = ms.block_on(pods.list(&ListParams::default().labels(selector)))?;
    let mut groups: BTreeMap<String, Vec<(PathBuf, PathBuf)>> = BTreeMap::new();
    for p in list.items {
        let uid = p.metadata.uid.clone().unwrap_or_default();
        let component = p
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("app.kubernetes.io/component").cloned())
            .unwrap_or_default();
        let name = p.metadata.name.clone().unwrap_or_default();
        let memory = pod_dir(&h.memory, &uid)
            .with_context(|| format!("the memory cgroup of pod {name} ({uid})"))?;
        let cpuacct = pod_dir(&h.cpuacct, &uid)
            .with_context(|| format!("the cpuacct cgroup of pod {name} ({uid})"))?;
        groups.entry(component).or_default().push((memory, cpuacct));
    }
    Ok(PodGroups { groups })
}

impl PodGroups {
    /// Each component's mean working set (sampled every 5 s) and mean CPU over `window`.
    fn cost(&self, window: Duration) -> anyhow::Result<BTreeMap<String, Cost>> {
        let cpu = |dirs: &[(PathBuf, PathBuf)]| -> anyhow::Result<u64> {
            dirs.iter()
                .map(|(_, c)| read_u64(&c.join("cpuacct.usage")))
                .sum()
        };
        let memory = |dirs: &[(PathBuf, PathBuf)]| -> anyhow::Result<u64> {
            dirs.iter().map(|(m, _)| working_set(m)).sum()
        };
        let start = Instant::now();
        let cpu_before: BTreeMap<&String, u64> = self
            .groups
            .iter()
            .map(|(k, d)| Ok((k, cpu(d)?)))
            .collect::<anyhow::Result<_>>()?;
        let mut memory_samples: BTreeMap<&String, Vec<u64>> = BTreeMap::new();
        while start.elapsed() < window {
            for (k, d) in &self.groups {
                memory_samples.entry(k).or_default().push(memory(d)?);
            }
            std::thread::sleep(Duration::from_secs(5).min(window));
        }
        let elapsed = start.elapsed().as_secs_f64();
        let mut costs = BTreeMap::new();
        for (k, d) in &self.groups {
            let used_ns = cpu(d)?.saturating_sub(cpu_before[k]) as f64;
            let samples = &memory_samples[k];
            let mean = samples.iter().sum::<u64>() as f64 / samples.len().max(1) as f64;
            costs.insert(
                k.clone(),
                Cost {
                    memory_mib: mean / (1024.0 * 1024.0),
                    millicores: used_ns / elapsed / 1e6,
                },
            );
        }
        Ok(costs)
    }
}

/// Files in `dir` holding what a client of etcd member `pod` needs: the etcd CA and the
/// apiserver-etcd-client pair, from the control plane's Secrets.
fn etcd_client_files(ms: &Mothership, name: &str, dir: &Path) -> anyhow::Result<()> {
    let secrets: Api<Secret> = Api::namespaced(ms.admin(), ms.namespace());
    for (secret, key, file) in [
        (format!("{name}-etcd"), "tls.crt", "ca.crt"),
        (
            format!("{name}-apiserver-etcd-client"),
            "tls.crt",
            "client.crt",
        ),
        (
            format!("{name}-apiserver-etcd-client"),
            "tls.key",
            "client.key",
        ),
    ] {
        let s = ms.block_on(secrets.get(&secret))?;
        let bytes = s
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .with_context(|| format!("{secret} has no {key}"))?;
        std::fs::write(dir.join(file), &bytes.0)?;
    }
    Ok(())
}

/// A write load on etcd member `pod` from outside it (so the load's own client is not
/// counted in the pod): one curl through etcd's JSON gateway, `WRITES_PER_SECOND` puts of
/// `VALUE_BYTES` for `length`. Returns the running curl.
fn write_load(
    ms: &Mothership,
    name: &str,
    pod: &str,
    dir: &Path,
    length: Duration,
) -> anyhow::Result<std::process::Child> {
    use base64::Engine as _;
    etcd_client_files(ms, name, dir)?;
    let pods: Api<Pod> = Api::namespaced(ms.admin(), ms.namespace());
    let ip = ms
        .block_on(pods.get(pod))?
        .status
        .and_then(|s| s.pod_ip)
        .with_context(|| format!("{pod} has no address"))?;
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let value = b64(&vec![b'x'; VALUE_BYTES]);
    let total = WRITES_PER_SECOND as u64 * length.as_secs();
    // Every transfer after `next` starts with its options reset, so each block repeats them.
    let file = |f: &str| dir.join(f).display().to_string();
    let mut config = String::new();
    for i in 0..total {
        if i > 0 {
            config.push_str("next\n");
        }
        let key = b64(format!("/k0smotron-bench/{}", i % 100).as_bytes());
        let _ = writeln!(
            config,
            "url = \"https://localhost:2379/v3/kv/put\"\ncacert = \"{}\"\ncert = \"{}\"\nkey = \"{}\"\nconnect-to = \"localhost:2379:{ip}:2379\"\ndata = \"{{\\\"key\\\":\\\"{key}\\\",\\\"value\\\":\\\"{value}\\\"}}\"\noutput = \"/dev/null\"\nsilent\nshow-error\nfail",
            file("ca.crt"),
            file("client.crt"),
            file("client.key"),
        );
    }
    std::fs::write(dir.join("load.curl"), config)?;
    let child = Command::new("curl")
        .args(["--rate", &format!("{WRITES_PER_SECOND}/s")])
        .arg("-K")
        .arg(dir.join("load.curl"))
        .spawn()
        .context("starting curl")?;
    Ok(child)
}

/// One control plane `name` (already Ready): idle, then under the write load if it has etcd.
pub fn one(
    ms: &Mothership,
    name: &str,
    dir: &Path,
) -> anyhow::Result<Vec<(String, BTreeMap<String, Cost>)>> {
    let pods = pods_of(ms, &format!("app.kubernetes.io/instance={name}"))?;
    std::thread::sleep(SETTLE);
    let mut rows = vec![("idle".to_string(), pods.cost(WINDOW)?)];
    if pods.groups.contains_key("etcd") {
        let length = SETTLE + WINDOW;
        let mut load = write_load(ms, name, &format!("kmc-{name}-etcd-0"), dir, length)?;
        std::thread::sleep(SETTLE);
        let costs = pods.cost(WINDOW)?;
        let status = load.wait()?;
        if !status.success() {
            bail!("the write load on {name} failed ({status})");
        }
        rows.push((
            format!("{WRITES_PER_SECOND} writes/s of {VALUE_BYTES} B"),
            costs,
        ));
    }
    Ok(rows)
}

/// Every control plane of ours in the namespace, idle.
pub fn fleet(ms: &Mothership) -> anyhow::Result<BTreeMap<String, Cost>> {
    let pods = pods_of(ms, "app.kubernetes.io/managed-by=k0smotron")?;
    std::thread::sleep(SETTLE);
    pods.cost(WINDOW)
}

/// The footprint table: a row per measurement, each component's figures per control plane.
pub struct Table {
    k0s: &'static str,
    rows: Vec<String>,
    notes: Vec<String>,
    /// Memory per control plane of each row, for the comparison with published figures.
    per_control_plane: Vec<(String, f64)>,
}

impl Table {
    pub fn new(k0s: &'static str) -> Table {
        Table {
            k0s,
            rows: Vec::new(),
            notes: Vec::new(),
            per_control_plane: Vec::new(),
        }
    }

    pub fn note(&mut self, note: &str) {
        self.notes.push(note.to_string());
    }

    /// `costs` of `n` control planes, shown per control plane.
    pub fn row(&mut self, planes: &str, state: &str, n: usize, costs: &BTreeMap<String, Cost>) {
        let n = n.max(1) as f64;
        let cell = |component: &str| match costs.get(component) {
            Some(c) => (
                format!("{:.1} MiB", c.memory_mib / n),
                format!("{:.1} m", c.millicores / n),
            ),
            None => ("–".into(), "–".into()),
        };
        let (etcd_mem, etcd_cpu) = cell("etcd");
        let (ctl_mem, ctl_cpu) = cell("control-plane");
        let total: f64 = costs.values().map(|c| c.memory_mib).sum::<f64>() / n;
        let cpu: f64 = costs.values().map(|c| c.millicores).sum::<f64>() / n;
        self.rows.push(format!(
            "| {planes} | {state} | {etcd_mem} | {etcd_cpu} | {ctl_mem} | {ctl_cpu} | {total:.1} MiB, {cpu:.1} m |"
        ));
        self.per_control_plane
            .push((format!("{planes}, {state}"), total));
    }

    pub fn write(&self, out: &mut String, goals: &mut Vec<crate::report::Target>) {
        let _ = writeln!(
            out,
            "### What a control plane costs the mothership (real node, {})\n",
            self.k0s
        );
        let _ = writeln!(
            out,
            "Working set and CPU per control plane, from the pods' cgroups: a mean over {} s after {} s left alone.\n",
            WINDOW.as_secs(),
            SETTLE.as_secs()
        );
        let _ = writeln!(
            out,
            "| control planes, storage | state | etcd pod memory | etcd pod CPU | controller pod memory | controller pod CPU | per control plane |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for r in &self.rows {
            let _ = writeln!(out, "{r}");
        }
        for n in &self.notes {
            let _ = writeln!(out, "\n{n}.");
        }
        let _ = writeln!(out);
        // Only real k0s makes the controller's figure comparable with published ones.
        if self.k0s != "real k0s" {
            return;
        }
        if let Some((what, most)) = self
            .per_control_plane
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
        {
            let _ = writeln!(
                out,
                "Per control plane at most {most:.0} MiB ({what}): {:.2}–{:.2} × the k0smotron operator's published 210–560 MiB per control plane (at 100, by storage backend), {:.2}–{:.2} × vcluster's idle 300–500 MiB (third party).\n",
                most / 560.0,
                most / 210.0,
                most / 500.0,
                most / 300.0
            );
            goals.push(crate::report::Target {
                rule: "memory per control plane (real k0s) within the published figures (k0smotron operator 210–560 MiB, vcluster 300–500 MiB)".into(),
                measured: format!("{most:.0} MiB at most ({what})"),
                met: *most <= 500.0,
            });
        }
    }
}
