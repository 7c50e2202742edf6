//! Kubernetes name rules, for checking input before anything is sent.

/// Problems with `name` as an RFC 1123 label (namespaces, most of our object names).
pub fn check_label(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "must be at most 63 characters (it has {})",
            name.len()
        ));
    }
    let ok = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("must consist of lower-case letters, digits and '-', and start and end with a letter or digit".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(check_label("ci-42").is_ok());
        assert!(check_label("CI").is_err());
        assert!(check_label("-a").is_err());
        assert!(check_label(&"a".repeat(64)).unwrap_err().contains("63"));
    }
}
