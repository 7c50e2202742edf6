//! The etcd scripts that `create` writes, run by a real etcd (the version of the default etcd
//! image, built from its Go module) the way the pod runs them: the pod's hostname, its DNS
//! names, the certificates at their mount paths, the container's environment. Each "pod"
//! lives in namespaces of its own (`unshare`: network, mounts, hostname), so the fixed ports
//! 2379/2380 and the paths under /var/lib/k0s never touch the machine or other tests.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use serde_json::Value;

const SVC: &str = "kmc-demo-etcd";

/// The planned objects of `create demo --dry-run`.
fn plan() -> Vec<Value> {
    let home = tempfile::tempdir().unwrap();
    let out = support::bare(home.path())
        .args([
            "create",
            "demo",
            "--dry-run",
            "--show-secrets",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn object<'a>(items: &'a [Value], kind: &str, name: &str) -> &'a Value {
    items
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{kind}/{name} is not planned"))
}

/// Write `key` of a Secret to `path`.
fn secret_file(items: &[Value], secret: &str, key: &str, path: &Path) {
    let b64 = object(items, "Secret", secret)["data"][key]
        .as_str()
        .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `export NAME=VALUE` lines for a container's `env`.
fn exports(container: &Value) -> String {
    container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "export {}={}\n",
                e["name"].as_str().unwrap(),
                single_quoted(e["value"].as_str().unwrap())
            )
        })
        .collect()
}

/// The script of a container (`/bin/bash -c SCRIPT`).
fn script(container: &Value) -> String {
    let cmd = container["command"].as_array().unwrap();
    assert_eq!(cmd[0], "/bin/bash");
    assert_eq!(cmd[1], "-c");
    cmd[2].as_str().unwrap().to_string()
}

struct Pod {
    init: Value,
    etcd: Value,
}

/// The etcd container's readiness probe, as a shell line.
fn readiness(etcd: &Value) -> String {
    let cmd = etcd["readinessProbe"]["exec"]["command"]
        .as_array()
        .unwrap();
    assert_eq!((&cmd[0], &cmd[1]), (&"/bin/sh".into(), &"-c".into()));
    cmd[2].as_str().unwrap().to_string()
}

fn pod(items: &[Value]) -> Pod {
    let sts = object(items, "StatefulSet", SVC);
    let spec = &sts["spec"]["template"]["spec"];
    let init = spec["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "init")
        .unwrap()
        .clone();
    let etcd = spec["containers"][0].clone();
    assert_eq!(etcd["name"], "etcd");
    Pod { init, etcd }
}

/// Runs `body` as pod `hostname`: in new namespaces, with the certificates and `data` mounted
/// where the pod mounts them, and the pod's Service names resolving to loopback.
fn in_pod(work: &Path, hostname: &str, data: &Path, body: &str) -> Output {
    let bin = mothership::binaries::ensure()
        .expect("build the test control plane")
        .etcd_image_dir();
    let hosts = work.join("hosts");
    std::fs::write(
        &hosts,
        format!(
            "127.0.0.1 localhost {SVC} {SVC}-0.{SVC} {SVC}-1.{SVC} {SVC}-2.{SVC} {SVC}.default.svc\n"
        ),
    )
    .unwrap();
    let runner = format!(
        r#"set -eu
ip link set lo up
hostname {hostname}
mount -t tmpfs tmpfs /var/lib
mkdir -p /var/lib/k0s/pki/etcd /var/lib/k0s/etcd
mount --bind {pki} /var/lib/k0s/pki/etcd
mount --bind {data} /var/lib/k0s/etcd
mount --bind {hosts} /etc/hosts
export HOSTNAME={hostname} PATH={bin}:$PATH
{body}
"#,
        pki = work.join("pki").display(),
        data = data.display(),
        hosts = hosts.display(),
        bin = bin.display(),
    );
    Command::new("unshare")
        .args([
            "--net",
            "--mount",
            "--uts",
            "--fork",
            "--kill-child",
            "bash",
            "-c",
            &runner,
        ])
        .output()
        .expect("unshare (util-linux) runs")
}

fn ok(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "exit {}:\n{text}", out.status);
    text
}

/// Certificates of the etcd pod and of the API server's etcd client, from the plan.
fn certificates(items: &[Value], work: &Path) {
    let pki = work.join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    for (secret, name) in [
        ("demo-etcd", "ca"),
        ("demo-etcd-server", "server"),
        ("demo-etcd-peer", "peer"),
    ] {
        secret_file(items, secret, "tls.crt", &pki.join(format!("{name}.crt")));
        secret_file(items, secret, "tls.key", &pki.join(format!("{name}.key")));
    }
    secret_file(
        items,
        "demo-apiserver-etcd-client",
        "tls.crt",
        &work.join("client.crt"),
    );
    secret_file(
        items,
        "demo-apiserver-etcd-client",
        "tls.key",
        &work.join("client.key"),
    );
}

/// Start member 0 from the generated scripts and wait until it is healthy.
const START_FIRST_MEMBER: &str = r#"
bash -c "$INIT_SCRIPT"
test ! -e /var/lib/k0s/etcd/existing || { echo "the first member must not think it joins"; exit 1; }
bash -c "$ETCD_SCRIPT" > "$WORK/etcd.log" 2>&1 &
for i in $(seq 1 100); do
  if etcdctl endpoint health 2>/dev/null; then break; fi
  if ! kill -0 $! 2>/dev/null; then echo "etcd exited:"; cat "$WORK/etcd.log"; exit 1; fi
  sleep 0.2
done
etcdctl endpoint health
"#;

#[test]
fn a_single_member_starts_and_serves_with_tls() {
    let items = plan();
    let pod = pod(&items);
    let work = tempfile::tempdir().unwrap();
    certificates(&items, work.path());
    let data = work.path().join("data-0");
    std::fs::create_dir_all(&data).unwrap();
    let body = format!(
        r#"export WORK={work} INIT_SCRIPT={init} ETCD_SCRIPT={run}
{init_env}
{etcd_env}
{start}
# The API server's client certificate may write and read (k0s's etcdPrefix is the name).
# etcdctl, like etcd, refuses a flag that an ETCDCTL_* variable also sets: override those.
export ETCDCTL_CERT={work}/client.crt ETCDCTL_KEY={work}/client.key
etcdctl put /demo/probe written
etcdctl get /demo/probe --print-value-only
etcdctl member list -w simple
echo "--- readiness"
{readiness}
"#,
        readiness = readiness(&pod.etcd),
        work = work.path().display(),
        init = single_quoted(&script(&pod.init)),
        run = single_quoted(&script(&pod.etcd)),
        init_env = exports(&pod.init),
        etcd_env = exports(&pod.etcd),
        start = START_FIRST_MEMBER,
    );
    let text = ok(&in_pod(work.path(), &format!("{SVC}-0"), &data, &body));
    assert!(text.contains("is healthy"), "{text}");
    assert!(text.contains("\nwritten\n"), "{text}");
    assert!(
        text.contains(&format!(
            "started, {SVC}-0, https://{SVC}-0.{SVC}:2380, https://{SVC}-0.{SVC}:2379"
        )),
        "{text}"
    );
    let ready = text.split("--- readiness").nth(1).unwrap();
    assert!(
        ready.contains("https://127.0.0.1:2379 is healthy"),
        "the readiness probe asks this member: {ready}"
    );
    let log = std::fs::read_to_string(work.path().join("etcd.log")).unwrap();
    assert!(!log.contains("conflicting environment variable"), "{log}");
}

/// A member that was added but never started has no name in `member list`; the init
/// container of its pod must still find it (by its peer URL), remove it and add it again.
#[test]
fn a_half_joined_member_is_replaced_on_the_next_start() {
    let items = plan();
    let pod = pod(&items);
    let work = tempfile::tempdir().unwrap();
    certificates(&items, work.path());
    let (data0, data1) = (work.path().join("data-0"), work.path().join("data-1"));
    std::fs::create_dir_all(&data0).unwrap();
    std::fs::create_dir_all(&data1).unwrap();
    // Member 0 runs; member 1 was added earlier and never started. It is added as a learner
    // here so that the one-member test cluster keeps its quorum; `member list` shows it
    // exactly as an unstarted voter: no name, only the peer URL.
    let peer1 = format!("https://{SVC}-1.{SVC}:2380");
    let body = format!(
        r#"export WORK={work} INIT_SCRIPT={init} ETCD_SCRIPT={run}
{init_env}
{etcd_env}
{start}
etcdctl member add {SVC}-1 --learner --peer-urls {peer1} > /dev/null
echo "--- before"
etcdctl member list -w simple
echo "--- init of member 1"
unshare --uts --mount bash -c 'hostname {SVC}-1; export HOSTNAME={SVC}-1
  umount /var/lib/k0s/etcd && mount --bind {data1} /var/lib/k0s/etcd
  bash -c "$INIT_SCRIPT"'
echo "--- after"
test -e {data1}/existing && echo "marker: existing"
"#,
        work = work.path().display(),
        data1 = data1.display(),
        init = single_quoted(&script(&pod.init)),
        run = single_quoted(&script(&pod.etcd)),
        init_env = exports(&pod.init),
        etcd_env = exports(&pod.etcd),
        start = START_FIRST_MEMBER,
    );
    let text = ok(&in_pod(work.path(), &format!("{SVC}-0"), &data0, &body));
    let before = text
        .split("--- before")
        .nth(1)
        .unwrap()
        .split("--- init")
        .next()
        .unwrap();
    assert!(
        before.contains(&format!("unstarted, , {peer1}, ")),
        "the half-joined member has no name: {before}"
    );
    let init = text.split("--- init of member 1").nth(1).unwrap();
    assert!(init.contains(" removed from cluster "), "{text}");
    assert!(init.contains(" added to cluster "), "{text}");
    assert!(text.contains("marker: existing"), "{text}");
}

/// A member beyond the ones the cluster was founded with (added by `scale`) never founds a
/// cluster of its own: while nobody answers (here: no member runs at all), its init
/// container waits, and its etcd is never started with state `new`.
#[test]
fn a_member_added_later_waits_for_the_cluster_instead_of_founding_one() {
    let items = plan();
    let pod = pod(&items);
    let work = tempfile::tempdir().unwrap();
    certificates(&items, work.path());
    let data1 = work.path().join("data-1");
    std::fs::create_dir_all(&data1).unwrap();
    let body = format!(
        r#"export INIT_SCRIPT={init}
{init_env}
test "$K0SMOTRON_ETCD_FIRST_MEMBERS" = 1
set +e
timeout 8 bash -c "$INIT_SCRIPT" > /dev/null 2>&1
echo "init: $?"
test -e {data1}/existing && echo "marker: existing"
exit 0
"#,
        data1 = data1.display(),
        init = single_quoted(&script(&pod.init)),
        init_env = exports(&pod.init),
    );
    let text = ok(&in_pod(work.path(), &format!("{SVC}-1"), &data1, &body));
    // Still waiting when stopped (timeout's 124), nothing marked, nothing founded.
    assert!(text.contains("init: 124"), "{text}");
    assert!(!text.contains("marker"), "{text}");
}
