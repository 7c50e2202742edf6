//! `k0smotron list [-A]`: one row per control plane, from one wave of label-selected lists.

use clap::Args;

use super::Global;
use crate::core::listing::{self, Row};
use crate::error::Failure;
use crate::mothership::inventory;
use crate::ui::{Fit, OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
}

/// Least useful first; NAME, STATUS and READY stay whole.
const FIT: Fit = Fit {
    drop_first: &["SERVICE", "VERSION", "AGE"],
    truncate_first: &["NAME", "NAMESPACE", "ENDPOINT"],
};

fn cells(r: &Row, all: bool, wide: bool) -> Vec<String> {
    // With -A the namespace comes first, as kubectl shows it.
    let mut c = Vec::new();
    if all {
        c.push(r.namespace.clone());
    }
    c.push(r.name.clone());
    c.extend([
        r.version.clone(),
        format!("{}/{}", r.ready, r.desired),
        r.status.as_str().to_string(),
        r.service_type.clone(),
        r.endpoint.clone(),
        listing::age(r.age_seconds),
    ]);
    if wide {
        c.extend([
            r.storage.clone(),
            r.image.clone(),
            format!("{}/{}", r.api_port, r.konnectivity_port),
            r.etcd_members
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            r.expires_at.clone().unwrap_or_else(|| "-".into()),
            // The date is enough in a table; -o json has the time.
            r.certificates_expire_at
                .get(..10)
                .unwrap_or(&r.certificates_expire_at)
                .to_string(),
            r.reason.clone(),
        ]);
    }
    c
}

pub async fn run(args: ListArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "list",
        &[
            OutputFormat::Json,
            OutputFormat::Yaml,
            OutputFormat::Wide,
            OutputFormat::Name,
        ],
    )?;
    let conn = global.connect(ui).await?;
    let inv = inventory::collect(&conn, args.all_namespaces).await?;
    let rows = listing::rows(&inv, time::OffsetDateTime::now_utc());
    match format {
        Some(f @ (OutputFormat::Json | OutputFormat::Yaml)) => return ui.structured(&rows, f),
        Some(OutputFormat::Name) => {
            let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
            if !names.is_empty() {
                ui.data(&names.join("\n"));
            }
            return Ok(());
        }
        _ => {}
    }
    if rows.is_empty() {
        ui.note(&if args.all_namespaces {
            "No control planes found".to_string()
        } else {
            format!("No control planes found in namespace {}", conn.namespace)
        });
        return Ok(());
    }
    let wide = format == Some(OutputFormat::Wide);
    let mut header = Vec::new();
    if args.all_namespaces {
        header.push("NAMESPACE");
    }
    header.push("NAME");
    header.extend(["VERSION", "READY", "STATUS", "SERVICE", "ENDPOINT", "AGE"]);
    if wide {
        header.extend([
            "STORAGE",
            "IMAGE",
            "PORTS",
            "ETCD",
            "EXPIRES",
            "CERTIFICATES",
            "REASON",
        ]);
    }
    let mut body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cells(r, args.all_namespaces, wide))
        .collect();
    // On a narrow terminal the least useful columns give way, then long cells; a pipe and
    // `-o wide` get everything.
    if let (false, Some(width)) = (wide, ui.data_width()) {
        let fitted = FIT.apply(&mut header, &mut body, width);
        let mut left_out = Vec::new();
        if !fitted.dropped.is_empty() {
            left_out.push(format!("{} hidden", fitted.dropped.join(", ")));
        }
        if !fitted.truncated.is_empty() {
            left_out.push(format!("{} shortened", fitted.truncated.join(", ")));
        }
        if !left_out.is_empty() {
            ui.note(&format!(
                "{} to fit; -o wide shows all",
                left_out.join("; ")
            ));
        }
    }
    ui.data(&crate::ui::table(&header, &body));
    Ok(())
}
