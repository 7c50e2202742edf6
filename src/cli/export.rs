//! `k0smotron export [NAME]`: the control plane as the `k0smotron.io/v1beta2` Cluster
//! document its record holds (every default filled in), to hand it to the k0smotron
//! operator or to `create -f` it elsewhere.

use clap::Args;

use super::Global;
use crate::error::Failure;
use crate::mothership::record;
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
}

pub async fn run(args: ExportArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "export",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, args.name.as_deref()).await?;
    let document = record::document(&conn, &name).await?;
    match format {
        Some(OutputFormat::Json) => {
            let doc: serde_json::Value = serde_saphyr::from_str(&document)
                .map_err(|e| Failure::Failed(format!("the record of {name}: {e}")))?;
            ui.structured(&doc, OutputFormat::Json)
        }
        _ => {
            ui.data(&document);
            Ok(())
        }
    }
}
