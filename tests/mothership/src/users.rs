//! Users limited by RBAC, for permission tests: a ServiceAccount in the test's namespace,
//! a Role per namespace and a ClusterRole for cluster-wide rules bound to it, and a token
//! from the TokenRequest API. kube-apiserver's real authorizer then decides every request,
//! SelfSubjectAccessReviews included.

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

/// What a user may do: `verbs` on `resources` (`*` for all; any API group), in the listed
/// namespaces or, without any, everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    pub namespaces: Vec<String>,
}

impl Rule {
    pub fn new(verbs: &[&str], resources: &[&str]) -> Self {
        Rule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
            namespaces: Vec::new(),
        }
    }

    pub fn in_namespaces(mut self, namespaces: &[&str]) -> Self {
        self.namespaces = namespaces.iter().map(|s| s.to_string()).collect();
        self
    }

    fn policy(&self) -> Value {
        json!({"apiGroups": ["*"], "resources": self.resources, "verbs": self.verbs})
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub rules: Vec<Rule>,
}

impl User {
    pub fn new(name: &str, rules: Vec<Rule>) -> Self {
        User {
            name: name.into(),
            rules,
        }
    }

    /// May get, list and watch everything, change nothing.
    pub fn read_only(name: &str) -> Self {
        User::new(name, vec![Rule::new(&["get", "list", "watch"], &["*"])])
    }
}

pub async fn create(admin: &kube::Client, namespace: &str, user: &User) -> anyhow::Result<String> {
    let pp = PostParams::default();
    let sa: ServiceAccount = serde_json::from_value(json!({"metadata": {"name": user.name}}))?;
    let accounts: Api<ServiceAccount> = Api::namespaced(admin.clone(), namespace);
    accounts.create(&pp, &sa).await?;
    let subject = json!([{"kind": "ServiceAccount", "name": user.name, "namespace": namespace}]);
    // Cluster-wide objects are named after the namespace too: namespaces are per test.
    let cluster_name = format!("{namespace}-{}", user.name);
    let cluster_rules: Vec<Value> = user
        .rules
        .iter()
        .filter(|r| r.namespaces.is_empty())
        .map(Rule::policy)
        .collect();
    if !cluster_rules.is_empty() {
        let role: ClusterRole = serde_json::from_value(
            json!({"metadata": {"name": cluster_name}, "rules": cluster_rules}),
        )?;
        Api::<ClusterRole>::all(admin.clone())
            .create(&pp, &role)
            .await?;
        let binding: ClusterRoleBinding = serde_json::from_value(json!({
            "metadata": {"name": cluster_name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cluster_name},
            "subjects": subject,
        }))?;
        Api::<ClusterRoleBinding>::all(admin.clone())
            .create(&pp, &binding)
            .await?;
    }
    let mut namespaces: Vec<&String> = user.rules.iter().flat_map(|r| &r.namespaces).collect();
    namespaces.sort();
    namespaces.dedup();
    for ns in namespaces {
        ensure_namespace(admin, ns).await?;
        let rules: Vec<Value> = user
            .rules
            .iter()
            .filter(|r| r.namespaces.contains(ns))
            .map(Rule::policy)
            .collect();
        let role: Role =
            serde_json::from_value(json!({"metadata": {"name": cluster_name}, "rules": rules}))?;
        Api::<Role>::namespaced(admin.clone(), ns)
            .create(&pp, &role)
            .await?;
        let binding: RoleBinding = serde_json::from_value(json!({
            "metadata": {"name": cluster_name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": cluster_name},
            "subjects": subject,
        }))?;
        Api::<RoleBinding>::namespaced(admin.clone(), ns)
            .create(&pp, &binding)
            .await?;
    }
    let request: TokenRequest =
        serde_json::from_value(json!({"spec": {"audiences": [], "expirationSeconds": 86400}}))?;
    let token = accounts
        .create_token_request(&user.name, &pp, &request)
        .await?;
    Ok(token.status.map(|s| s.token).unwrap_or_default())
}

/// Rules may name namespaces that do not exist yet.
async fn ensure_namespace(admin: &kube::Client, ns: &str) -> anyhow::Result<()> {
    let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(admin.clone());
    if api.get_opt(ns).await?.is_none() {
        let n = serde_json::from_value(json!({"metadata": {"name": ns}}))?;
        match api.create(&PostParams::default(), &n).await {
            Err(kube::Error::Api(s)) if s.code == 409 => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}
