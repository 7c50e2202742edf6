//! The pure core: no I/O, no clock, no network. Everything here is decided from its inputs
//! and unit-tested directly.

pub mod age;
pub mod backup;
pub mod certs;
pub mod cluster;
pub mod doctor;
pub mod duration;
pub mod image;
pub mod join_token;
pub mod k0s_config;
pub mod kubeconfig;
pub mod kubeconfig_merge;
pub mod listing;
pub mod naming;
pub mod pki;
pub mod plan;
pub mod spec;
pub mod status;
pub mod version;

/// `1 replica`, `3 replicas`: a count and its noun, plural when it is not one.
pub fn count(n: impl Into<i64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
