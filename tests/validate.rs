//! Every manifest shape `create` writes passes the official Kubernetes 1.33 schemas in strict
//! mode (PyPI `kubernetes-validate`, a tool nobody here wrote). The validator is installed
//! into `.venv` at the workspace root when it is not there yet; `.ci/run` installs it first.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn validator() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join(".venv/bin/kubernetes-validate");
    if !bin.exists() {
        let venv = root.join(".venv");
        let ok = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "kubernetes-validate"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "could not install kubernetes-validate into {} (python3 -m venv, pip install)",
            venv.display()
        );
    }
    bin
}

#[test]
fn dry_run_output_passes_strict_schema_validation() {
    let validate = validator();
    let home = tempfile::tempdir().unwrap();
    let matrix: &[&[&str]] = &[
        &[],
        &["--service-type", "LoadBalancer"],
        &["--service-type", "LoadBalancer", "--api-port", "443"],
        &["--service-type", "ClusterIP"],
        &[
            "--api-port",
            "31443",
            "--konnectivity-port",
            "31132",
            "--external-address",
            "cp.example.com",
        ],
        &["--storage", "kine"],
        &[
            "--storage",
            "kine",
            "--persistence",
            "pvc",
            "--persistence-size",
            "5Gi",
            "--storage-class",
            "fast",
        ],
        &[
            "--datasource",
            "postgres://k0s:secret@db.example.com/k0s",
            "--replicas",
            "3",
        ],
        &[
            "--datasource-secret",
            "pg-url",
            "--replicas",
            "2",
            "--persistence",
            "hostPath",
            "--host-path",
            "/var/lib/cp",
        ],
        &[
            "--replicas",
            "3",
            "--etcd-size",
            "4Gi",
            "--storage-class",
            "ssd",
        ],
        &[
            "--cpu",
            "500m:2",
            "--memory",
            "1Gi:2Gi",
            "--label",
            "team=edge",
            "--annotation",
            "note=x",
            "--controller-flag=--debug",
        ],
        &[
            "--service-type",
            "LoadBalancer",
            "--external-address",
            "[2001:db8::1]",
            "--san",
            "[2001:db8::2]",
            "--etcd-cpu",
            "100m",
            "--etcd-memory",
            "256Mi:512Mi",
            "--etcd-size",
            "768Mi",
        ],
        &[
            "--datasource",
            "postgres://k0s:secret@db.example.com/k0s",
            "--replicas",
            "3",
            "--persistence",
            "hostPath",
            "--host-path",
            "/var/lib/cp",
        ],
        &["-f", "CLAIM_DOCUMENT"],
        &[
            "--manifests",
            "addons",
            "--manifests",
            "secret/registry",
            "--san",
            "10.0.0.9",
            "--version",
            "v1.35.7+k0s.0",
        ],
    ];
    // A claim template with everything a user may set on it.
    let claim_document = home.path().join("claim.yaml");
    std::fs::write(
        &claim_document,
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nspec:\n  storage: {type: kine}\n  persistence:\n    type: pvc\n    persistentVolumeClaim:\n      metadata: {labels: {backup: daily}, annotations: {note: kept}}\n      spec:\n        accessModes: [ReadWriteOncePod]\n        volumeMode: Filesystem\n        volumeName: pv-cp-1\n        selector: {matchLabels: {disk: ssd}}\n        resources: {requests: {storage: 2Gi}}\n",
    )
    .unwrap();
    let mut files = Vec::new();
    let mut total = 0;
    for (i, args) in matrix.iter().enumerate() {
        let args: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "CLAIM_DOCUMENT" {
                    claim_document.to_str().unwrap()
                } else {
                    a
                }
            })
            .collect();
        let args = &args;
        let out = support::bare(home.path())
            .args([
                "create",
                &format!("cp{i}"),
                "--dry-run",
                "--key-algorithm",
                "ecdsa-p256",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", support::stderr(&out));
        let docs = support::stdout(&out).matches("\nkind: ").count()
            + usize::from(support::stdout(&out).starts_with("kind: "));
        // 11 objects with kine, 16 with etcd (its Service, StatefulSet and three leaf
        // Secrets), whatever the Service type.
        let expected = if args.contains(&"kine")
            || args
                .iter()
                .any(|a| a.starts_with("--datasource") || a.ends_with("claim.yaml"))
        {
            11
        } else {
            16
        };
        assert_eq!(docs, expected, "{args:?}");
        total += docs;
        let path = home.path().join(format!("cp{i}.yaml"));
        std::fs::write(&path, &out.stdout).unwrap();
        files.push(path);
    }
    let out = Command::new(&validate)
        .args(["--strict", "-k", "1.33.0"])
        .args(&files)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "kubernetes-validate failed:\n{report}"
    );
    let passed = report.matches(" passed for resource ").count();
    assert_eq!(passed, total, "every document was checked:\n{report}");
}
