//! etcd beside the control plane (operator 2.9): a headless Service and a StatefulSet with
//! a claim per member, certificates from `NAME-etcd`, `-etcd-server` and `-etcd-peer`.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde_json::json;

use super::controller::anti_affinity;
use super::{meta, selector_labels};
use crate::core::image;
use crate::core::naming::{self, Names};
use crate::core::spec::{Resolved, Storage};

/// etcd needs an odd member count: 1 for one replica, else the replica count rounded up to odd.
pub fn members(replicas: i32) -> i32 {
    if replicas <= 1 { 1 } else { replicas | 1 }
}

/// `ETCD_INITIAL_CLUSTER` for `n` members of the StatefulSet behind headless Service `svc`.
pub fn initial_cluster(svc: &str, n: i32) -> String {
    (0..n)
        .map(|i| format!("{svc}-{i}=https://{svc}-{i}.{svc}:2380"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The etcd member count after scaling to `replicas` controllers from `current` members:
/// odd, and never fewer than now (etcd members are only ever added).
pub fn target_members(replicas: i32, current: i32) -> i32 {
    members(replicas).max(current)
}

pub fn service(r: &Resolved, owner: Option<&OwnerReference>) -> Service {
    let spec = json!({
        "clusterIP": "None",
        "publishNotReadyAddresses": true,
        "selector": selector_labels(r, "etcd"),
        "ports": [
            {"name": "client", "port": 2379, "targetPort": 2379, "protocol": "TCP"},
            {"name": "peer", "port": 2380, "targetPort": 2380, "protocol": "TCP"},
        ],
    });
    Service {
        metadata: meta(r, Names::new(&r.name).etcd(), "etcd", owner),
        spec: Some(serde_json::from_value(spec).expect("etcd service spec")),
        ..Default::default()
    }
}

const PKI: &str = "/var/lib/k0s/pki/etcd";
/// Ready means this member is healthy, not that some member behind the Service is (as the
/// operator's probe checks): a rolling update must wait for each member before the next.
/// The endpoint goes through the variable, since etcdctl refuses a flag its environment sets.
pub const READINESS: &str = "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379 exec etcdctl endpoint health";
const DATA: &str = "/var/lib/k0s/etcd";
/// Run in a member's etcd container by `backup`: a snapshot of this member (healthy, as
/// `backup` picks a Ready one) saved beside its data, on the volume sized for a second copy
/// of the database, then `etcdutl`'s status of it (JSON, the last line of standard error),
/// then the file itself on standard output; the file is removed whatever happens.
pub fn snapshot_script() -> String {
    format!(
        "set -e; f={DATA}/k0smotron-backup-$$.db; trap 'rm -f \"$f\"' EXIT; \
ETCDCTL_ENDPOINTS=https://127.0.0.1:2379 etcdctl snapshot save \"$f\" >&2; \
etcdutl snapshot status \"$f\" -w json >&2; cat \"$f\""
    )
}

/// The init container of a restore, after `init`: member 0 without data waits for the
/// snapshot `restore` streams in through exec (written to a part file and renamed, so a
/// whole file is there or none), restores it into its data directory as a cluster of one,
/// and removes it. Any other member, or one with data, has nothing to do.
pub const RESTORE_CONTAINER: &str = "restore";
pub const RESTORE_FILE: &str = "k0smotron-restore.db";

pub fn restore_script(svc: &str) -> String {
    format!(
        r#"set -eu
if [ "${{HOSTNAME##*-}}" != 0 ] || [ -e {DATA}/member/snap/db ]; then exit 0; fi
echo "waiting for the snapshot"
until [ -e {DATA}/{RESTORE_FILE} ]; do sleep 1; done
rm -rf {DATA}/restoring
etcdutl snapshot restore {DATA}/{RESTORE_FILE} --data-dir {DATA}/restoring \
  --name "$HOSTNAME" --initial-cluster "$ETCD_INITIAL_CLUSTER" \
  --initial-advertise-peer-urls "https://$HOSTNAME.{svc}:2380"
mv {DATA}/restoring/member {DATA}/member
rm -rf {DATA}/restoring {DATA}/{RESTORE_FILE}
"#
    )
}

/// Where `restore` streams the snapshot to.
pub fn restore_file() -> String {
    format!("{DATA}/{RESTORE_FILE}")
}

/// Above etcdctl's own 5 s command timeout, so a slow member is reported by etcdctl.
const READINESS_TIMEOUT_SECONDS: i32 = 10;
/// While a member starts, its health is asked every second, so it is Ready (and the
/// controller's kube-apiserver finds it) within a second of serving, where a first probe
/// after a fixed delay cost 5 to 15 s. The budget is long (30 minutes): a startup probe
/// that runs out restarts the container, and a member may wait that long for its peers or
/// for a large snapshot.
const STARTUP_PERIOD_SECONDS: i32 = 1;
const STARTUP_BUDGET_SECONDS: i32 = 30 * 60;

/// The init container: a member without data joins an existing cluster (and leaves a
/// marker so the container starts with state `existing`); the first members of a new
/// cluster find no one to ask. A member beyond those first ones (added by `scale`) joins a
/// cluster that exists, so it waits for the cluster to answer and never starts one of its
/// own: a moment without quorum (a rolling update of the others) would otherwise make it
/// found a second cluster of one. A member of this pod that was added before but never
/// started (a lost claim, an interrupted join) has no name yet in `member list`, only its
/// peer URL, so that is what identifies it. An add that fails after all makes the init
/// container fail; its restart finds the half-added member and starts over.
pub fn join_script(svc: &str) -> String {
    format!(
        r#"set -eu
peer="https://$HOSTNAME.{svc}:2380"
ordinal="${{HOSTNAME##*-}}"
joining=""
if [ ! -e {DATA}/member/snap/db ]; then
  if [ "$ordinal" -ge "${{{FIRST_MEMBERS}:-2147483647}}" ]; then
    tries=0
    until etcdctl member list > /tmp/members; do
      tries=$((tries + 1)); [ "$tries" -lt 60 ] || exit 1; sleep 2
    done
    joining=yes
  elif etcdctl member list > /tmp/members 2>/dev/null; then
    joining=yes
  fi
fi
if [ -n "$joining" ]; then
  stale=$(grep -F ", $peer," /tmp/members | cut -d, -f1 || true)
  if [ -n "$stale" ]; then etcdctl member remove "$stale"; fi
  # Right after a removal etcd may refuse the add for a moment ("member not found").
  tries=0
  until etcdctl member add "$HOSTNAME" --peer-urls "$peer"; do
    tries=$((tries + 1)); [ "$tries" -lt 10 ] || exit 1; sleep 1
  done
  mkdir -p {DATA} && touch {DATA}/existing
fi
"#
    )
}

/// The number of members the cluster was founded with, on the init container: set by
/// `create` and never changed by `scale`.
pub const FIRST_MEMBERS: &str = "K0SMOTRON_ETCD_FIRST_MEMBERS";

/// The etcd container. etcd reads every `ETCD_*` variable as the flag of the same name and
/// refuses to start when both are given, so the initial cluster (`ETCD_INITIAL_CLUSTER`, from
/// the pod spec) and its state come only from the environment, and nothing else does.
pub fn run_script(svc: &str, extra: &[String]) -> String {
    format!(
        r#"export ETCD_INITIAL_CLUSTER_STATE=new
if [ -e {DATA}/existing ]; then export ETCD_INITIAL_CLUSTER_STATE=existing; fi
exec etcd --name "$HOSTNAME" \
  --listen-peer-urls https://0.0.0.0:2380 --listen-client-urls https://0.0.0.0:2379 \
  --advertise-client-urls "https://$HOSTNAME.{svc}:2379" --initial-advertise-peer-urls "https://$HOSTNAME.{svc}:2380" \
  --client-cert-auth --trusted-ca-file {PKI}/ca.crt --cert-file {PKI}/server.crt --key-file {PKI}/server.key \
  --peer-client-cert-auth --peer-trusted-ca-file {PKI}/ca.crt --peer-cert-file {PKI}/peer.crt --peer-key-file {PKI}/peer.key \
  --tls-min-version=TLS1.2 --enable-pprof=false --auto-compaction-mode=periodic --auto-compaction-retention=5m \
  --snapshot-count=10000 {extra} --data-dir={DATA}
"#,
        extra = extra.join(" ")
    )
}

/// What etcd's WAL may take: it keeps 5 files of 64 MiB.
const WAL_RESERVE: u64 = (5 * 64) << 20;
/// etcd's own advice for the largest database.
const MAX_QUOTA: u64 = 8 << 30;

/// `--quota-backend-bytes` for a volume of `size`: what is left after the WAL, halved,
/// since defragmentation and a snapshot sent to a new member each need a second copy of the
/// database. etcd then raises NOSPACE (and stays readable) before the disk fills, which
/// would stop it. Rounded down to MiB, at most 8 GiB.
pub fn quota_bytes(size: &str) -> u64 {
    let bytes = crate::core::spec::size_bytes(size).unwrap_or(0);
    let quota = bytes.saturating_sub(WAL_RESERVE) / 2;
    ((quota >> 20) << 20).min(MAX_QUOTA)
}

pub fn statefulset(r: &Resolved, owner: Option<&OwnerReference>) -> StatefulSet {
    let Storage::Etcd {
        image: etcd_image,
        size,
        storage_class,
        args,
        auto_delete,
        resources,
    } = &r.storage
    else {
        panic!("etcd statefulset planned without etcd storage");
    };
    let names = Names::new(&r.name);
    let svc = names.etcd();
    // A restore starts one member from the snapshot; `restore` grows it afterwards.
    let n = if r.restore_etcd {
        1
    } else {
        members(r.replicas)
    };
    let initial_cluster = initial_cluster(&svc, n);
    let selector = json!(selector_labels(r, "etcd"));
    let mut pod_labels = r.labels.clone();
    pod_labels.extend(selector_labels(r, "etcd"));
    pod_labels.insert(naming::CLUSTER.into(), r.name.clone());
    let etcdctl_env = json!([
        {"name": "ETCDCTL_ENDPOINTS", "value": format!("https://{svc}:2379")},
        {"name": "ETCDCTL_CACERT", "value": format!("{PKI}/ca.crt")},
        {"name": "ETCDCTL_CERT", "value": format!("{PKI}/server.crt")},
        {"name": "ETCDCTL_KEY", "value": format!("{PKI}/server.key")},
    ]);
    let mut init_env = vec![json!({"name": FIRST_MEMBERS, "value": n.to_string()})];
    init_env.extend(etcdctl_env.as_array().cloned().unwrap_or_default());
    let mut etcd_env = vec![json!({"name": "ETCD_INITIAL_CLUSTER", "value": initial_cluster})];
    etcd_env.extend(etcdctl_env.as_array().cloned().unwrap_or_default());
    let mut extra: Vec<String> = args
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let quota_given = args
        .iter()
        .any(|a| a.split('=').next() == Some("--quota-backend-bytes"));
    if !quota_given {
        extra.push(format!("--quota-backend-bytes={}", quota_bytes(size)));
    }
    let (join, run) = (join_script(&svc), run_script(&svc, &extra));
    let certs = json!({"name": "certs", "projected": {"sources": [
        {"secret": {"name": names.secret("etcd"), "items": [{"key": "tls.crt", "path": "ca.crt"}, {"key": "tls.key", "path": "ca.key"}]}},
        {"secret": {"name": names.secret("etcd-server"), "items": [{"key": "tls.crt", "path": "server.crt"}, {"key": "tls.key", "path": "server.key"}]}},
        {"secret": {"name": names.secret("etcd-peer"), "items": [{"key": "tls.crt", "path": "peer.crt"}, {"key": "tls.key", "path": "peer.key"}]}},
    ]}});
    let mounts =
        json!([{"name": "certs", "mountPath": PKI}, {"name": "etcd-data", "mountPath": DATA}]);
    let mut claim_spec =
        json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}});
    if let Some(sc) = storage_class {
        claim_spec["storageClassName"] = json!(sc);
    }
    let claim_meta = meta(r, "etcd-data".into(), "etcd", None);
    let mut spec = json!({
        "replicas": n,
        "serviceName": svc,
        "podManagementPolicy": "Parallel",
        "selector": {"matchLabels": selector},
        "template": {
            "metadata": {"labels": pod_labels},
            "spec": {
                "automountServiceAccountToken": false,
                "securityContext": {"fsGroup": 1001},
                "affinity": anti_affinity(&selector),
                "initContainers": [
                    {
                        "name": "dns-check",
                        "image": image::image(&r.image, &r.version),
                        "imagePullPolicy": "IfNotPresent",
                        "terminationMessagePolicy": "FallbackToLogsOnError",
                        // Any address family: an IPv6-only mothership has no A records.
                        "command": ["/bin/sh", "-c", format!("until getent ahosts \"$HOSTNAME.{svc}.{}.svc\"; do sleep 1; done", r.namespace)],
                    },
                    {
                        "name": "init",
                        "image": etcd_image,
                        "imagePullPolicy": "IfNotPresent",
                        "terminationMessagePolicy": "FallbackToLogsOnError",
                        "command": ["/bin/bash", "-c", join],
                        "env": init_env,
                        "volumeMounts": mounts,
                    },
                ],
                "containers": [{
                    "name": "etcd",
                    "image": etcd_image,
                    "imagePullPolicy": "IfNotPresent",
                    // A container that exits leaves its last log lines in its status, where
                    // `status` and the waits read why it failed.
                    "terminationMessagePolicy": "FallbackToLogsOnError",
                    "command": ["/bin/bash", "-c", run],
                    "env": etcd_env,
                    "ports": [{"name": "client", "containerPort": 2379, "protocol": "TCP"}, {"name": "peer", "containerPort": 2380, "protocol": "TCP"}],
                    "startupProbe": {"exec": {"command": ["/bin/sh", "-c", READINESS]}, "periodSeconds": STARTUP_PERIOD_SECONDS, "timeoutSeconds": READINESS_TIMEOUT_SECONDS, "failureThreshold": STARTUP_BUDGET_SECONDS / STARTUP_PERIOD_SECONDS},
                    "readinessProbe": {"exec": {"command": ["/bin/sh", "-c", READINESS]}, "periodSeconds": 10, "timeoutSeconds": READINESS_TIMEOUT_SECONDS},
                    "volumeMounts": mounts,
                }],
                "volumes": [certs],
            }
        },
        "volumeClaimTemplates": [{"metadata": {"name": "etcd-data", "labels": claim_meta.labels}, "spec": claim_spec}],
    });
    if let Some(sa) = &r.service_account {
        spec["template"]["spec"]["serviceAccountName"] = json!(sa);
    }
    if let Some(res) = resources {
        spec["template"]["spec"]["containers"][0]["resources"] = json!(res);
    }
    if r.restore_etcd {
        let restore = json!({
            "name": RESTORE_CONTAINER,
            "image": etcd_image,
            "imagePullPolicy": "IfNotPresent",
            "terminationMessagePolicy": "FallbackToLogsOnError",
            "command": ["/bin/bash", "-c", restore_script(&svc)],
            "env": [{"name": "ETCD_INITIAL_CLUSTER", "value": initial_cluster.clone()}],
            "volumeMounts": mounts,
        });
        if let Some(inits) = spec["template"]["spec"]["initContainers"].as_array_mut() {
            inits.push(restore);
        }
    }
    if *auto_delete {
        spec["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Delete", "whenScaled": "Retain"});
    }
    StatefulSet {
        metadata: meta(r, svc, "etcd", owner),
        spec: Some(serde_json::from_value(spec).expect("etcd statefulset spec")),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::members;

    #[test]
    fn members_only_grow() {
        assert_eq!(super::target_members(3, 1), 3);
        assert_eq!(super::target_members(1, 3), 3);
        assert_eq!(super::target_members(4, 3), 5);
        assert_eq!(
            super::initial_cluster("e", 2),
            "e-0=https://e-0.e:2380,e-1=https://e-1.e:2380"
        );
    }

    #[test]
    fn the_quota_leaves_room_for_the_wal_and_a_second_copy() {
        assert_eq!(super::quota_bytes("1Gi"), 352 << 20);
        assert_eq!(super::quota_bytes("768Mi"), 224 << 20);
        assert_eq!(super::quota_bytes("10Gi"), ((10240 - 320) / 2) << 20);
        assert_eq!(super::quota_bytes("100Gi"), 8 << 30);
        assert_eq!(
            super::quota_bytes("2G"),
            (((2_000_000_000 - (320 << 20)) / 2) >> 20) << 20
        );
    }

    #[test]
    fn odd_member_counts() {
        assert_eq!(
            (members(1), members(2), members(3), members(4)),
            (1, 3, 3, 5)
        );
    }
}

#[cfg(test)]
mod scripts {
    use super::*;
    use crate::core::spec::{CreateOptions, resolve};

    /// etcd refuses to start when an `ETCD_*` variable and the same flag are both given.
    #[test]
    fn no_setting_is_given_both_as_a_variable_and_as_a_flag() {
        let r = resolve(CreateOptions {
            name: Some("demo".into()),
            replicas: Some(3),
            ..Default::default()
        })
        .unwrap();
        let sts = statefulset(&r, None);
        let c = &sts.spec.unwrap().template.spec.unwrap().containers[0];
        let script = &c.command.as_ref().unwrap()[2];
        let mut vars: Vec<String> = c.env.iter().flatten().map(|e| e.name.clone()).collect();
        vars.extend(
            script
                .split_whitespace()
                .filter_map(|w| w.strip_prefix("ETCD_"))
                .map(|w| format!("ETCD_{}", w.split('=').next().unwrap())),
        );
        let etcd_vars: Vec<&String> = vars.iter().filter(|v| v.starts_with("ETCD_")).collect();
        assert!(etcd_vars.contains(&&"ETCD_INITIAL_CLUSTER".to_string()));
        assert!(etcd_vars.contains(&&"ETCD_INITIAL_CLUSTER_STATE".to_string()));
        for v in etcd_vars {
            let flag = format!("--{}", v["ETCD_".len()..].to_lowercase().replace('_', "-"));
            let given = script
                .split_whitespace()
                .any(|w| w == flag || w.starts_with(&format!("{flag}=")));
            assert!(!given, "{v} is also given as {flag}");
        }
    }

    #[test]
    fn a_stale_member_is_found_by_its_peer_url() {
        let s = join_script("kmc-demo-etcd");
        assert!(s.contains(r#"peer="https://$HOSTNAME.kmc-demo-etcd:2380""#));
        assert!(s.contains(r#"grep -F ", $peer,""#));
    }
}
