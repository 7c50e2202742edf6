//! Bearer-token authentication and a small RBAC: each user either may do everything or has
//! a list of rules (verbs x API groups x resources x namespaces). Messages follow the
//! apiserver's `forbiddenMessage` (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go).

use serde::{Deserialize, Serialize};

/// One allow rule. `"*"` matches anything; resources may name a subresource (`pods/exec`).
/// An empty `namespaces` list means every namespace and the cluster scope.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rule {
    pub verbs: Vec<String>,
    #[serde(default = "any")]
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
}

fn any() -> Vec<String> {
    vec!["*".to_string()]
}

impl Rule {
    pub fn new(verbs: &[&str], resources: &[&str]) -> Self {
        Rule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            api_groups: any(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
            namespaces: Vec::new(),
        }
    }

    pub fn in_namespaces(mut self, namespaces: &[&str]) -> Self {
        self.namespaces = namespaces.iter().map(|s| s.to_string()).collect();
        self
    }

    fn allows(&self, a: &Attributes) -> bool {
        let hit = |list: &[String], v: &str| list.iter().any(|x| x == "*" || x == v);
        let resource = a.full_resource();
        hit(&self.verbs, &a.verb)
            && hit(&self.api_groups, &a.group)
            && (hit(&self.resources, &resource)
                || (a.subresource.is_empty() && hit(&self.resources, &a.resource))
                || self.resources.iter().any(|r| r == "*/*"))
            && (self.namespaces.is_empty()
                || (!a.namespace.is_empty() && hit(&self.namespaces, &a.namespace)))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub name: String,
    pub token: String,
    /// `None`: may do everything (cluster-admin).
    pub rules: Option<Vec<Rule>>,
}

impl User {
    pub fn admin(token: impl Into<String>) -> Self {
        User {
            name: "admin".into(),
            token: token.into(),
            rules: None,
        }
    }

    /// A user who may read (get, list, watch) everything and nothing else.
    pub fn read_only(name: &str, token: impl Into<String>) -> Self {
        User {
            name: name.into(),
            token: token.into(),
            rules: Some(vec![Rule::new(&["get", "list", "watch"], &["*"])]),
        }
    }

    pub fn allowed(&self, a: &Attributes) -> bool {
        match &self.rules {
            None => true,
            Some(rules) => rules.iter().any(|r| r.allows(a)),
        }
    }

    /// The `reason` a SelfSubjectAccessReview reports for an allowed request.
    pub fn allow_reason(&self) -> String {
        match &self.rules {
            None => format!(
                "RBAC: allowed by ClusterRoleBinding \"mothership-admin\" of ClusterRole \"cluster-admin\" to User \"{}\"",
                self.name
            ),
            Some(_) => format!(
                "RBAC: allowed by ClusterRoleBinding \"mothership-{0}\" of ClusterRole \"mothership-{0}\" to User \"{0}\"",
                self.name
            ),
        }
    }
}

/// What is being asked for, as the authorizer sees a resource request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

impl Attributes {
    pub fn full_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }

    /// The text after `is forbidden: `.
    pub fn denial(&self, user: &str) -> String {
        let resource = self.full_resource();
        if self.namespace.is_empty() {
            format!(
                "User \"{user}\" cannot {} resource \"{resource}\" in API group \"{}\" at the cluster scope",
                self.verb, self.group
            )
        } else {
            format!(
                "User \"{user}\" cannot {} resource \"{resource}\" in API group \"{}\" in the namespace \"{}\"",
                self.verb, self.group, self.namespace
            )
        }
    }

    /// The whole 403 message: `configmaps "x" is forbidden: User ...`.
    pub fn forbidden_message(&self, user: &str) -> String {
        let qualified = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        if self.name.is_empty() {
            format!("{qualified} is forbidden: {}", self.denial(user))
        } else {
            format!(
                "{qualified} \"{}\" is forbidden: {}",
                self.name,
                self.denial(user)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(verb: &str, resource: &str, sub: &str, ns: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: ns.into(),
            ..Default::default()
        }
    }

    #[test]
    fn read_only_user() {
        let u = User::read_only("reader", "t");
        assert!(u.allowed(&attrs("list", "secrets", "", "default")));
        assert!(!u.allowed(&attrs("create", "secrets", "", "default")));
        assert!(!u.allowed(&attrs("create", "pods", "exec", "default")));
    }

    #[test]
    fn namespaced_rule_and_message() {
        let u = User {
            name: "ci".into(),
            token: "t".into(),
            rules: Some(vec![
                Rule::new(&["*"], &["configmaps"]).in_namespaces(&["ci"]),
            ]),
        };
        assert!(u.allowed(&attrs("create", "configmaps", "", "ci")));
        assert!(!u.allowed(&attrs("create", "configmaps", "", "default")));
        assert!(!u.allowed(&attrs("list", "configmaps", "", "")));
        let mut a = attrs("create", "pods", "exec", "ci");
        a.name = "kmc-x-0".into();
        assert_eq!(
            a.forbidden_message("ci"),
            "pods \"kmc-x-0\" is forbidden: User \"ci\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"ci\""
        );
    }
}
