//! What `doctor` checks and how results become a verdict. The mothership layer gathers the
//! facts; this module decides, so every rule here is tested without a server.

use serde::Serialize;

use super::version;

/// One permission the CLI needs, asked with a SelfSubjectAccessReview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    /// Asked in the target namespace; otherwise at the cluster scope.
    pub namespaced: bool,
}

impl Permission {
    /// `statefulsets.apps`, `pods/exec`, `nodes`: how kubectl and RBAC rules name it.
    pub fn resource_name(&self) -> String {
        let mut r = self.resource.to_string();
        if !self.group.is_empty() {
            r = format!("{r}.{}", self.group);
        }
        if !self.subresource.is_empty() {
            r = format!("{}/{}", self.resource, self.subresource);
        }
        r
    }
}

/// Verbs on the objects a control plane is made of. `deletecollection` because `delete`
/// removes objects by label selector rather than one call per object.
const WRITE: &[&str] = &[
    "create",
    "get",
    "list",
    "patch",
    "delete",
    "deletecollection",
];
const READ: &[&str] = &["get", "list"];

/// Every permission k0smotron's commands use, grouped by resource in display order.
pub fn required_permissions() -> Vec<Permission> {
    let groups: &[(&str, &str, &str, &[&str], bool)] = &[
        ("apps", "statefulsets", "", WRITE, true),
        ("", "services", "", WRITE, true),
        ("", "configmaps", "", WRITE, true),
        ("", "secrets", "", WRITE, true),
        ("", "persistentvolumeclaims", "", WRITE, true),
        ("", "pods", "", READ, true),
        ("", "pods", "exec", &["create"], true),
        ("", "events", "", READ, true),
        ("", "nodes", "", READ, false),
        ("storage.k8s.io", "storageclasses", "", READ, false),
    ];
    groups
        .iter()
        .flat_map(|(group, resource, subresource, verbs, namespaced)| {
            verbs.iter().map(move |verb| Permission {
                verb,
                group,
                resource,
                subresource,
                namespaced: *namespaced,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Stable identifier for scripts: `reachable`, `version`, `permissions/secrets`, ...
    pub name: String,
    pub status: Status,
    /// Whether a failure makes `doctor` exit non-zero.
    pub required: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

impl Check {
    fn new(name: &str, status: Status, required: bool, message: String) -> Self {
        Check {
            name: name.to_string(),
            status,
            required,
            message,
            missing: Vec::new(),
        }
    }

    pub fn skipped(name: &str, required: bool, why: &str) -> Self {
        Check::new(name, Status::Skip, required, why.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub ok: bool,
    pub server: String,
    pub context: String,
    pub namespace: String,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(server: String, context: String, namespace: String, checks: Vec<Check>) -> Self {
        // A required check may warn (an old but workable server) without failing the report.
        let ok = checks
            .iter()
            .all(|c| !c.required || matches!(c.status, Status::Pass | Status::Warn));
        Report {
            ok,
            server,
            context,
            namespace,
            checks,
        }
    }
}

pub fn reachable(server: &str) -> Check {
    Check::new(
        "reachable",
        Status::Pass,
        true,
        format!("mothership {server} is reachable"),
    )
}

pub fn unreachable(reason: &str) -> Check {
    Check::new("reachable", Status::Fail, true, reason.to_string())
}

/// The names of the checks that cannot run without a reachable, authenticated mothership.
pub fn dependent_checks() -> Vec<(String, bool)> {
    let mut names = vec![
        ("version".to_string(), true),
        ("namespace".to_string(), true),
    ];
    let mut seen = Vec::new();
    for p in required_permissions() {
        let n = format!("permissions/{}", p.resource_name());
        if !seen.contains(&n) {
            seen.push(n.clone());
            names.push((n, true));
        }
    }
    names.push(("default-storage-class".into(), false));
    names.push(("node-addresses".into(), false));
    names
}

pub fn server_version(git_version: &str, parsed: Option<(u32, u32)>) -> Check {
    let (min_major, min_minor) = version::MIN_SERVER;
    let (sup_major, sup_minor) = version::SUPPORTED_SERVER;
    match parsed {
        Some(v) if v >= version::SUPPORTED_SERVER => Check::new(
            "version",
            Status::Pass,
            true,
            format!(
                "Kubernetes {git_version} (k0smotron supports {sup_major}.{sup_minor} and newer)"
            ),
        ),
        Some(v) if version::is_supported(v) => Check::new(
            "version",
            Status::Warn,
            true,
            format!(
                "Kubernetes {git_version} should work, but k0smotron is built and tested for {sup_major}.{sup_minor} and newer"
            ),
        ),
        Some(_) => Check::new(
            "version",
            Status::Fail,
            true,
            format!(
                "Kubernetes {git_version} is too old: k0smotron needs {min_major}.{min_minor} or newer"
            ),
        ),
        None => Check::new(
            "version",
            Status::Fail,
            true,
            format!("cannot read the server version {git_version:?}"),
        ),
    }
}

/// One check per resource from the review answers (same order as `required_permissions`).
/// `None` as an answer means the review itself could not be asked.
pub fn permissions(answers: &[(Permission, Option<bool>)], namespace: &str) -> Vec<Check> {
    struct Group {
        resource: String,
        scope: String,
        verbs: Vec<&'static str>,
        missing: Vec<String>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for (perm, allowed) in answers {
        let resource = perm.resource_name();
        let idx = groups
            .iter()
            .position(|g| g.resource == resource)
            .unwrap_or_else(|| {
                let scope = if perm.namespaced {
                    format!("in namespace {namespace}")
                } else {
                    "at the cluster scope".to_string()
                };
                groups.push(Group {
                    resource,
                    scope,
                    verbs: Vec::new(),
                    missing: Vec::new(),
                });
                groups.len() - 1
            });
        let g = &mut groups[idx];
        g.verbs.push(perm.verb);
        match allowed {
            Some(true) => {}
            Some(false) => g.missing.push(perm.verb.to_string()),
            None => g.missing.push(format!("{} (review failed)", perm.verb)),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let name = format!("permissions/{}", g.resource);
            if g.missing.is_empty() {
                Check::new(
                    &name,
                    Status::Pass,
                    true,
                    format!("may {} {} {}", g.verbs.join(", "), g.resource, g.scope),
                )
            } else {
                let message = format!(
                    "may not {} {} {}",
                    g.missing.join(", "),
                    g.resource,
                    g.scope
                );
                Check {
                    missing: g.missing,
                    ..Check::new(&name, Status::Fail, true, message)
                }
            }
        })
        .collect()
}

/// A StorageClass as doctor sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageClassInfo {
    pub name: String,
    pub is_default: bool,
}

pub fn default_storage_class(classes: Result<&[StorageClassInfo], &str>) -> Check {
    let name = "default-storage-class";
    match classes {
        Err(why) => Check::new(
            name,
            Status::Warn,
            false,
            format!("cannot list StorageClasses: {why}"),
        ),
        Ok(list) => match list.iter().find(|c| c.is_default) {
            Some(c) => Check::new(
                name,
                Status::Pass,
                false,
                format!("default StorageClass {}", c.name),
            ),
            None => {
                let others: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
                let hint = if others.is_empty() {
                    "use --storage kine with --persistence emptyDir, or install a provisioner"
                        .to_string()
                } else {
                    format!("pass --storage-class (one of: {})", others.join(", "))
                };
                Check::new(
                    name,
                    Status::Warn,
                    false,
                    format!(
                        "no default StorageClass: etcd storage and --persistence pvc need one; {hint}"
                    ),
                )
            }
        },
    }
}

/// One node's addresses by type (`ExternalIP`, `ExternalDNS`, `InternalIP`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeInfo {
    pub name: String,
    pub addresses: Vec<(String, String)>,
}

/// The address NodePort exposure uses: the first ExternalIP or ExternalDNS of any node,
/// else the first InternalIP.
pub fn node_endpoint(nodes: &[NodeInfo]) -> Option<(String, String)> {
    let find = |kinds: &[&str]| {
        nodes.iter().find_map(|n| {
            n.addresses
                .iter()
                .find(|(t, _)| kinds.contains(&t.as_str()))
                .map(|(t, a)| (t.clone(), a.clone()))
        })
    };
    find(&["ExternalIP", "ExternalDNS"]).or_else(|| find(&["InternalIP"]))
}

/// The namespace control planes go to must exist (`create --create-namespace` makes it).
pub fn namespace(ns: &str, exists: Result<bool, &str>) -> Check {
    let name = "namespace";
    match exists {
        Ok(true) => Check::new(name, Status::Pass, true, format!("namespace {ns} exists")),
        Ok(false) => Check::new(
            name,
            Status::Fail,
            true,
            format!(
                "namespace {ns} does not exist: create it (`kubectl create namespace {ns}`) or pass --create-namespace to `k0smotron create`"
            ),
        ),
        Err(why) => Check::new(
            name,
            Status::Warn,
            true,
            format!(
                "cannot tell whether namespace {ns} exists ({why}); a create says so at its first write"
            ),
        ),
    }
}

pub fn node_addresses(nodes: Result<&[NodeInfo], &str>) -> Check {
    let name = "node-addresses";
    match nodes {
        Err(why) => Check::new(
            name,
            Status::Warn,
            false,
            format!("cannot list nodes: {why}"),
        ),
        Ok(list) => match node_endpoint(list) {
            Some((kind, addr)) if kind == "InternalIP" => Check::new(
                name,
                Status::Warn,
                false,
                format!(
                    "nodes have only internal addresses; NodePort endpoints will use {addr}, which workers outside the mothership's network may not reach (pass --external-address)"
                ),
            ),
            Some((kind, addr)) => Check::new(
                name,
                Status::Pass,
                false,
                format!(
                    "{}; NodePort endpoints will use {addr} ({kind})",
                    super::count(list.len() as i64, "node")
                ),
            ),
            None => Check::new(
                name,
                Status::Warn,
                false,
                "no node reports an address; NodePort exposure needs --external-address".into(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_list_covers_the_cli() {
        let perms = required_permissions();
        assert_eq!(perms.len(), 5 * 6 + 2 + 1 + 2 + 2 + 2);
        assert!(
            perms
                .iter()
                .any(|p| p.resource_name() == "pods/exec" && p.verb == "create")
        );
        assert!(
            perms
                .iter()
                .any(|p| p.resource_name() == "statefulsets.apps" && p.verb == "deletecollection")
        );
        assert!(
            perms
                .iter()
                .filter(|p| !p.namespaced)
                .all(|p| p.resource == "nodes" || p.resource == "storageclasses")
        );
    }

    #[test]
    fn permissions_name_each_missing_verb() {
        let answers: Vec<(Permission, Option<bool>)> = required_permissions()
            .into_iter()
            .map(|p| {
                let ok = p.verb == "get" || p.verb == "list";
                (p, Some(ok))
            })
            .collect();
        let checks = permissions(&answers, "ci");
        let secrets = checks
            .iter()
            .find(|c| c.name == "permissions/secrets")
            .unwrap();
        assert_eq!(secrets.status, Status::Fail);
        assert_eq!(
            secrets.missing,
            vec!["create", "patch", "delete", "deletecollection"]
        );
        assert_eq!(
            secrets.message,
            "may not create, patch, delete, deletecollection secrets in namespace ci"
        );
        let nodes = checks
            .iter()
            .find(|c| c.name == "permissions/nodes")
            .unwrap();
        assert_eq!(
            (nodes.status, nodes.message.as_str()),
            (Status::Pass, "may get, list nodes at the cluster scope")
        );
        assert!(!Report::new("s".into(), "c".into(), "ci".into(), checks).ok);
    }

    #[test]
    fn warnings_do_not_fail_the_report() {
        let checks = vec![
            reachable("https://x"),
            default_storage_class(Ok(&[])),
            node_addresses(Ok(&[])),
        ];
        let report = Report::new("s".into(), "c".into(), "n".into(), checks);
        assert!(report.ok);
        assert_eq!(report.checks[1].status, Status::Warn);
    }

    #[test]
    fn versions() {
        assert_eq!(
            server_version("v1.33.4", Some((1, 33))).status,
            Status::Pass
        );
        let old = server_version("v1.27.9", Some((1, 27)));
        assert_eq!(old.status, Status::Fail);
        assert!(old.message.contains("too old"));
    }

    #[test]
    fn node_endpoint_prefers_external() {
        let n = |name: &str, addrs: &[(&str, &str)]| NodeInfo {
            name: name.into(),
            addresses: addrs
                .iter()
                .map(|(t, a)| (t.to_string(), a.to_string()))
                .collect(),
        };
        let nodes = vec![
            n("a", &[("InternalIP", "10.0.0.1")]),
            n(
                "b",
                &[("InternalIP", "10.0.0.2"), ("ExternalIP", "203.0.113.2")],
            ),
        ];
        assert_eq!(
            node_endpoint(&nodes),
            Some(("ExternalIP".into(), "203.0.113.2".into()))
        );
        assert_eq!(node_addresses(Ok(&nodes[..1])).status, Status::Warn);
        assert_eq!(node_addresses(Ok(&nodes)).status, Status::Pass);
    }
}
