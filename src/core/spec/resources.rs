//! CPU and memory of the controller container, and sizes.

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// `--cpu REQUEST[:LIMIT]`, `--memory REQUEST[:LIMIT]` into resource requirements.
pub fn resolve(
    cpu: Option<&str>,
    memory: Option<&str>,
    base: Option<ResourceRequirements>,
) -> Result<Option<ResourceRequirements>, String> {
    if cpu.is_none() && memory.is_none() {
        return Ok(base);
    }
    let mut r = base.unwrap_or_default();
    for (flag, value, key) in [("--cpu", cpu, "cpu"), ("--memory", memory, "memory")] {
        let Some(value) = value else { continue };
        let (req, lim) = match value.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (value, None),
        };
        for q in std::iter::once(req).chain(lim) {
            let ok = !q.is_empty()
                && q.starts_with(|c: char| c.is_ascii_digit())
                && q.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .chars()
                    .all(|c| c.is_ascii_alphabetic())
                && q.len() <= 20;
            if !ok {
                return Err(format!(
                    "{flag} {value:?}: expected a quantity such as 500m, 2, 512Mi or 1Gi, optionally REQUEST:LIMIT"
                ));
            }
        }
        r.requests
            .get_or_insert_with(Default::default)
            .insert(key.into(), Quantity(req.into()));
        if let Some(l) = lim {
            r.limits
                .get_or_insert_with(Default::default)
                .insert(key.into(), Quantity(l.into()));
        }
    }
    Ok(Some(r))
}

pub fn check_quantity(value: &str, what: &str) -> Result<(), String> {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &value[digits.len()..];
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && ["", "Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T"].contains(&unit)
    {
        Ok(())
    } else {
        Err(format!(
            "{what}: {value:?} is not a size such as 1Gi or 500Mi"
        ))
    }
}
