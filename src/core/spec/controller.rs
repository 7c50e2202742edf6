//! What the k0s controller runs with: the user's k0s config, extra controller flags, and
//! manifests k0s applies in the child cluster.

use serde_json::Value;

use super::{CreateOptions, Manifest};
use crate::core::cluster::ClusterSpec;
use crate::core::{k0s_config, naming};

pub struct Controller {
    pub k0s_config: Option<Value>,
    pub flags: Vec<String>,
    pub manifests: Vec<Manifest>,
}

pub fn resolve(o: &CreateOptions, spec: &ClusterSpec) -> Result<Controller, String> {
    let k0s_config = o.k0s_config.clone().or(spec.k0s_config.clone());
    if let Some(cfg) = &k0s_config {
        k0s_config::check_user_config(cfg)
            .map_err(|e| format!("--k0s-config / spec.k0sConfig: {e}"))?;
    }
    let mut flags = spec.control_plane_flags.clone();
    flags.extend(o.controller_flags.iter().cloned());
    for f in &flags {
        if !f.starts_with("--") {
            return Err(format!(
                "--controller-flag {f:?}: must be a k0s controller flag such as --debug or --labels=a=b"
            ));
        }
    }
    let mut manifests = Vec::new();
    for m in &o.manifests {
        let manifest = match m.split_once('/') {
            Some(("configmap" | "cm", n)) => Manifest::ConfigMap(n.to_string()),
            Some(("secret", n)) => Manifest::Secret(n.to_string()),
            Some(_) => {
                return Err(format!(
                    "--manifests {m:?}: expected NAME, configmap/NAME or secret/NAME"
                ));
            }
            None => Manifest::ConfigMap(m.clone()),
        };
        naming::check_label(manifest.name()).map_err(|r| format!("--manifests {m:?}: {r}"))?;
        if manifests
            .iter()
            .any(|x: &Manifest| x.name() == manifest.name())
        {
            return Err(format!("--manifests {m:?}: given twice"));
        }
        manifests.push(manifest);
    }
    Ok(Controller {
        k0s_config,
        flags,
        manifests,
    })
}
