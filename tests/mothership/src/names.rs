//! Name validation with the messages of k8s.io/apimachinery/pkg/util/validation.

use crate::resources::NameRule;

const LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1035_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Problems with `name` under `rule`, as messages that follow `Invalid value: "NAME": `.
pub fn validate(rule: NameRule, name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    match rule {
        NameRule::None => {}
        NameRule::Label => {
            if name.len() > 63 {
                errs.push("must be no more than 63 characters".to_string());
            }
            if !is_label(name) {
                errs.push(format!("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{LABEL_FMT}')"));
            }
        }
        NameRule::Label1035 => {
            if name.len() > 63 {
                errs.push("must be no more than 63 characters".to_string());
            }
            if !is_label(name) || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                errs.push(format!("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_FMT}')"));
            }
        }
        NameRule::Subdomain => {
            if name.len() > 253 {
                errs.push("must be no more than 253 characters".to_string());
            }
            if !name.split('.').all(is_label) {
                errs.push(format!("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{LABEL_FMT}(\\.{LABEL_FMT})*')"));
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(validate(NameRule::Subdomain, "kmc-demo.config").is_empty());
        assert!(!validate(NameRule::Subdomain, "Kmc_Demo!").is_empty());
        assert!(validate(NameRule::Label1035, "kmc-demo").is_empty());
        assert!(!validate(NameRule::Label1035, "1kmc").is_empty());
        assert!(!validate(NameRule::Label, "a.b").is_empty());
        assert!(!validate(NameRule::Label, &"a".repeat(64)).is_empty());
    }
}
