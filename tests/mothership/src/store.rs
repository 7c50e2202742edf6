//! Object storage with the API server's semantics for create, get, list, update, patch and
//! delete (preconditions, propagation policies, finalizers, dry run). Controllers run after
//! every write until nothing changes (see `sim`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::names;
use crate::patch::{self, PatchType};
use crate::resources::{self, Resource};
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::{ApiError, ApiResult, FieldError};
use crate::util::{self, meta, meta_mut};

/// (resource plural with group, namespace or "", name)
pub type Key = (String, String, String);

pub fn key(res: &Resource, ns: &str, name: &str) -> Key {
    (
        res_id(res),
        if res.namespaced {
            ns.to_string()
        } else {
            String::new()
        },
        name.to_string(),
    )
}

pub fn res_id(res: &Resource) -> String {
    format!("{}.{}", res.plural, res.group)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub propagation: Option<Propagation>,
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug, Default)]
pub struct Store {
    pub objects: BTreeMap<Key, Value>,
    rv: u64,
}

impl Store {
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    pub fn get(&self, res: &Resource, ns: &str, name: &str) -> Option<&Value> {
        self.objects.get(&key(res, ns, name))
    }

    pub fn get_mut(&mut self, res: &Resource, ns: &str, name: &str) -> Option<&mut Value> {
        self.objects.get_mut(&key(res, ns, name))
    }

    /// Store `obj` with a fresh resourceVersion (what every successful write does).
    pub fn put(&mut self, res: &Resource, mut obj: Value) -> Value {
        self.rv += 1;
        meta_mut(&mut obj).insert("resourceVersion".into(), json!(self.rv.to_string()));
        let ns = util::str_at(&obj, &["metadata", "namespace"])
            .unwrap_or_default()
            .to_string();
        let k = key(res, &ns, util::name(&obj));
        self.objects.insert(k, obj.clone());
        obj
    }

    pub fn remove(&mut self, res: &Resource, ns: &str, name: &str) -> Option<Value> {
        self.objects.remove(&key(res, ns, name))
    }

    /// Every object of a resource, optionally in one namespace, in name order.
    pub fn all<'a>(
        &'a self,
        res: &Resource,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        let id = res_id(res);
        self.objects
            .iter()
            .filter(move |((r, n, _), _)| *r == id && ns.is_none_or(|ns| n == ns))
            .map(|(_, v)| v)
    }

    pub fn namespace_state(&self, ns: &str) -> Option<&Value> {
        self.objects
            .get(&(res_id(ns_resource()), String::new(), ns.to_string()))
    }

    // ---- verbs -------------------------------------------------------------------------

    pub fn list(
        &self,
        res: &Resource,
        ns: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
    ) -> Value {
        let items: Vec<Value> = self
            .all(res, ns)
            .filter(|o| labels.matches(meta(o).get("labels")) && fields.matches(o))
            .cloned()
            .collect();
        json!({
            "kind": res.list_kind(),
            "apiVersion": res.api_version(),
            "metadata": {"resourceVersion": self.rv.to_string()},
            "items": items,
        })
    }

    /// Checks and metadata shared by create and apply-create; returns the object to store.
    pub fn prepare_create(&self, res: &Resource, ns: &str, mut obj: Value) -> ApiResult<Value> {
        check_type(res, &obj)?;
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request must be an object",
            ));
        }
        if res.namespaced {
            let body_ns = util::str_at(&obj, &["metadata", "namespace"]).unwrap_or_default();
            if !body_ns.is_empty() && body_ns != ns {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            match self.namespace_state(ns) {
                None => return Err(ApiError::namespace_not_found(ns)),
                Some(n) if util::is_deleting(n) => {
                    let name = util::name(&obj).to_string();
                    return Err(ApiError::forbidden(
                        format!(
                            "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                            crate::status::qualified(res),
                            name,
                            ns
                        ),
                        Some((res, &name)),
                    ));
                }
                Some(_) => {}
            }
        }
        let m = meta_mut(&mut obj);
        let mut name = m
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            match m.get("generateName").and_then(Value::as_str) {
                Some(prefix) if !prefix.is_empty() => {
                    name = format!("{prefix}{}", util::name_suffix())
                }
                _ => {
                    return Err(ApiError::invalid(
                        res.kind,
                        "",
                        vec![FieldError::required(
                            "metadata.name",
                            "name or generateName is required",
                        )],
                    ));
                }
            }
        }
        let problems = names::validate(res.name_rule, &name);
        if !problems.is_empty() {
            let causes = problems
                .into_iter()
                .map(|p| FieldError::invalid("metadata.name", json!(name), p))
                .collect();
            return Err(ApiError::invalid(res.kind, &name, causes));
        }
        if self.get(res, ns, &name).is_some() {
            return Err(ApiError::already_exists(res, &name));
        }
        m.insert("name".into(), json!(name));
        if res.namespaced {
            m.insert("namespace".into(), json!(ns));
        } else {
            m.remove("namespace");
        }
        m.insert("uid".into(), json!(util::new_uid()));
        m.insert("creationTimestamp".into(), json!(util::now()));
        for transient in [
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "resourceVersion",
            "selfLink",
            "generation",
        ] {
            m.remove(transient);
        }
        if tracks_generation(res) {
            m.insert("generation".into(), json!(1));
        }
        obj["apiVersion"] = json!(res.api_version());
        obj["kind"] = json!(res.kind);
        if res.has_status
            && let Some(o) = obj.as_object_mut()
        {
            o.remove("status");
        }
        Ok(obj)
    }

    /// Checks an update of `old` to `new` and carries over what clients may not change.
    pub fn prepare_update(
        &self,
        res: &Resource,
        old: &Value,
        mut new: Value,
        subresource: Option<&str>,
    ) -> ApiResult<Value> {
        check_type(res, &new)?;
        let name = util::name(old).to_string();
        let new_name = util::name(&new);
        if !new_name.is_empty() && new_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({new_name}) does not match the name on the URL ({name})"
            )));
        }
        let want_rv = util::str_at(&new, &["metadata", "resourceVersion"])
            .unwrap_or_default()
            .to_string();
        if !want_rv.is_empty()
            && want_rv != util::str_at(old, &["metadata", "resourceVersion"]).unwrap_or_default()
        {
            return Err(ApiError::stale(res, &name));
        }
        if subresource == Some("status") {
            let mut merged = old.clone();
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            return Ok(merged);
        }
        if res.has_status {
            match old.get("status") {
                Some(s) => new["status"] = s.clone(),
                None => {
                    if let Some(o) = new.as_object_mut() {
                        o.remove("status");
                    }
                }
            }
        }
        new["apiVersion"] = json!(res.api_version());
        new["kind"] = json!(res.kind);
        let old_meta = meta(old).clone();
        let m = meta_mut(&mut new);
        for kept in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            match old_meta.get(kept) {
                Some(v) => m.insert(kept.into(), v.clone()),
                None => m.remove(kept),
            };
        }
        if tracks_generation(res) && old.get("spec") != new.get("spec") {
            let generation = old_meta
                .get("generation")
                .and_then(Value::as_i64)
                .unwrap_or(1)
                + 1;
            meta_mut(&mut new).insert("generation".into(), json!(generation));
        }
        Ok(new)
    }

    /// Store an updated object; an unchanged object keeps its resourceVersion, and an object
    /// being deleted goes away once its last finalizer is removed.
    pub fn commit_update(&mut self, res: &Resource, old: &Value, mut new: Value) -> Value {
        let mut without_rv = new.clone();
        meta_mut(&mut without_rv).insert(
            "resourceVersion".into(),
            meta(old)["resourceVersion"].clone(),
        );
        if &without_rv == old {
            return without_rv;
        }
        if util::is_deleting(&new) && util::finalizers(&new).is_empty() {
            let ns = util::str_at(&new, &["metadata", "namespace"])
                .unwrap_or_default()
                .to_string();
            self.rv += 1;
            meta_mut(&mut new).insert("resourceVersion".into(), json!(self.rv.to_string()));
            self.remove(res, &ns, util::name(&new));
            return new;
        }
        self.put(res, new)
    }

    pub fn patch_object(
        &self,
        res: &Resource,
        old: &Value,
        kind: PatchType,
        body: &Value,
    ) -> ApiResult<Value> {
        let mut target = old.clone();
        if kind == PatchType::Apply {
            check_type(res, body)?;
        }
        patch::apply(kind, &mut target, body)?;
        // A patch that names a resourceVersion is a precondition; otherwise it applies to the latest.
        let patch_rv = util::str_at(body, &["metadata", "resourceVersion"]);
        if patch_rv.is_none() || kind == PatchType::Json {
            meta_mut(&mut target).insert(
                "resourceVersion".into(),
                meta(old)["resourceVersion"].clone(),
            );
        }
        Ok(target)
    }

    /// Delete one object. Returns the response body: the object while it lingers (finalizers),
    /// or a Success Status once it is gone.
    pub fn delete(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> ApiResult<Value> {
        let obj = self
            .get(res, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, name))?;
        if let Some(uid) = &opts.precondition_uid
            && uid != util::uid(&obj)
        {
            return Err(ApiError::conflict(
                res,
                name,
                &format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    util::uid(&obj)
                ),
            ));
        }
        if let Some(rv) = &opts.precondition_rv {
            let have = util::str_at(&obj, &["metadata", "resourceVersion"]).unwrap_or_default();
            if rv != have {
                return Err(ApiError::conflict(
                    res,
                    name,
                    &format!(
                        "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {have}"
                    ),
                ));
            }
        }
        if opts.dry_run {
            return Ok(obj);
        }
        let mut updated = obj.clone();
        let mut fins = util::finalizers(&obj);
        if res.plural == "namespaces" {
            // The namespace controller empties it and then removes the `kubernetes` finalizer.
            if !util::is_deleting(&updated) {
                meta_mut(&mut updated).insert("deletionTimestamp".into(), json!(util::now()));
                updated["status"]["phase"] = json!("Terminating");
                return Ok(self.put(res, updated));
            }
            return Ok(obj);
        }
        match opts.propagation.unwrap_or_default() {
            Propagation::Orphan if !fins.contains(&"orphan".to_string()) => {
                fins.push("orphan".into())
            }
            Propagation::Foreground if !fins.contains(&"foregroundDeletion".to_string()) => {
                fins.push("foregroundDeletion".into())
            }
            _ => {}
        }
        if !fins.is_empty() {
            util::set_finalizers(&mut updated, fins);
            if !util::is_deleting(&updated) {
                let m = meta_mut(&mut updated);
                m.insert("deletionTimestamp".into(), json!(util::now()));
                m.insert("deletionGracePeriodSeconds".into(), json!(0));
            }
            return Ok(self.put(res, updated));
        }
        self.rv += 1;
        self.remove(res, ns, name);
        let mut details = json!({"name": name, "kind": res.plural, "uid": util::uid(&obj)});
        if !res.group.is_empty() {
            details["group"] = json!(res.group);
        }
        Ok(
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
        )
    }
}

fn ns_resource() -> &'static Resource {
    resources::find("", "v1", "namespaces").expect("namespaces resource")
}

/// Only objects whose spec drives a controller carry metadata.generation here.
fn tracks_generation(res: &Resource) -> bool {
    res.plural == "statefulsets"
}

/// The body's apiVersion and kind, when given, must be the ones of the URL.
fn check_type(res: &Resource, obj: &Value) -> ApiResult<()> {
    if let Some(kind) = obj.get("kind").and_then(Value::as_str)
        && !kind.is_empty()
        && kind != res.kind
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the body ({kind}) does not match the kind of the URL ({})",
            res.kind
        )));
    }
    if let Some(av) = obj.get("apiVersion").and_then(Value::as_str)
        && !av.is_empty()
        && av != res.api_version()
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({})",
            res.api_version()
        )));
    }
    Ok(())
}
