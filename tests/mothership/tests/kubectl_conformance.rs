//! The test server through the real kubectl, which nobody here wrote: discovery, create,
//! get, list with selectors, apply (client- and server-side), label, scale, delete -l, exec,
//! and the error messages kubectl prints for the server's Status bodies.
//!
//! kubectl's typed generators (`kubectl create configmap`, `kubectl auth can-i`) send
//! protobuf, which this server does not speak (it answers 415 as a server without protobuf
//! support would), so objects are created from files, which kubectl sends as JSON.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::*;
use mothership::{Mothership, User};
use serde_json::Value;

struct Kubectl {
    bin: PathBuf,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn new(ms: &Mothership) -> Option<Self> {
        Self::with_kubeconfig(&ms.kubeconfig())
    }

    fn with_kubeconfig(kubeconfig: &str) -> Option<Self> {
        let bin = kubectl()?;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, kubeconfig).unwrap();
        Some(Kubectl {
            bin,
            dir,
            kubeconfig: path,
        })
    }

    fn run(&self, args: &[&str]) -> Output {
        // A private HOME and cache dir: kubectl's discovery cache must not leak between tests.
        Command::new(&self.bin)
            .args(["--kubeconfig", self.kubeconfig.to_str().unwrap()])
            .args([
                "--cache-dir",
                self.dir.path().join("cache").to_str().unwrap(),
            ])
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("KUBECONFIG")
            .output()
            .expect("run kubectl")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "kubectl {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "kubectl {args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    fn file(&self, name: &str, contents: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_str().unwrap().to_string()
    }
}

const CONFIGMAPS: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cp-a, labels: {app.kubernetes.io/managed-by: k0smotron, tier: cp}}
data: {k: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cp-b, labels: {app.kubernetes.io/managed-by: k0smotron, tier: etcd}}
data: {k: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: foreign, labels: {app: other}}
data: {k: c}
"#;

#[test]
fn create_get_list_and_server_errors() {
    let ms = start();
    let Some(k) = Kubectl::new(&ms) else { return };
    let f = k.file("cms.yaml", CONFIGMAPS);
    let out = k.ok(&["create", "--validate=false", "-f", &f]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let names = k.ok(&[
        "get",
        "cm",
        "-l",
        "app.kubernetes.io/managed-by=k0smotron",
        "-o",
        "name",
    ]);
    assert_eq!(names, "configmap/cp-a\nconfigmap/cp-b\n");
    let names = k.ok(&["get", "cm", "-l", "tier notin (cp),tier", "-o", "name"]);
    assert_eq!(names, "configmap/cp-b\n");
    let names = k.ok(&["get", "cm", "-l", "!tier", "-o", "name"]);
    assert_eq!(names, "configmap/foreign\n");
    let doc: Value = serde_json::from_str(&k.ok(&["get", "cm", "cp-a", "-o", "json"])).unwrap();
    assert_eq!(doc["data"]["k"], "a");
    assert!(
        doc["metadata"]["uid"]
            .as_str()
            .is_some_and(|u| u.len() == 36)
    );
    let all = k.ok(&[
        "get",
        "cm",
        "-A",
        "--field-selector",
        "metadata.name=cp-a",
        "-o",
        "name",
    ]);
    assert_eq!(all, "configmap/cp-a\n");

    let dup = k.fails(&["create", "--validate=false", "-f", &f]);
    assert!(
        dup.contains("Error from server (AlreadyExists)")
            && dup.contains("configmaps \"cp-a\" already exists"),
        "{dup}"
    );
    let missing = k.fails(&["get", "cm", "nope"]);
    assert_eq!(
        missing.trim(),
        "Error from server (NotFound): configmaps \"nope\" not found"
    );
    let bad = k.file(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n",
    );
    let invalid = k.fails(&["create", "--validate=false", "-f", &bad]);
    assert!(
        invalid.starts_with(
            "The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""
        ),
        "{invalid}"
    );
    let nowhere = k.fails(&[
        "-n",
        "absent",
        "create",
        "--validate=false",
        "-f",
        &bad.replace("Bad_Name", "ok"),
    ]);
    assert!(
        nowhere.contains("namespaces \"absent\" not found"),
        "{nowhere}"
    );
}

#[test]
fn apply_client_side_and_server_side() {
    let ms = start();
    let Some(k) = Kubectl::new(&ms) else { return };
    let v1 = k.file(
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {a: '1', b: '1'}\n",
    );
    assert_eq!(
        k.ok(&["apply", "--validate=false", "-f", &v1]).trim(),
        "configmap/applied created"
    );
    let v2 = k.file(
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {a: '2'}\n",
    );
    assert_eq!(
        k.ok(&["apply", "--validate=false", "-f", &v2]).trim(),
        "configmap/applied configured"
    );
    let data = k.ok(&["get", "cm", "applied", "-o", "jsonpath={.data}"]);
    assert_eq!(
        data, r#"{"a":"2"}"#,
        "client-side apply removes what the last applied config had"
    );

    let ssa = k.file("s.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, labels: {x: one}}\ndata: {a: '1'}\n");
    assert_eq!(
        k.ok(&["apply", "--server-side", "--validate=false", "-f", &ssa])
            .trim(),
        "configmap/ssa serverside-applied"
    );
    let ssa2 = k.file("s.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, labels: {x: two}}\ndata: {a: '3'}\n");
    k.ok(&["apply", "--server-side", "--validate=false", "-f", &ssa2]);
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "ssa",
            "-o",
            "jsonpath={.data.a} {.metadata.labels.x}"
        ]),
        "3 two"
    );
    k.ok(&["label", "cm", "ssa", "extra=1"]);
    k.ok(&["annotate", "cm", "ssa", "note=hello"]);
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "ssa",
            "-o",
            "jsonpath={.metadata.labels.extra} {.metadata.annotations.note}"
        ]),
        "1 hello"
    );
}

#[test]
fn delete_by_label_leaves_other_objects() {
    let ms = start();
    let Some(k) = Kubectl::new(&ms) else { return };
    k.ok(&[
        "create",
        "--validate=false",
        "-f",
        &k.file("cms.yaml", CONFIGMAPS),
    ]);
    let out = k.ok(&[
        "delete",
        "cm",
        "-l",
        "app.kubernetes.io/managed-by=k0smotron",
    ]);
    assert_eq!(
        out,
        "configmap \"cp-a\" deleted\nconfigmap \"cp-b\" deleted\n"
    );
    // `kube-root-ca.crt` is not simulated, so only the foreign map is left.
    assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "configmap/foreign\n");
}

#[test]
fn statefulset_pods_scale_and_exec() {
    let ms = start();
    let Some(k) = Kubectl::new(&ms) else { return };
    let k0s_yaml = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nspec:\n  api:\n    externalAddress: cp.example.com\n    port: 30443\n";
    let objects: Vec<Value> = control_plane_objects("demo", TEST_CA, k0s_yaml)
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects});
    k.ok(&[
        "create",
        "--validate=false",
        "-f",
        &k.file("cp.json", &list.to_string()),
    ]);
    assert_eq!(
        k.ok(&[
            "get",
            "pods",
            "-l",
            "cluster=demo",
            "-o",
            "jsonpath={.items[*].status.phase}"
        ]),
        "Running"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "sts",
            "kmc-demo",
            "-o",
            "jsonpath={.status.readyReplicas}"
        ]),
        "1"
    );

    let status = k.ok(&["exec", "kmc-demo-0", "--", "k0s", "status"]);
    assert!(status.starts_with("Version: v1.36.3+k0s.2\n"), "{status}");
    let token = k.ok(&[
        "exec",
        "kmc-demo-0",
        "--",
        "k0s",
        "token",
        "create",
        "--role=worker",
        "--expiry=24h",
    ]);
    let kubeconfig = gunzip_token(&token);
    assert!(
        kubeconfig.contains("server: https://cp.example.com:30443")
            && kubeconfig.contains("user: kubelet-bootstrap"),
        "{kubeconfig}"
    );

    let out = k.run(&["exec", "kmc-demo-0", "--", "nosuchcmd"]);
    assert_eq!(
        out.status.code(),
        Some(127),
        "kubectl passes the exit code on"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("sh: nosuchcmd: not found"));

    k.ok(&["scale", "sts", "kmc-demo", "--replicas=3"]);
    let names = k.ok(&["get", "pods", "-l", "cluster=demo", "-o", "name"]);
    assert_eq!(names, "pod/kmc-demo-0\npod/kmc-demo-1\npod/kmc-demo-2\n");
    k.ok(&["delete", "sts", "kmc-demo"]);
    assert_eq!(
        k.ok(&["get", "pods", "-o", "name"]),
        "",
        "the garbage collector removed the pods"
    );
}

#[test]
fn unauthorized_and_forbidden() {
    let ms = start();
    ms.add_user(User::read_only("reader", "reader-token"));
    let Some(wrong) = Kubectl::with_kubeconfig(&ms.kubeconfig_with_token("admin", "not-a-token"))
    else {
        return;
    };
    let err = wrong.fails(&["get", "cm"]);
    assert!(
        err.contains("error: You must be logged in to the server"),
        "{err}"
    );
    let reader =
        Kubectl::with_kubeconfig(&ms.kubeconfig_with_token("reader", "reader-token")).unwrap();
    reader.ok(&["get", "nodes"]);
    let err = reader.fails(&[
        "create",
        "--validate=false",
        "-f",
        &reader.file("cms.yaml", CONFIGMAPS),
    ]);
    assert!(
        err.contains("configmaps is forbidden: User \"reader\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\""),
        "{err}"
    );
}

#[test]
fn the_binary_serves_until_terminated() {
    if kubectl().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kc");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mothership"))
        .args([
            "--kubeconfig-out",
            kc.to_str().unwrap(),
            "--nodes",
            "2",
            "--latency-ms",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(
        line.starts_with("mothership listening on https://127.0.0.1:"),
        "{line}"
    );
    let k = Kubectl::with_kubeconfig(&std::fs::read_to_string(&kc).unwrap()).unwrap();
    assert_eq!(
        k.ok(&["get", "nodes", "-o", "name"]),
        "node/node-1\nnode/node-2\n"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
}
