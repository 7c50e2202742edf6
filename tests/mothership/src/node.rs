//! Real nodes beside kwok's simulated ones: containerd with runc, the CNI bridge, CoreDNS
//! and the real kubelet, built from their Go modules (`tests/node`), so that the pods
//! k0smotron writes really run, from test images imported without a registry.
//!
//! Each node's daemons run in a private mount and PID namespace (`unshare`), with tmpfs over
//! `/run`, `/var/lib` and `/var/log`: the fixed paths kubelet, containerd and the CNI plugins
//! write are the node's own, and when the namespace's first process dies every daemon, shim
//! and container dies with it and every mount goes. They share the machine's network
//! namespace: the node's pods sit on a bridge of its own and reach each other and CoreDNS
//! (on the bridge's address) without routing, so no global sysctl is touched. What this VM
//! needs is said where it is set, and in docs/mothership.md.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::json;

use crate::binaries::{self, NodeBinaries};
use crate::procs::Proc;

/// On a real node, and on the namespaces whose pods go there (as a node selector).
pub const REAL_NODE_LABEL: &str = "mothership.k0smotron.dev/real-node";
/// Where the k0s stand-in of the k0s test image asks for its answers, on the bridge address.
pub const K0S_ANSWERS_PORT: u16 = 10099;

/// One real node: its daemons, its bridge and its cgroup root.
pub struct RealNode {
    pub name: String,
    pub bridge: String,
    pub gateway: Ipv4Addr,
    pub dir: PathBuf,
    cgroup_root: String,
    proc: Option<Proc>,
}

/// Names that resolve to a loopback address from /etc/hosts, the machine's own first: the
/// mothership's kube-apiserver reaches a kubelet by the node's Hostname address, and a name
/// it had to ask a DNS server for would leave the machine.
fn loopback_names() -> Vec<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let Some(addr) = words.next() else { continue };
        if !addr.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback()) {
            continue;
        }
        for name in words {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    let own = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    names.sort_by_key(|n| (*n != own, *n == "localhost"));
    names
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The cgroup v1 hierarchies mounted here (`/sys/fs/cgroup/<controllers>`).
fn cgroup_hierarchies() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/sys/fs/cgroup") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

/// Remove a cgroup tree, leaves first (a cgroup directory goes with rmdir once empty).
fn remove_cgroup(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_cgroup(&e.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// Bridges and cgroup roots left by harness processes that are gone.
pub fn remove_leftovers() {
    let alive = |pid: &str| Path::new("/proc").join(pid).exists();
    if let Ok(entries) = std::fs::read_dir("/sys/class/net") {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(pid) = name.strip_prefix("kms").and_then(|r| r.split('n').next())
                && !alive(pid)
            {
                let _ = Command::new("ip").args(["link", "del", &name]).output();
            }
        }
    }
    for h in cgroup_hierarchies() {
        if let Ok(entries) = std::fs::read_dir(&h) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if let Some(pid) = name
                    .strip_prefix("mothership-node-")
                    .and_then(|r| r.split('-').next())
                    && !alive(pid)
                {
                    remove_cgroup(&e.path());
                }
            }
        }
    }
}

impl RealNode {
    /// Start real node `index` (0-based) of this process against the control plane whose
    /// admin kubeconfig is `kubeconfig`. `tainted`: only pods that tolerate
    /// [`REAL_NODE_LABEL`] go there (when kwok's nodes are there for the rest).
    pub fn start(
        bins: &NodeBinaries,
        dir: &Path,
        kubeconfig: &Path,
        index: usize,
        tainted: bool,
    ) -> anyhow::Result<RealNode> {
        let pid = std::process::id();
        let names = loopback_names();
        let name = names.get(index).cloned().with_context(|| {
            format!(
                "real node {}: /etc/hosts has only {} names for loopback addresses ({}); each real node needs one",
                index + 1,
                names.len(),
                names.join(", ")
            )
        })?;
        // 10.(64..127).(index).0/24: one subnet per process and node.
        let gateway = Ipv4Addr::new(10, 64 + (pid % 64) as u8, index as u8, 1);
        let subnet = format!("{}.{}.{}.0/24", 10, 64 + pid % 64, index);
        let bridge = format!("kms{pid}n{index}");
        let dir = dir.join(format!("node-{index}"));
        for sub in ["net.d", "volumes", "logs"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let cgroup_root = format!("mothership-node-{pid}-{index}");
        let mut node = RealNode {
            name,
            bridge,
            gateway,
            dir,
            cgroup_root,
            proc: None,
        };
        node.network(&subnet)?;
        // kubelet wants its cgroup root in every hierarchy before it starts.
        for h in cgroup_hierarchies() {
            std::fs::create_dir_all(h.join(&node.cgroup_root))?;
        }
        node.write_config(bins, kubeconfig, &subnet, tainted)?;
        let log = node.dir.join("node.log");
        let mut cmd = Command::new("unshare");
        cmd.args([
            "--mount",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "--propagation",
            "private",
            "bash",
        ])
        .arg(node.dir.join("start.sh"));
        node.proc = Some(Proc::spawn(&format!("real node {}", node.name), cmd, &log)?);
        Ok(node)
    }

    /// The node's bridge, with its gateway address; pods reach each other and the bridge
    /// address on it without routing.
    fn network(&self, subnet: &str) -> anyhow::Result<()> {
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .output();
        run(Command::new("ip").args(["link", "add", &self.bridge, "type", "bridge"]))?;
        let prefix = subnet.rsplit('/').next().unwrap_or("24");
        run(Command::new("ip").args([
            "addr",
            "add",
            &format!("{}/{prefix}", self.gateway),
            "dev",
            &self.bridge,
        ]))?;
        run(Command::new("ip").args(["link", "set", &self.bridge, "up"]))
    }

    fn write_config(
        &self,
        bins: &NodeBinaries,
        kubeconfig: &Path,
        subnet: &str,
        tainted: bool,
    ) -> anyhow::Result<()> {
        let d = &self.dir;
        let kubelet_port = crate::cluster::free_port()?;
        // The CNI bridge without gateway or masquerading: nothing leaves the bridge.
        let cni = json!({
            "cniVersion": "1.0.0",
            "name": "mothership",
            "plugins": [
                {"type": "bridge", "bridge": self.bridge, "isGateway": false, "ipMasq": false,
                 "hairpinMode": true,
                 "ipam": {"type": "host-local", "ranges": [[{"subnet": subnet,
                          "rangeStart": format!("{}", Ipv4Addr::from(u32::from(self.gateway) + 9))}]],
                          "dataDir": d.join("ipam")}},
                {"type": "portmap", "capabilities": {"portMappings": true}},
            ],
        });
        std::fs::write(
            d.join("net.d/10-mothership.conflist"),
            serde_json::to_string_pretty(&cni)?,
        )?;
        // Pulls go to a closed port: a missing image fails at once instead of reaching out.
        std::fs::create_dir_all(d.join("certs.d/_default"))?;
        std::fs::write(
            d.join("certs.d/_default/hosts.toml"),
            "server = \"https://127.0.0.1:9\"\n[host.\"https://127.0.0.1:9\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
        )?;
        let pause = image_name("PAUSE_IMAGE")?;
        // restrict_oom_score_adj: this VM lacks CAP_SYS_RESOURCE, and runc would fail every
        // sandbox setting a lower OOM score than its own. cgroupfs, not systemd (cgroup v1).
        let containerd = format!(
            r#"version = 3
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = '{pause}'
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '{certs}'
[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = 'io.containerd.runc.v2'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = '{runc}'
      SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ['{cni}']
    conf_dir = '{netd}'
"#,
            certs = d.join("certs.d").display(),
            runc = bins.bin("runc").display(),
            cni = bins.cni_dir().display(),
            netd = d.join("net.d").display(),
        );
        std::fs::write(d.join("containerd.toml"), containerd)?;
        // The pods' DNS: the node's CoreDNS on the bridge address, and nothing else.
        std::fs::write(d.join("resolv.conf"), "")?;
        let mut taints = Vec::new();
        if tainted {
            taints.push(json!({"key": REAL_NODE_LABEL, "value": "true", "effect": "NoSchedule"}));
        }
        // failCgroupV1: this VM has cgroup v1 only. A cgroup root of its own: another kubelet
        // may use /kubepods here. makeIPTablesUtilChains: no chains in the machine's tables.
        // Anonymous, always-allowed access: the mothership's kube-apiserver has no client
        // certificate for kubelets, and the port is on loopback.
        let kubelet = json!({
            "apiVersion": "kubelet.config.k8s.io/v1beta1",
            "kind": "KubeletConfiguration",
            "failCgroupV1": false,
            "cgroupDriver": "cgroupfs",
            "cgroupRoot": format!("/{}", self.cgroup_root),
            "failSwapOn": false,
            "address": "127.0.0.1",
            "port": kubelet_port,
            "readOnlyPort": 0,
            "healthzPort": 0,
            "makeIPTablesUtilChains": false,
            "authentication": {"anonymous": {"enabled": true}, "webhook": {"enabled": false}},
            "authorization": {"mode": "AlwaysAllow"},
            "clusterDNS": [self.gateway.to_string()],
            "clusterDomain": "cluster.local",
            "resolvConf": d.join("resolv.conf"),
            "containerRuntimeEndpoint": "unix:///run/containerd/containerd.sock",
            "registerWithTaints": taints,
            "evictionHard": {"memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%"},
            "imageGCHighThresholdPercent": 100,
            "imageGCLowThresholdPercent": 99,
            "serializeImagePulls": false,
            "enforceNodeAllocatable": [],
            "localStorageCapacityIsolation": false,
            "syncFrequency": "10s",
            "fileCheckFrequency": "5s",
            "nodeStatusReportFrequency": "10s",
        });
        std::fs::write(
            d.join("kubelet.yaml"),
            serde_json::to_string_pretty(&kubelet)?,
        )?;
        let corefile = format!(
            ".:53 {{\n  bind {gw}\n  errors\n  kubernetes cluster.local in-addr.arpa {{\n    kubeconfig {kc}\n  }}\n}}\n",
            gw = self.gateway,
            kc = kubeconfig.display()
        );
        std::fs::write(d.join("Corefile"), corefile)?;
        let imports: String = image_archives(bins, d)?
            .iter()
            .map(|tar| {
                format!(
                    "ctr -n k8s.io images import {} > /dev/null\n",
                    tar.display()
                )
            })
            .collect();
        let script = format!(
            r#"set -eu
# In the node's own mount and PID namespace (unshare): fixed paths become the node's own.
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/lib
mount -t tmpfs tmpfs /var/log
mkdir -p /var/run /run/containerd
export PATH="{bin}:$PATH"
containerd --config {d}/containerd.toml > {d}/logs/containerd.log 2>&1 &
for i in $(seq 100); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.1; done
{imports}echo "images imported"
coredns -conf {d}/Corefile > {d}/logs/coredns.log 2>&1 &
exec kubelet --config {d}/kubelet.yaml --kubeconfig {kc} --hostname-override {name} \
  --node-labels {label}=true --v=1 > {d}/logs/kubelet.log 2>&1
"#,
            bin = bins.dir.join("bin").display(),
            d = d.display(),
            kc = kubeconfig.display(),
            name = self.name,
            label = REAL_NODE_LABEL,
        );
        std::fs::write(d.join("start.sh"), script)?;
        Ok(())
    }
}

impl Drop for RealNode {
    fn drop(&mut self) {
        // The namespace's first process takes every daemon and container with it.
        drop(self.proc.take());
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .output();
        for h in cgroup_hierarchies() {
            remove_cgroup(&h.join(&self.cgroup_root));
        }
    }
}

/// An image name of `tests/node/images/images.env`.
pub fn image_name(key: &str) -> anyhow::Result<String> {
    let path = binaries::node_dir().join("images/images.env");
    let text = std::fs::read_to_string(&path)?;
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().to_string())
        .with_context(|| format!("{key} is missing from {}", path.display()))
}

/// `K0SMOTRON_TEST_K0S`: a real k0s binary (built by hand; on no registry) for the k0s test
/// image, for the opt-in real-k0s suite.
pub const REAL_K0S_ENV: &str = "K0SMOTRON_TEST_K0S";
/// `K0SMOTRON_TEST_K0S_BIN_DIR`: more programs real k0s runs (konnectivity-server, kine).
pub const REAL_K0S_BIN_DIR_ENV: &str = "K0SMOTRON_TEST_K0S_BIN_DIR";

/// The real k0s binary the k0s test image carries, if one is named.
pub fn real_k0s() -> Option<PathBuf> {
    std::env::var_os(REAL_K0S_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The image archives a node imports: the built ones, with the k0s image made anew in
/// `dir` around a real k0s when [`REAL_K0S_ENV`] names one (with the control plane's
/// kube-apiserver, controller manager and scheduler, and what [`REAL_K0S_BIN_DIR_ENV`]
/// holds, beside it on PATH).
fn image_archives(bins: &NodeBinaries, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut tars: Vec<PathBuf> = std::fs::read_dir(bins.images())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tar"))
        .collect();
    tars.sort();
    let Some(k0s) = real_k0s() else {
        return Ok(tars);
    };
    let programs = dir.join("k0s-programs");
    let out = dir.join("k0s-image");
    std::fs::create_dir_all(&programs)?;
    std::fs::create_dir_all(&out)?;
    let control_plane = binaries::ensure()?;
    let mut wanted = vec![
        (k0s.clone(), "k0s".to_string()),
        (control_plane.kube_apiserver(), "kube-apiserver".into()),
        (
            control_plane.kube_controller_manager(),
            "kube-controller-manager".into(),
        ),
        (control_plane.kube_scheduler(), "kube-scheduler".into()),
    ];
    if let Some(extra) = std::env::var_os(REAL_K0S_BIN_DIR_ENV).filter(|v| !v.is_empty()) {
        for e in std::fs::read_dir(&extra)
            .with_context(|| format!("{REAL_K0S_BIN_DIR_ENV}={}", Path::new(&extra).display()))?
        {
            let e = e?;
            wanted.push((e.path(), e.file_name().to_string_lossy().into_owned()));
        }
    }
    for (from, name) in &wanted {
        std::fs::copy(from, programs.join(name))
            .with_context(|| format!("copying {} into the k0s test image", from.display()))?;
    }
    run(Command::new("bash")
        .arg(binaries::node_dir().join("images/assemble.sh"))
        .arg(bins.dir.join("parts"))
        .arg(&out)
        .env("K0S_PROGRAMS", &programs))?;
    let k0s_tar = format!("{}.tar", image_name("K0S_IMAGE")?.replace(['/', ':'], "_"));
    tars.retain(|t| !t.ends_with(&k0s_tar));
    tars.push(out.join(k0s_tar));
    Ok(tars)
}
