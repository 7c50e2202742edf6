//! CPU and memory of the controller container, and sizes.

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// What a container asks for when nothing says otherwise: CPU and memory requests.
pub struct Requests {
    pub cpu: &'static str,
    pub memory: &'static str,
}

/// `--cpu REQUEST[:LIMIT]`, `--memory REQUEST[:LIMIT]` (or the etcd container's pair of
/// flags, named in `flags`) into resource requirements over `base`, the document's; a
/// resource that has neither a request nor a limit then gets its request from `defaults`
/// (a limit alone is left alone: Kubernetes takes it as the request too).
pub fn resolve(
    flags: [(&str, Option<&str>); 2],
    base: Option<ResourceRequirements>,
    defaults: &Requests,
) -> Result<Option<ResourceRequirements>, String> {
    let mut r = with_flags(flags, base)?.unwrap_or_default();
    for (key, value) in [("cpu", defaults.cpu), ("memory", defaults.memory)] {
        let given = |m: &Option<std::collections::BTreeMap<String, Quantity>>| {
            m.as_ref().is_some_and(|m| m.contains_key(key))
        };
        if !given(&r.requests) && !given(&r.limits) {
            r.requests
                .get_or_insert_with(Default::default)
                .insert(key.into(), Quantity(value.into()));
        }
    }
    Ok(Some(r))
}

fn with_flags(
    flags: [(&str, Option<&str>); 2],
    base: Option<ResourceRequirements>,
) -> Result<Option<ResourceRequirements>, String> {
    let [(cpu_flag, cpu), (memory_flag, memory)] = flags;
    if cpu.is_none() && memory.is_none() {
        return Ok(base);
    }
    let mut r = base.unwrap_or_default();
    for (flag, value, key) in [(cpu_flag, cpu, "cpu"), (memory_flag, memory, "memory")] {
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
    size_bytes(value)
        .map(|_| ())
        .ok_or_else(|| format!("{what}: {value:?} is not a size such as 1Gi or 500Mi"))
}

/// A size such as `1Gi`, `500M` or `2048` in bytes, if it is one.
pub fn size_bytes(value: &str) -> Option<u64> {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &value[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let factor: u64 = match unit {
        "" => 1,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(factor)
}
