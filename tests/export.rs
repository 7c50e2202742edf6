//! `k0smotron export`: the record as a Cluster document that `create -f` plans into the
//! same objects.

mod support;

use serde_json::Value;
use support::*;

/// The objects of a dry run, without what is generated anew each time (key material).
fn plan(env: &Env, args: &[&str]) -> Vec<Value> {
    let out = env
        .cmd()
        .args(["create"])
        .args(args)
        .args(["--dry-run", "-o", "json", "--key-algorithm", "ecdsa-p256"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(|mut o| {
            if o["kind"] == "Secret" {
                o["data"] = Value::Null;
            }
            if let Some(d) = o["data"].as_object_mut() {
                d.remove("cliVersion");
            }
            o
        })
        .collect()
}

#[test]
fn export_plans_the_same_objects_as_the_original() {
    let env = Env::new();
    let flags = [
        "--service-type",
        "LoadBalancer",
        "--external-address",
        "cp.example.com",
        "--storage",
        "kine",
        "--persistence",
        "pvc",
        "--label",
        "team=edge",
        "--annotation",
        "note=exported",
        "--cpu",
        "250m",
        "--controller-flag=--debug",
    ];
    let mut args = vec!["twin", "--no-wait"];
    args.extend(flags);
    create(&env, args[0], &args[1..]);
    let out = run(&env, &["export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported = stdout(&out);
    assert!(
        exported.contains("apiVersion: k0smotron.io/v1beta2\nkind: Cluster\n"),
        "{exported}"
    );
    let json = run(&env, &["export", "twin", "-o", "json"]);
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["spec"]["service"]["type"], "LoadBalancer");
    assert_eq!(doc["metadata"]["labels"]["team"], "edge");

    let file = env.dir.path().join("twin.yaml");
    std::fs::write(&file, &exported).unwrap();
    let again = plan(&env, &["-f", file.to_str().unwrap()]);
    let mut original_args = vec!["twin"];
    original_args.extend(flags);
    let original = plan(&env, &original_args);
    assert_eq!(again.len(), original.len());
    for (a, b) in again.iter().zip(&original) {
        assert_eq!(a, b, "{} differs", a["metadata"]["name"]);
    }
}
