//! The resource types the test server knows, with what discovery says about them.

/// How `metadata.name` is validated (apimachinery's validation helpers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// RFC 1123 subdomain: most objects.
    Subdomain,
    /// RFC 1123 label: namespaces.
    Label,
    /// RFC 1035 label: services.
    Label1035,
    /// Not stored, so not named (SelfSubjectAccessReview).
    None,
}

#[derive(Debug)]
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// Subresources as (name, kind, verbs).
    pub subresources: &'static [(&'static str, &'static str, &'static [&'static str])],
    pub name_rule: NameRule,
    /// Whether `status` is a subresource: creates and updates of the main resource ignore it.
    pub has_status: bool,
}

const STORED: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
];
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];

impl Resource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
    pub fn has_subresource(&self, sub: &str) -> bool {
        self.subresources.iter().any(|(name, _, _)| *name == sub)
    }
}

pub static RESOURCES: &[Resource] = &[
    Resource {
        group: "",
        version: "v1",
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        namespaced: false,
        short_names: &["ns"],
        verbs: &["create", "delete", "get", "list", "patch", "update"],
        subresources: &[("status", "Namespace", STATUS_VERBS)],
        name_rule: NameRule::Label,
        has_status: true,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Node",
        plural: "nodes",
        singular: "node",
        namespaced: false,
        short_names: &["no"],
        verbs: STORED,
        subresources: &[("status", "Node", STATUS_VERBS)],
        name_rule: NameRule::Subdomain,
        has_status: true,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        namespaced: true,
        short_names: &["po"],
        verbs: STORED,
        subresources: &[
            ("exec", "PodExecOptions", &["create", "get"]),
            ("status", "Pod", STATUS_VERBS),
        ],
        name_rule: NameRule::Subdomain,
        has_status: true,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Service",
        plural: "services",
        singular: "service",
        namespaced: true,
        short_names: &["svc"],
        verbs: &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
        ],
        subresources: &[("status", "Service", STATUS_VERBS)],
        name_rule: NameRule::Label1035,
        has_status: true,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "ConfigMap",
        plural: "configmaps",
        singular: "configmap",
        namespaced: true,
        short_names: &["cm"],
        verbs: STORED,
        subresources: &[],
        name_rule: NameRule::Subdomain,
        has_status: false,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Secret",
        plural: "secrets",
        singular: "secret",
        namespaced: true,
        short_names: &[],
        verbs: STORED,
        subresources: &[],
        name_rule: NameRule::Subdomain,
        has_status: false,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        namespaced: true,
        short_names: &["pvc"],
        verbs: STORED,
        subresources: &[("status", "PersistentVolumeClaim", STATUS_VERBS)],
        name_rule: NameRule::Subdomain,
        has_status: true,
    },
    Resource {
        group: "",
        version: "v1",
        kind: "Event",
        plural: "events",
        singular: "event",
        namespaced: true,
        short_names: &["ev"],
        verbs: STORED,
        subresources: &[],
        name_rule: NameRule::Subdomain,
        has_status: false,
    },
    Resource {
        group: "apps",
        version: "v1",
        kind: "StatefulSet",
        plural: "statefulsets",
        singular: "statefulset",
        namespaced: true,
        short_names: &["sts"],
        verbs: STORED,
        subresources: &[
            ("scale", "Scale", STATUS_VERBS),
            ("status", "StatefulSet", STATUS_VERBS),
        ],
        name_rule: NameRule::Subdomain,
        has_status: true,
    },
    Resource {
        group: "storage.k8s.io",
        version: "v1",
        kind: "StorageClass",
        plural: "storageclasses",
        singular: "storageclass",
        namespaced: false,
        short_names: &["sc"],
        verbs: STORED,
        subresources: &[],
        name_rule: NameRule::Subdomain,
        has_status: false,
    },
    Resource {
        group: "authorization.k8s.io",
        version: "v1",
        kind: "SelfSubjectAccessReview",
        plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview",
        namespaced: false,
        short_names: &[],
        verbs: &["create"],
        subresources: &[],
        name_rule: NameRule::None,
        has_status: false,
    },
];

/// API groups other than core, in the order `/apis` lists them.
pub const GROUPS: &[&str] = &["apps", "storage.k8s.io", "authorization.k8s.io"];

pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

pub fn in_group_version(group: &str, version: &str) -> Vec<&'static Resource> {
    RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect()
}

/// The resource a storage key's id (`plural.group`) names.
pub fn by_id(id: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| format!("{}.{}", r.plural, r.group) == id)
}
