//! `k0smotron connect [NAME]` and `k0smotron disconnect`: switch kubectl to a control plane
//! and back, as vcluster's pair does. The context `connect` writes remembers its mothership,
//! so every k0smotron command keeps finding the mothership while it is current.

use clap::Args;

use super::Global;
use super::kubeconfig::{self, Request};
use crate::error::Failure;
use crate::files;
use crate::mothership::{kubeconfig as loader, record};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct DisconnectArgs {}

/// Merge an admin kubeconfig for NAME into the kubeconfig kubectl uses and make it current.
pub async fn connect(args: ConnectArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    global.target()?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, args.name.as_deref()).await?;
    let (minted, ..) = kubeconfig::mint(&conn, &name, &Request::admin(), None, "8760h", ui).await?;
    kubeconfig::merge(global, &conn, &minted, true, ui).await
}

/// Make the mothership context current again; nothing else changes.
pub async fn disconnect(_: DisconnectArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    global.target()?;
    let env = std::env::var_os("KUBECONFIG");
    let loaded = loader::load(global.kubeconfig.as_ref(), env.as_deref(), dirs::home_dir())?;
    let kc = loaded.kubeconfig.ok_or_else(|| {
        Failure::Failed(
            "there is no kubeconfig to switch back in (in-cluster configuration)".into(),
        )
    })?;
    let current = kc.current_context.clone().unwrap_or_default();
    let Some(m) = loader::mothership_of(&kc, &current) else {
        return Err(Failure::Failed(format!(
            "the current context {current:?} is not one `k0smotron connect` wrote (it remembers no mothership); nothing was changed"
        )));
    };
    let explicit = global.kubeconfig.clone();
    let back = m.context.clone();
    tokio::task::spawn_blocking(move || files::merge(explicit.as_deref(), &[], Some(&back)))
        .await
        .map_err(|e| Failure::Failed(format!("editing the kubeconfig stopped: {e}")))??;
    ui.note(&format!(
        "Switched to context {}, the mothership of control plane {} (context {current} is kept; `{}` switches to it again)",
        m.context,
        m.control_plane,
        crate::ui::hint::prefix(
            global.kubeconfig.as_deref(),
            None,
            &m.namespace
        ) + &format!(" connect {}", m.control_plane)
    ));
    Ok(())
}
