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

pub fn image(repository: &str, version: &str) -> String {
    format!("{repository}:{}", image_tag(version))
}

#[cfg(test)]
mod tests {
    use super::*;

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
