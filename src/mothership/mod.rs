//! The mothership layer: connecting with kubectl's rules, error translation, and the
//! requests commands make (concurrently where they are independent).

pub mod backup;
pub mod certs;
pub mod child_api;
pub mod delete;
pub mod error;
pub mod exec;
pub mod interrupt;
pub mod inventory;
pub mod kubeconfig;
pub mod patch;
pub mod probe;
pub mod record;
pub mod restore;
pub mod retry;
pub mod scale;
pub mod slim;
pub mod wait;
pub mod write;

use std::path::PathBuf;
use std::time::Duration;

use kube::config::KubeConfigOptions;

pub use error::MothershipError;

use crate::error::Failure;

/// How to reach the mothership, from the global flags.
#[derive(Debug, Clone)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub connect_timeout: Duration,
}

/// A client and what it points at.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    pub server: String,
    pub context: String,
    pub namespace: String,
    pub source: kubeconfig::Source,
    /// Set when the current context was a control plane's and its mothership is used.
    pub redirect: Option<kubeconfig::Redirect>,
}

impl Connection {
    pub fn error_context(&self) -> error::Context<'_> {
        error::Context {
            url: &self.server,
            context: &self.context,
        }
    }

    pub fn translate(&self, err: kube::Error) -> MothershipError {
        error::translate(err, &self.error_context())
    }
}

/// Build a client. Nothing is sent yet: errors here are about configuration.
pub async fn connect(target: &Target) -> Result<Connection, Failure> {
    let home = dirs::home_dir();
    let env = std::env::var_os("KUBECONFIG");
    let loaded = kubeconfig::load(target.kubeconfig.as_ref(), env.as_deref(), home)?;
    let (mut config, context, redirect) = match loaded.kubeconfig {
        Some(kc) => {
            let (context, redirect) =
                kubeconfig::pick_mothership_context(&kc, target.context.as_deref())?;
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            };
            let config = kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| {
                    Failure::Failed(format!(
                        "kubeconfig {}: context {context:?}: {e}",
                        loaded.source
                    ))
                })?;
            (config, context, redirect)
        }
        None => {
            let config = kube::Config::incluster()
                .map_err(|e| Failure::Failed(format!("in-cluster configuration: {e}")))?;
            (config, "in-cluster".to_string(), None)
        }
    };
    config.connect_timeout = Some(target.connect_timeout);
    config.read_timeout = Some(Duration::from_secs(60));
    // A control plane's context remembers the namespace it lives in on the mothership.
    let namespace = target
        .namespace
        .clone()
        .or_else(|| {
            redirect
                .as_ref()
                .map(|r| r.mothership.namespace.clone())
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| config.default_namespace.clone());
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    // kube's own retry layer repeats writes after a 504 and waits up to 15 times; ours
    // (retry.rs) is bounded and repeats only what is safe to repeat.
    config.default_retry = false;
    let client = kube::client::ClientBuilder::try_from(config)
        .map_err(|e| Failure::Failed(format!("cannot set up a client for {server}: {e}")))?
        // Retrying needs a service it can clone: the buffer is one, in front of kube's stack.
        .with_layer(&tower::buffer::BufferLayer::new(64))
        .with_layer(&tower::retry::RetryLayer::new(retry::Policy::default()))
        .build();
    Ok(Connection {
        client,
        server,
        context,
        namespace,
        source: loaded.source,
        redirect,
    })
}

/// The namespace the kubeconfig's context names, read without contacting anyone (for
/// `--dry-run`, which must work without a mothership).
pub fn configured_namespace(target: &Target) -> Option<String> {
    let env = std::env::var_os("KUBECONFIG");
    let loaded =
        kubeconfig::load(target.kubeconfig.as_ref(), env.as_deref(), dirs::home_dir()).ok()?;
    let kc = loaded.kubeconfig?;
    let (context, redirect) =
        kubeconfig::pick_mothership_context(&kc, target.context.as_deref()).ok()?;
    if let Some(r) = redirect.filter(|r| !r.mothership.namespace.is_empty()) {
        return Some(r.mothership.namespace);
    }
    kc.contexts
        .iter()
        .find(|c| c.name == context)?
        .context
        .as_ref()?
        .namespace
        .clone()
}
