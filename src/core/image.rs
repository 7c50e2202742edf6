//! k0s versions and image tags, normalised as the operator and k0s name them.

/// The k0s release `create` uses unless told otherwise: the newest stable one we know of.
pub const DEFAULT_VERSION: &str = "v1.36.3+k0s.2";
pub const DEFAULT_IMAGE: &str = "quay.io/k0sproject/k0s";

/// Check a version as users write it: `v1.36.3+k0s.2`, `v1.36.3-k0s.2`, `v1.36.3`,
/// `v1.37.0-alpha.1+k0s.0`, with or without the leading `v`.
pub fn check_version(version: &str) -> Result<(), String> {
    let rule = "a k0s version such as v1.36.3+k0s.2 (or v1.36.3, which means v1.36.3+k0s.0)";
    let core = version.strip_prefix('v').unwrap_or(version);
    let core = core.split(['+', '-']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let suffix_ok = version
        .split_once("k0s.")
        .is_none_or(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let charset = version
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if numeric && suffix_ok && charset {
        Ok(())
    } else {
        Err(format!("{version:?} is not {rule}"))
    }
}

/// The image tag for a version: the first `+k0s.` becomes `-k0s.`, and `-k0s.0` is appended
/// when there is no k0s suffix (the operator's `GetImage`). A missing `v` is added.
pub fn image_tag(version: &str) -> String {
    let v = if version.starts_with('v') {
        version.to_string()
    } else {
        format!("v{version}")
    };
    let v = v.replacen("+k0s.", "-k0s.", 1);
    if v.contains("-k0s.") {
        v
    } else {
        format!("{v}-k0s.0")
    }
}

/// The version as k0s itself writes it (`+k0s.N`), for records and messages.
pub fn canonical_version(version: &str) -> String {
    let tag = image_tag(version);
    match tag.rsplit_once("-k0s.") {
        Some((core, n)) => format!("{core}+k0s.{n}"),
        None => tag,
    }
}

/// `(major, minor, patch, k0s build)` of a version, for ordering.
pub fn numbers(version: &str) -> Option<(u64, u64, u64, u64)> {
    let canonical = canonical_version(version);
    let (core, k0s) = canonical.trim_start_matches('v').split_once("+k0s.")?;
    let core = core.split('-').next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next()??,
        k0s.parse().ok()?,
    ))
}

/// Whether moving from `from` to `to` is a step Kubernetes supports: not backwards, and at
/// most one minor version. `Ok(false)` means the same version.
pub fn upgrade_step(from: &str, to: &str) -> Result<bool, String> {
    let (Some(a), Some(b)) = (numbers(from), numbers(to)) else {
        return Err(format!("cannot compare {from} and {to}"));
    };
    if a == b {
        return Ok(false);
    }
    if b < a {
        return Err(format!(
            "{to} is older than {from}: Kubernetes does not support going back (its stored objects may not read in an older release)"
        ));
    }
    if b.0 != a.0 || b.1 > a.1 + 1 {
        return Err(format!(
            "{from} to {to} skips a minor version: Kubernetes supports one minor version at a time (upgrade to v{}.{}.x first)",
            a.0,
            a.1 + 1
        ));
    }
    Ok(true)
}

/// The same rule for etcd image tags (`v3.6.5` → `v3.7.1` is one minor; `v3.5` → `v3.7`
/// crash-loops etcd, as operator users found).
pub fn etcd_step(from_tag: &str, to_tag: &str) -> Result<bool, String> {
    let parse = |t: &str| -> Option<(u64, u64, u64)> {
        let mut p = t
            .trim_start_matches('v')
            .split(['.', '-'])
            .map(|x| x.parse::<u64>().ok());
        Some((p.next()??, p.next()??, p.next()??))
    };
    let (Some(a), Some(b)) = (parse(from_tag), parse(to_tag)) else {
        return Err(format!("cannot compare etcd {from_tag} and {to_tag}"));
    };
    if a == b {
        return Ok(false);
    }
    if b < a {
        return Err(format!(
            "etcd {to_tag} is older than {from_tag}: etcd does not go back"
        ));
    }
    if b.0 != a.0 || b.1 > a.1 + 1 {
        return Err(format!(
            "etcd {from_tag} to {to_tag} skips a minor version: etcd upgrades one minor version at a time (v{}.{}.x first)",
            a.0,
            a.1 + 1
        ));
    }
    Ok(true)
}

pub fn image(repository: &str, version: &str) -> String {
    format!("{repository}:{}", image_tag(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_steps() {
        assert_eq!(upgrade_step("v1.36.3+k0s.2", "v1.36.3+k0s.2"), Ok(false));
        assert_eq!(upgrade_step("v1.36.3+k0s.2", "v1.36.4+k0s.0"), Ok(true));
        assert_eq!(upgrade_step("v1.35.7+k0s.0", "v1.36.3+k0s.2"), Ok(true));
        assert!(
            upgrade_step("v1.36.3+k0s.2", "v1.36.3+k0s.1")
                .unwrap_err()
                .contains("older")
        );
        assert!(
            upgrade_step("v1.34.1+k0s.0", "v1.36.3+k0s.2")
                .unwrap_err()
                .contains("one minor version at a time")
        );
        assert_eq!(etcd_step("v3.6.5", "v3.7.1"), Ok(true));
        assert!(
            etcd_step("v3.5.21", "v3.7.1")
                .unwrap_err()
                .contains("skips a minor")
        );
        assert!(etcd_step("v3.7.1", "v3.6.5").is_err());
    }

    #[test]
    fn tags_follow_the_operator() {
        // k0smotroncluster_types_test.go vectors.
        assert_eq!(
            image(DEFAULT_IMAGE, "v1.29.4"),
            "quay.io/k0sproject/k0s:v1.29.4-k0s.0"
        );
        assert_eq!(
            image("foobar/k0s", "v1.29.4+k0s.0"),
            "foobar/k0s:v1.29.4-k0s.0"
        );
        assert_eq!(image_tag(DEFAULT_VERSION), "v1.36.3-k0s.2");
        assert_eq!(image_tag("v1.37.0-alpha.1+k0s.0"), "v1.37.0-alpha.1-k0s.0");
        assert_eq!(image_tag("1.36.3"), "v1.36.3-k0s.0");
        assert_eq!(canonical_version("v1.36.3-k0s.2"), "v1.36.3+k0s.2");
    }

    #[test]
    fn versions_are_checked() {
        for ok in [
            "v1.36.3+k0s.2",
            "v1.36.3-k0s.2",
            "v1.36.3",
            "1.36.3",
            "v1.37.0-alpha.1+k0s.0",
        ] {
            assert!(check_version(ok).is_ok(), "{ok}");
        }
        for bad in ["latest", "v1.36", "v1.36.3+k0s.", "v1.36.3 ", "v1.x.3"] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }
}
