//! Control-plane names for shells that complete dynamically (`source <(COMPLETE=bash
//! k0smotron)`): the records in the namespace of the kubeconfig's current context, asked
//! within one second, and nothing at all when the mothership does not answer in time.
//! (The completer cannot see `--kubeconfig` or `-n` typed on the same line; it uses
//! KUBECONFIG or ~/.kube/config as kubectl would.)

use std::time::Duration;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::mothership::{Target, connect, record};

/// The whole budget of one completion, connecting included.
const BUDGET: Duration = Duration::from_secs(1);

/// For `#[arg(add = ...)]` on every argument that names an existing control plane.
pub fn existing() -> ArgValueCandidates {
    ArgValueCandidates::new(candidates)
}

fn candidates() -> Vec<CompletionCandidate> {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let names = runtime.block_on(async {
        let target = Target {
            kubeconfig: None,
            context: None,
            namespace: None,
            connect_timeout: BUDGET,
        };
        tokio::time::timeout(BUDGET, async {
            let conn = connect(&target).await.ok()?;
            record::all_names(&conn).await.ok()
        })
        .await
        .ok()
        .flatten()
    });
    names
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}
