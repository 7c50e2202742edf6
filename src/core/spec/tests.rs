//! Resolution rules, each named by its flag.

use super::*;
use crate::core::cluster;

fn opts(name: &str) -> CreateOptions {
    CreateOptions {
        name: Some(name.into()),
        namespace: "ns".into(),
        ..Default::default()
    }
}

#[test]
fn defaults() {
    let r = resolve(opts("demo")).unwrap();
    assert_eq!(r.version, "v1.36.3+k0s.2");
    assert_eq!(r.image, "quay.io/k0sproject/k0s");
    assert_eq!(r.service_type, ServiceType::NodePort);
    assert_eq!(r.replicas, 1);
    assert!(matches!(r.storage, Storage::Etcd { ref size, .. } if size == "1Gi"));
    assert_eq!(r.persistence, Persistence::EmptyDir);
    assert_eq!(r.key_algorithm, KeyAlgorithm::Rsa2048);
}

#[test]
fn flags_override_the_file() {
    let file = cluster::parse(
        "apiVersion: k0smotron.io/v1beta2\nkind: Cluster\nmetadata: {name: from-file, labels: {team: a}}\nspec: {replicas: 3, version: v1.35.7+k0s.0, service: {type: LoadBalancer}}\n",
        "f",
    )
    .unwrap();
    let r = resolve(CreateOptions {
        file: Some(file),
        replicas: Some(5),
        namespace: "ns".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        (r.name.as_str(), r.replicas, r.version.as_str()),
        ("from-file", 5, "v1.35.7+k0s.0")
    );
    assert_eq!(r.service_type, ServiceType::LoadBalancer);
    assert_eq!(r.labels["team"], "a");
}

#[test]
fn each_rule_names_its_flag() {
    let cases: Vec<(CreateOptions, &str)> = vec![
        (opts("Demo"), "NAME \"Demo\""),
        (
            opts(&"a".repeat(44)),
            "at most 43 characters with etcd storage",
        ),
        (
            CreateOptions {
                version: Some("latest".into()),
                ..opts("d")
            },
            "--version / spec.version",
        ),
        (
            CreateOptions {
                replicas: Some(0),
                ..opts("d")
            },
            "--replicas / spec.replicas: 0 must be at least 1",
        ),
        (
            CreateOptions {
                api_port: Some(80),
                ..opts("d")
            },
            "--api-port / spec.service.apiPort: 80 is not a node port",
        ),
        (
            CreateOptions {
                api_port: Some(70000),
                service_type: Some("LoadBalancer".into()),
                ..opts("d")
            },
            "it must be in 1-65535",
        ),
        (
            CreateOptions {
                api_port: Some(31000),
                konnectivity_port: Some(31000),
                ..opts("d")
            },
            "must differ",
        ),
        (
            CreateOptions {
                storage: Some("kine".into()),
                replicas: Some(3),
                ..opts("d")
            },
            "more than one replica needs --storage etcd",
        ),
        (
            CreateOptions {
                datasource: Some("x".into()),
                datasource_secret: Some("y".into()),
                ..opts("d")
            },
            "mutually exclusive",
        ),
        (
            CreateOptions {
                storage: Some("etcd".into()),
                datasource: Some("postgres://x".into()),
                ..opts("d")
            },
            "need --storage kine",
        ),
        (
            CreateOptions {
                host_path: Some("/x".into()),
                ..opts("d")
            },
            "--host-path needs --persistence hostPath",
        ),
        (
            CreateOptions {
                persistence: Some("hostPath".into()),
                ..opts("d")
            },
            "needs --host-path PATH",
        ),
        (
            CreateOptions {
                service_type: Some("Ingress".into()),
                ..opts("d")
            },
            "must be NodePort, LoadBalancer or ClusterIP",
        ),
        (
            CreateOptions {
                labels: vec!["k0smotron.io/cluster=x".into()],
                ..opts("d")
            },
            "cannot be overridden",
        ),
        (
            CreateOptions {
                labels: vec!["novalue".into()],
                ..opts("d")
            },
            "expected KEY=VALUE",
        ),
        (
            CreateOptions {
                cpu: Some("lots".into()),
                ..opts("d")
            },
            "--cpu \"lots\"",
        ),
        (
            CreateOptions {
                k0s_config: Some(serde_json::json!({"apiVersion": "v1"})),
                ..opts("d")
            },
            "--k0s-config / spec.k0sConfig",
        ),
        (
            CreateOptions {
                image: Some("repo/k0s:v1".into()),
                ..opts("d")
            },
            "without a tag",
        ),
        (
            CreateOptions {
                external_address: Some("not an address".into()),
                ..opts("d")
            },
            "--external-address",
        ),
    ];
    for (o, needle) in cases {
        let err = resolve(o).unwrap_err();
        assert!(err.contains(needle), "{err:?} should contain {needle:?}");
    }
}

#[test]
fn kine_with_an_external_database_may_have_replicas() {
    let r = resolve(CreateOptions {
        datasource: Some("postgres://db/k0s".into()),
        replicas: Some(3),
        ..opts("d")
    })
    .unwrap();
    assert_eq!(
        r.storage,
        Storage::Kine(KineSource::Url("postgres://db/k0s".into()))
    );
    assert_eq!(naming::max_name_len(false), 48);
    assert!(
        resolve(CreateOptions {
            storage: Some("kine".into()),
            ..opts(&"a".repeat(48))
        })
        .is_ok()
    );
}

#[test]
fn resources_from_flags() {
    let r = resolve(CreateOptions {
        cpu: Some("500m:2".into()),
        memory: Some("1Gi".into()),
        ..opts("d")
    })
    .unwrap();
    let res = r.resources.unwrap();
    assert_eq!(res.requests.unwrap()["cpu"].0, "500m");
    assert_eq!(res.limits.unwrap()["cpu"].0, "2");
}

#[test]
fn requests_default_where_neither_a_request_nor_a_limit_is_given() {
    let r = resolve(opts("d")).unwrap();
    let res = r.resources.unwrap();
    let requests = res.requests.unwrap();
    assert_eq!(
        (requests["cpu"].0.as_str(), requests["memory"].0.as_str()),
        (CONTROLLER_REQUESTS.cpu, CONTROLLER_REQUESTS.memory)
    );
    assert!(res.limits.is_none(), "no limits unless asked");
    let Storage::Etcd { resources, .. } = r.storage else {
        panic!("etcd by default")
    };
    assert_eq!(
        resources.unwrap().requests.unwrap()["memory"].0,
        ETCD_REQUESTS.memory
    );
    // A limit alone is the request too (Kubernetes' rule): no default beside it.
    let limit_only: ResourceRequirements =
        serde_json::from_value(serde_json::json!({"limits": {"memory": "1Gi"}})).unwrap();
    let res = super::resources::resolve(
        [("--cpu", None), ("--memory", None)],
        Some(limit_only),
        &CONTROLLER_REQUESTS,
    )
    .unwrap()
    .unwrap();
    let requests = res.requests.unwrap();
    assert_eq!(requests["cpu"].0, CONTROLLER_REQUESTS.cpu);
    assert!(!requests.contains_key("memory"), "{requests:?}");
}

#[test]
fn the_sqlite_file_is_where_k0s_looks_for_it() {
    let kine = |u: &str| Storage::Kine(KineSource::Url(u.into()));
    assert_eq!(
        sqlite_file(&Storage::Kine(KineSource::Sqlite)).as_deref(),
        Some("/var/lib/k0s/db/state.db")
    );
    assert_eq!(
        sqlite_file(&kine("sqlite:///var/lib/k0s/other.db?_journal=WAL")).as_deref(),
        Some("/var/lib/k0s/other.db")
    );
    // A relative path is under k0s's data directory.
    assert_eq!(
        sqlite_file(&kine("sqlite://db/x.db")).as_deref(),
        Some("/var/lib/k0s/db/x.db")
    );
    assert_eq!(sqlite_file(&kine("postgres://db:5432/k0s")), None);
}
