//! Golden files: the full object list for each service type, storage and persistence, with
//! stand-in certificates and a fixed exposure so every byte is deterministic. Review a
//! change with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`).

use super::*;
use crate::core::cluster;
use crate::core::pki::CertPair;
use crate::core::spec::{CreateOptions, resolve};

fn pair(name: &str) -> CertPair {
    CertPair {
        cert_pem: format!("<{name} certificate>\n"),
        key_pem: format!("<{name} key>\n"),
    }
}

fn pki(etcd: bool) -> Pki {
    Pki {
        ca: pair("ca"),
        proxy: pair("proxy"),
        etcd_ca: pair("etcd"),
        sa: pair("sa"),
        etcd_leaves: if etcd {
            crate::core::pki::ETCD_LEAVES
                .iter()
                .map(|p| (p.to_string(), pair(p)))
                .collect()
        } else {
            Vec::new()
        },
    }
}

fn render(o: CreateOptions, exposure: Exposure) -> String {
    let r = resolve(CreateOptions {
        namespace: "cp".into(),
        ..o
    })
    .expect("valid options");
    let etcd = matches!(r.storage, Storage::Etcd { .. });
    let owner = owner_reference(
        &Names::new(&r.name).record(),
        "00000000-0000-4000-8000-000000000001",
    );
    let mut objects = vec![
        Object::ConfigMap(record(&r, Some(&exposure), "0.0.0-test")),
        Object::Service(Box::new(service(&r, None, Some(&exposure)))),
    ];
    let rest = rest(&r, &exposure, &pki(etcd), &pair("admin"), Some(&owner));
    objects.extend(rest.objects);
    objects.extend(rest.statefulsets);
    objects
        .iter()
        .map(|o| serde_saphyr::to_string(o).expect("yaml"))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn exposure(host: &str, api: u16, konn: u16) -> Exposure {
    Exposure {
        api_port: api,
        konnectivity_port: konn,
        host: host.into(),
        cluster_ips: vec!["10.96.0.42".into()],
    }
}

fn opts(name: &str) -> CreateOptions {
    CreateOptions {
        name: Some(name.into()),
        ..Default::default()
    }
}

#[test]
fn nodeport_etcd_empty_dir() {
    insta::assert_snapshot!(render(opts("demo"), exposure("203.0.113.11", 31443, 31132)));
}

#[test]
fn load_balancer_kine_sqlite_pvc() {
    let o = CreateOptions {
        service_type: Some("LoadBalancer".into()),
        storage: Some("kine".into()),
        persistence: Some("pvc".into()),
        persistence_size: Some("5Gi".into()),
        storage_class: Some("fast".into()),
        ..opts("lb")
    };
    insta::assert_snapshot!(render(o, exposure("198.51.100.10", 30443, 30132)));
}

#[test]
fn cluster_ip_kine_secret_host_path() {
    let o = CreateOptions {
        service_type: Some("ClusterIP".into()),
        datasource_secret: Some("pg-url".into()),
        replicas: Some(2),
        persistence: Some("hostPath".into()),
        host_path: Some("/var/lib/k0smotron/inner".into()),
        ..opts("inner")
    };
    insta::assert_snapshot!(render(o, exposure("kmc-inner.cp.svc", 30443, 30132)));
}

#[test]
fn everything_from_a_file_and_flags() {
    let file = cluster::parse(
        r#"apiVersion: k0smotron.io/v1beta2
kind: Cluster
metadata:
  name: full
  labels: {team: edge}
  annotations: {owner: ops}
spec:
  replicas: 3
  version: v1.35.7+k0s.0
  image: registry.example.com/k0s
  service: {type: NodePort, apiPort: 31443, konnectivityPort: 31132}
  storage: {type: etcd, etcd: {args: [--quota-backend-bytes=4294967296], persistence: {size: 2Gi, storageClass: ssd}, autoDeletePVCs: true, resources: {requests: {cpu: 100m}}}}
  persistence:
    type: pvc
    persistentVolumeClaim:
      metadata: {labels: {backup: daily}, annotations: {snapshot.example.com/policy: hourly}}
      spec: {accessModes: [ReadWriteOncePod], volumeMode: Filesystem, resources: {requests: {storage: 3Gi}}}
  k0sConfig:
    apiVersion: k0s.k0sproject.io/v1beta1
    kind: ClusterConfig
    spec:
      api: {port: 6443, sans: [from-user.example.com]}
      network: {provider: calico}
"#,
        "full.yaml",
    )
    .unwrap();
    let o = CreateOptions {
        file: Some(file),
        external_address: Some("cp.example.com".into()),
        sans: vec!["10.0.0.99".into()],
        controller_flags: vec!["--debug".into(), "--labels=tier=cp".into()],
        manifests: vec!["addons".into(), "secret/registry-auth".into()],
        cpu: Some("500m:2".into()),
        memory: Some("1Gi".into()),
        etcd_memory: Some("256Mi:512Mi".into()),
        labels: vec!["env=ci".into()],
        annotations: vec!["note=golden".into()],
        ..Default::default()
    };
    insta::assert_snapshot!(render(o, exposure("cp.example.com", 31443, 31132)));
}

/// `object_names` (what `create` checks before writing, what `status` expects) names
/// exactly what the plan writes, for every shape.
#[test]
fn object_names_match_the_plan() {
    let shapes: Vec<CreateOptions> = vec![
        CreateOptions::default(),
        CreateOptions {
            service_type: Some("ClusterIP".into()),
            ..Default::default()
        },
        CreateOptions {
            service_type: Some("ClusterIP".into()),
            external_address: Some("cp.example.com".into()),
            storage: Some("kine".into()),
            ..Default::default()
        },
        CreateOptions {
            service_type: Some("LoadBalancer".into()),
            persistence: Some("pvc".into()),
            ..Default::default()
        },
    ];
    for o in shapes {
        let r = resolve(CreateOptions {
            name: Some("x".into()),
            namespace: "cp".into(),
            ..o
        })
        .unwrap();
        let etcd = matches!(r.storage, Storage::Etcd { .. });
        let x = Exposure::dry_run(&r);
        let mut planned: Vec<(&str, String)> = vec![
            ("ConfigMap", Names::new("x").record()),
            ("Service", Names::new("x").service(r.service_type.as_str())),
        ];
        let rest = rest(&r, &x, &pki(etcd), &pair("admin"), None);
        for o in rest.objects.iter().chain(&rest.statefulsets) {
            planned.push((o.kind(), o.name().to_string()));
        }
        let mut named = object_names(&r);
        planned.sort();
        named.sort();
        assert_eq!(planned, named, "{:?}", r.service_type);
    }
}
