//! Kubernetes server versions and the oldest one k0smotron supports.

/// The oldest mothership `doctor` accepts at all.
pub const MIN_SERVER: (u32, u32) = (1, 28);

/// The oldest mothership supported: the API types are built for it (k8s-openapi `v1_33`).
pub const SUPPORTED_SERVER: (u32, u32) = (1, 33);

/// `(major, minor)` from `/version`'s fields; providers append `+` or suffixes (`28+`, `v1.28.3-eks-1`).
pub fn server_minor(major: &str, minor: &str, git_version: &str) -> Option<(u32, u32)> {
    let digits = |s: &str| {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
            .ok()
    };
    match (digits(major), digits(minor)) {
        (Some(ma), Some(mi)) => Some((ma, mi)),
        _ => {
            let mut parts = git_version.trim_start_matches('v').split('.');
            Some((digits(parts.next()?)?, digits(parts.next()?)?))
        }
    }
}

pub fn is_supported(v: (u32, u32)) -> bool {
    v >= MIN_SERVER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_provider_versions() {
        assert_eq!(server_minor("1", "33", "v1.33.4"), Some((1, 33)));
        assert_eq!(server_minor("1", "28+", "v1.28.3-eks-1"), Some((1, 28)));
        assert_eq!(server_minor("", "", "v1.30.1+k0s.0"), Some((1, 30)));
        assert_eq!(server_minor("", "", "garbage"), None);
        assert!(is_supported((1, 28)) && !is_supported((1, 27)) && is_supported((2, 0)));
    }
}
