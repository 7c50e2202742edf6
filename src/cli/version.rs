//! `k0smotron version`: never fails because the mothership is away.

use clap::Args;
use serde::Serialize;

use super::Global;
use crate::error::Failure;
use crate::mothership::probe;
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Do not contact the mothership.
    #[arg(long)]
    pub client: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    client_version: ClientVersion,
    server_version: Option<k8s_openapi::apimachinery::pkg::version::Info>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClientVersion {
    version: String,
    /// The oldest Kubernetes API the client is built against.
    kubernetes_api: String,
}

pub async fn run(args: VersionArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "version",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let client = ClientVersion {
        version: format!("v{}", env!("CARGO_PKG_VERSION")),
        kubernetes_api: "v1.33".into(),
    };
    let server = if args.client {
        None
    } else {
        match global.connect(ui).await {
            Ok(conn) => match probe::server_version(&conn).await {
                Ok(info) => Some(info),
                Err(e) => {
                    ui.note(&format!("Server Version: unavailable ({e})"));
                    None
                }
            },
            Err(Failure::Usage(m)) => return Err(Failure::Usage(m)),
            Err(e) => {
                ui.note(&format!("Server Version: unavailable ({e})"));
                None
            }
        }
    };
    match format {
        Some(f) => ui.structured(
            &Versions {
                client_version: client,
                server_version: server,
            },
            f,
        ),
        None => {
            let mut text = format!("Client Version: {}\n", client.version);
            if let Some(info) = &server {
                text.push_str(&format!("Server Version: {}\n", info.git_version));
            }
            ui.data(&text);
            Ok(())
        }
    }
}
