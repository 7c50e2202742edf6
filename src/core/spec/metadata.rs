//! Labels and annotations the user puts on every object (never into selectors).

use std::collections::BTreeMap;

use super::CreateOptions;
use crate::core::naming;

/// Labels k0smotron finds its objects by; nobody else may set them.
const RESERVED_LABELS: [&str; 4] = [
    naming::MANAGED_BY,
    naming::INSTANCE,
    naming::COMPONENT,
    naming::CLUSTER,
];

type Map = BTreeMap<String, String>;

/// The document's labels and annotations, then `--label` and `--annotation`.
pub fn resolve(o: &CreateOptions) -> Result<(Map, Map), String> {
    let (file_labels, file_annotations) = o
        .file
        .as_ref()
        .map(|f| (f.metadata.labels.clone(), f.metadata.annotations.clone()))
        .unwrap_or_default();
    let mut labels = file_labels;
    for k in labels.keys() {
        if RESERVED_LABELS.contains(&k.as_str()) {
            return Err(format!(
                "metadata.labels: {k} is set by k0smotron and cannot be overridden"
            ));
        }
    }
    labels.extend(key_values(&o.labels, "--label")?);
    let mut annotations = file_annotations;
    annotations.extend(key_values(&o.annotations, "--annotation")?);
    Ok((labels, annotations))
}

fn key_values(items: &[String], flag: &str) -> Result<Map, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| format!("{flag} {item:?}: expected KEY=VALUE"))?;
        let name = k.rsplit_once('/').map(|(_, n)| n).unwrap_or(k);
        let key_ok = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !key_ok {
            return Err(format!(
                "{flag} {item:?}: {k:?} is not a valid key (letters, digits, '-', '_', '.', optionally prefixed by a DNS name and '/')"
            ));
        }
        if RESERVED_LABELS.contains(&k) {
            return Err(format!(
                "{flag} {item:?}: {k} is set by k0smotron and cannot be overridden"
            ));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}
