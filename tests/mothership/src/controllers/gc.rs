//! The garbage collector (ownerReferences; Background, Foreground and Orphan propagation;
//! finalizers) and the namespace controller.

use std::collections::HashSet;

use serde_json::Value;

use crate::resources;
use crate::state::State;
use crate::store::{DeleteOptions, Propagation, res_id};
use crate::util;

fn snapshot(state: &State) -> Vec<((String, String, String), Value)> {
    state
        .store
        .objects
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Empty terminating namespaces, then remove them.
pub fn terminate_namespaces(state: &mut State) -> bool {
    let ns_id = res_id(crate::state::resource("", "namespaces"));
    let terminating: Vec<String> = state
        .store
        .objects
        .iter()
        .filter(|((r, _, _), v)| *r == ns_id && util::is_deleting(v))
        .map(|((_, _, n), _)| n.clone())
        .collect();
    let mut changed = false;
    for ns in terminating {
        let contents: Vec<_> = snapshot(state)
            .into_iter()
            .filter(|((_, n, _), _)| *n == ns)
            .collect();
        for ((id, _, name), obj) in &contents {
            if util::is_deleting(obj) {
                continue;
            }
            let res = resources::by_id(id).expect("stored resource");
            if state
                .store
                .delete(res, &ns, name, &DeleteOptions::default())
                .is_ok()
            {
                changed = true;
            }
        }
        if contents.is_empty() {
            state
                .store
                .remove(crate::state::resource("", "namespaces"), "", &ns);
            changed = true;
        }
    }
    changed
}

/// One pass of the garbage collector.
pub fn collect(state: &mut State) -> bool {
    let objects = snapshot(state);
    let mut changed = false;
    for ((id, ns, name), _) in &objects {
        let res = resources::by_id(id).expect("stored resource");
        // Earlier steps of this pass may have removed or changed it.
        let Some(obj) = state.store.get(res, ns, name).cloned() else {
            continue;
        };
        if util::is_deleting(&obj) {
            if res.plural == "namespaces" {
                continue;
            }
            let uid = util::uid(&obj).to_string();
            let mut fins = util::finalizers(&obj);
            let dependents: Vec<_> = snapshot(state)
                .into_iter()
                .filter(|(_, d)| util::owner_uids(d).contains(&uid))
                .collect();
            if fins.iter().any(|f| f == "orphan") {
                for ((did, _, _), mut dep) in dependents.clone() {
                    let dres = resources::by_id(&did).expect("stored resource");
                    if let Some(refs) = dep
                        .pointer_mut("/metadata/ownerReferences")
                        .and_then(Value::as_array_mut)
                    {
                        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(&uid));
                        if refs.is_empty() {
                            util::meta_mut(&mut dep).remove("ownerReferences");
                        }
                    }
                    state.store.put(dres, dep);
                }
                fins.retain(|f| f != "orphan");
            } else if fins.iter().any(|f| f == "foregroundDeletion") {
                if dependents.is_empty() {
                    fins.retain(|f| f != "foregroundDeletion");
                } else {
                    for ((did, dns, dname), dep) in &dependents {
                        if !util::is_deleting(dep) {
                            let dres = resources::by_id(did).expect("stored resource");
                            let opts = DeleteOptions {
                                propagation: Some(Propagation::Foreground),
                                ..Default::default()
                            };
                            let _ = state.store.delete(dres, dns, dname, &opts);
                            changed = true;
                        }
                    }
                    continue;
                }
            }
            if fins != util::finalizers(&obj) {
                let mut updated = obj.clone();
                util::set_finalizers(&mut updated, fins.clone());
                if fins.is_empty() {
                    state.store.remove(res, ns, name);
                } else {
                    state.store.put(res, updated);
                }
                changed = true;
            }
            continue;
        }
        let owners = util::owner_uids(&obj);
        if owners.is_empty() {
            continue;
        }
        let uids: HashSet<&str> = state.store.objects.values().map(util::uid).collect();
        let present: Vec<&String> = owners
            .iter()
            .filter(|u| uids.contains(u.as_str()))
            .collect();
        if present.is_empty() {
            let _ = state.store.delete(res, ns, name, &DeleteOptions::default());
            changed = true;
        } else if present.len() < owners.len() {
            let mut updated = obj.clone();
            if let Some(refs) = updated
                .pointer_mut("/metadata/ownerReferences")
                .and_then(Value::as_array_mut)
            {
                refs.retain(|r| {
                    r.get("uid")
                        .and_then(Value::as_str)
                        .is_some_and(|u| present.iter().any(|p| *p == u))
                });
            }
            state.store.put(res, updated);
            changed = true;
        }
    }
    changed
}
