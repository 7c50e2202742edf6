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

#[test]
fn export_keeps_etcd_resources_the_claim_template_and_an_ipv6_address() {
    let env = Env::new();
    let doc = env.dir.path().join("claim.yaml");
    std::fs::write(
        &doc,
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: kept}\nspec:\n  storage:\n    etcd:\n      resources: {requests: {cpu: 50m}}\n  persistence:\n    type: pvc\n    persistentVolumeClaim:\n      metadata: {labels: {backup: daily}, annotations: {note: kept}}\n      spec:\n        accessModes: [ReadWriteOncePod]\n        volumeMode: Filesystem\n        resources: {requests: {storage: 2Gi}}\n",
    )
    .unwrap();
    let doc = doc.to_str().unwrap();
    let flags = [
        "-f",
        doc,
        "--etcd-memory",
        "300Mi",
        "--service-type",
        "LoadBalancer",
        "--external-address",
        "[2001:db8::1]",
    ];
    let mut args = vec!["--no-wait"];
    args.extend(flags);
    create(&env, "kept", &args);
    let out = run(&env, &["export", "kept", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported: Value = serde_json::from_slice(&out.stdout).unwrap();
    let spec = &exported["spec"];
    assert_eq!(
        spec["storage"]["etcd"]["resources"]["requests"]["cpu"],
        "50m"
    );
    assert_eq!(
        spec["storage"]["etcd"]["resources"]["requests"]["memory"],
        "300Mi"
    );
    let claim = &spec["persistence"]["persistentVolumeClaim"];
    assert_eq!(claim["spec"]["accessModes"][0], "ReadWriteOncePod");
    assert_eq!(claim["metadata"]["labels"]["backup"], "daily");
    assert_eq!(spec["externalAddress"], "2001:db8::1");

    let file = env.dir.path().join("kept.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let again = plan(&env, &["-f", file.to_str().unwrap()]);
    let original = plan(&env, &flags);
    assert_eq!(again.len(), original.len());
    for (a, b) in again.iter().zip(&original) {
        assert_eq!(a, b, "{} differs", a["metadata"]["name"]);
    }
}

#[test]
fn an_export_created_under_another_name_gets_its_own_node_ports() {
    let env = Env::new();
    create(&env, "orig", &["--no-wait", "--storage", "kine"]);
    let out = run(&env, &["export", "orig"]);
    let file = env.dir.path().join("orig.yaml");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = run(
        &env,
        &[
            "create",
            "copy",
            "-f",
            file.to_str().unwrap(),
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let node_ports = |svc: &str| -> Vec<i64> {
        let service = env
            .ms
            .objects("services")
            .into_iter()
            .find(|s| s["metadata"]["name"] == svc)
            .unwrap();
        service["spec"]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["nodePort"].as_i64().unwrap())
            .collect()
    };
    let (orig, copy) = (
        node_ports("kmc-orig-nodeport"),
        node_ports("kmc-copy-nodeport"),
    );
    assert!(orig.iter().all(|p| !copy.contains(p)), "{orig:?} {copy:?}");
    // A port pinned onto one that is taken says which and what to do.
    let taken = orig[0].to_string();
    let out = run(
        &env,
        &[
            "create",
            "clash",
            "--api-port",
            &taken,
            "--storage",
            "kine",
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&taken), "{err}");
    assert!(
        err.contains("another Service of the mothership has that node port: pin free ones with --api-port and --konnectivity-port"),
        "{err}"
    );
}
