//! The server's whole state behind one lock, and the API verbs as the handlers call them:
//! registry strategy, storage, then the simulated controllers until they settle.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::controllers;
use crate::k0s::K0sTokens;
use crate::patch::PatchType;
use crate::resources::{self, Resource};
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::{ApiError, ApiResult};
use crate::store::{DeleteOptions, Store};
use crate::strategy::{self, Allocators};
use crate::util;

/// A node the server pretends to have, with the addresses NodePort exposure will look for.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub name: String,
    pub internal_ip: Option<String>,
    pub external_ip: Option<String>,
    pub external_dns: Option<String>,
}

impl NodeSpec {
    /// `node-N` with InternalIP 10.0.0.(10+N) and ExternalIP 203.0.113.(10+N) (TEST-NET-3).
    pub fn numbered(n: usize) -> Self {
        NodeSpec {
            name: format!("node-{n}"),
            internal_ip: Some(format!("10.0.0.{}", 10 + n)),
            external_ip: Some(format!("203.0.113.{}", 10 + n)),
            external_dns: None,
        }
    }
}

/// What the simulated controllers do; each can be switched off.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub statefulsets: bool,
    pub kubelet: bool,
    pub volume_binding: bool,
    pub load_balancers: bool,
    pub events: bool,
    /// Time from a pod starting to its Ready condition.
    pub pod_ready_delay: Duration,
    /// Time until a LoadBalancer Service gets an ingress address; `None`: never.
    pub lb_delay: Option<Duration>,
    pub nodes: Vec<NodeSpec>,
    pub default_storage_class: bool,
    /// The `gitVersion` /version reports.
    pub server_version: String,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            statefulsets: true,
            kubelet: true,
            volume_binding: true,
            load_balancers: true,
            events: true,
            pod_ready_delay: Duration::ZERO,
            lb_delay: Some(Duration::ZERO),
            nodes: (1..=3).map(NodeSpec::numbered).collect(),
            default_storage_class: true,
            server_version: "v1.33.4".into(),
        }
    }
}

/// Work a controller wants done later (a delay), run by the server's timer tasks.
#[derive(Debug, Clone)]
pub enum TimerAction {
    PodReady {
        namespace: String,
        name: String,
        uid: String,
    },
    LoadBalancer {
        namespace: String,
        name: String,
        uid: String,
    },
}

#[derive(Debug, Clone)]
pub struct Timer {
    pub after: Duration,
    pub action: TimerAction,
}

#[derive(Debug)]
pub struct State {
    pub store: Store,
    pub sim: Simulation,
    pub alloc: Allocators,
    pub counters: HashMap<&'static str, u32>,
    pub k0s: K0sTokens,
    pub timers: Vec<Timer>,
    /// Uids a timer is already pending for.
    pub scheduled: std::collections::HashSet<String>,
}

impl State {
    pub fn new(sim: Simulation) -> Self {
        let mut state = State {
            store: Store::default(),
            sim,
            alloc: Allocators::default(),
            counters: HashMap::new(),
            k0s: K0sTokens::default(),
            timers: Vec::new(),
            scheduled: Default::default(),
        };
        controllers::seed(&mut state);
        state
    }

    pub fn next(&mut self, counter: &'static str) -> u32 {
        let c = self.counters.entry(counter).or_insert(0);
        *c += 1;
        *c
    }

    pub fn get(&self, res: &'static Resource, ns: &str, name: &str) -> ApiResult<Value> {
        self.store
            .get(res, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, name))
    }

    pub fn list(
        &self,
        res: &'static Resource,
        ns: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
    ) -> Value {
        self.store.list(res, ns, labels, fields)
    }

    pub fn create(
        &mut self,
        res: &'static Resource,
        ns: &str,
        body: Value,
        dry_run: bool,
    ) -> ApiResult<Value> {
        let obj = self.validate_create(res, ns, body)?;
        if dry_run {
            return Ok(obj);
        }
        let stored = self.store.put(res, obj);
        controllers::settle(self);
        Ok(stored)
    }

    /// Create without running controllers: what a controller does while settling.
    pub fn insert(&mut self, res: &'static Resource, ns: &str, body: Value) -> ApiResult<Value> {
        let obj = self.validate_create(res, ns, body)?;
        Ok(self.store.put(res, obj))
    }

    fn validate_create(
        &mut self,
        res: &'static Resource,
        ns: &str,
        body: Value,
    ) -> ApiResult<Value> {
        let mut obj = self.store.prepare_create(res, ns, body)?;
        strategy::prepare(&mut self.alloc, &self.store, res, None, &mut obj)?;
        Ok(obj)
    }

    pub fn update(
        &mut self,
        res: &'static Resource,
        ns: &str,
        name: &str,
        body: Value,
        subresource: Option<&str>,
        dry_run: bool,
    ) -> ApiResult<Value> {
        let old = self.get(res, ns, name)?;
        let mut new = self.store.prepare_update(res, &old, body, subresource)?;
        if subresource.is_none() {
            strategy::prepare(&mut self.alloc, &self.store, res, Some(&old), &mut new)?;
        }
        if dry_run {
            return Ok(new);
        }
        let stored = self.store.commit_update(res, &old, new);
        controllers::settle(self);
        Ok(stored)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn patch(
        &mut self,
        res: &'static Resource,
        ns: &str,
        name: &str,
        kind: PatchType,
        body: Value,
        subresource: Option<&str>,
        dry_run: bool,
    ) -> ApiResult<(Value, bool)> {
        let Some(old) = self.store.get(res, ns, name).cloned() else {
            if kind != PatchType::Apply {
                return Err(ApiError::not_found(res, name));
            }
            // Server-side apply creates what does not exist yet.
            let body_name = util::name(&body);
            if !body_name.is_empty() && body_name != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
            let mut body = body;
            util::meta_mut(&mut body).insert("name".into(), json!(name));
            return self.create(res, ns, body, dry_run).map(|o| (o, true));
        };
        let patched = self.store.patch_object(res, &old, kind, &body)?;
        self.update(res, ns, name, patched, subresource, dry_run)
            .map(|o| (o, false))
    }

    pub fn delete(
        &mut self,
        res: &'static Resource,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> ApiResult<Value> {
        let out = self.store.delete(res, ns, name, opts)?;
        if !opts.dry_run {
            controllers::settle(self);
        }
        Ok(out)
    }

    pub fn delete_collection(
        &mut self,
        res: &'static Resource,
        ns: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        opts: &DeleteOptions,
    ) -> ApiResult<Value> {
        let list = self.store.list(res, ns, labels, fields);
        let mut deleted = Vec::new();
        for item in list["items"].as_array().cloned().unwrap_or_default() {
            let item_ns = util::str_at(&item, &["metadata", "namespace"])
                .unwrap_or_default()
                .to_string();
            match self.store.delete(res, &item_ns, util::name(&item), opts) {
                Ok(_) => deleted.push(item),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        if !opts.dry_run {
            controllers::settle(self);
        }
        Ok(json!({
            "kind": res.list_kind(),
            "apiVersion": res.api_version(),
            "metadata": {"resourceVersion": self.store.resource_version().to_string()},
            "items": deleted,
        }))
    }

    /// Run a timer that came due.
    pub fn fire(&mut self, action: &TimerAction) {
        controllers::fire(self, action);
        controllers::settle(self);
    }
}

pub fn resource(group: &str, plural: &str) -> &'static Resource {
    let version = "v1";
    resources::find(group, version, plural).expect("known resource")
}
