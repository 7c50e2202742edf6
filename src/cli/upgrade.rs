//! `k0smotron upgrade NAME --version V`: a rolling change of the k0s version (one minor
//! at a time), and of etcd with `--etcd-version`. The record takes the new version first;
//! running the command again finishes an interrupted upgrade.

use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::image;
use crate::core::naming::{self, Names};
use crate::error::Failure;
use crate::mothership::{record, scale};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// The k0s version to run, e.g. v1.36.4+k0s.0.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// The k0s image repository, without a tag [default: the current one].
    #[arg(long, value_name = "REPOSITORY")]
    pub image: Option<String>,
    /// The etcd image tag to run, e.g. v3.7.2 (one minor version at a time).
    #[arg(long, value_name = "TAG")]
    pub etcd_version: Option<String>,
    /// Allow a downgrade or a jump of more than one minor version.
    #[arg(long)]
    pub force: bool,
    /// Return once the StatefulSets are changed.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for each rollout.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "15m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: UpgradeArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    naming::check_label(&args.name)
        .map_err(|rule| Failure::Usage(format!("NAME {:?}: {rule}", args.name)))?;
    if args.version.is_none() && args.image.is_none() && args.etcd_version.is_none() {
        return Err(Failure::Usage(
            "--version, --image or --etcd-version: say what to upgrade".into(),
        ));
    }
    if let Some(v) = &args.version {
        image::check_version(v).map_err(|e| Failure::Usage(format!("--version: {e}")))?;
    }
    if let Some(i) = &args.image
        && (i.is_empty() || i.rsplit('/').next().is_some_and(|l| l.contains(':')))
    {
        return Err(Failure::Usage(format!(
            "--image {i:?}: give the repository without a tag (the tag comes from --version)"
        )));
    }
    let conn = global.connect(ui).await?;
    let name = args.name.as_str();
    let rec = record::read(&conn, name).await?;
    if rec.paused.is_some() {
        return Err(Failure::Failed(format!(
            "{name} is paused; `{}` first",
            crate::ui::hint::command(&format!("resume {name}"))
        )));
    }
    let version = args
        .version
        .as_deref()
        .map(image::canonical_version)
        .unwrap_or_else(|| rec.version.clone());
    let repo = args.image.clone().unwrap_or_else(|| rec.image.clone());
    if version != rec.version
        && let Err(why) = image::upgrade_step(&rec.version, &version)
    {
        if !args.force {
            return Err(Failure::Usage(format!(
                "--version {version}: {why}; --force does it anyway (nothing was changed)"
            )));
        }
        ui.note(&format!("warning: --force: {why}"));
    }
    let etcd_image = match (&args.etcd_version, &rec.etcd_image) {
        (Some(_), None) => {
            return Err(Failure::Usage(format!(
                "--etcd-version: {name} has no etcd (storage {})",
                rec.storage
            )));
        }
        (Some(tag), Some(current)) => {
            let (repository, now) = current.rsplit_once(':').unwrap_or((current, ""));
            if let Err(why) = image::etcd_step(now, tag) {
                if !args.force {
                    return Err(Failure::Usage(format!(
                        "--etcd-version {tag}: {why}; --force does it anyway (nothing was changed)"
                    )));
                }
                ui.note(&format!("warning: --force: {why}"));
            }
            Some(format!("{repository}:{tag}"))
        }
        (None, _) => None,
    };
    // The record first: a rerun knows what to finish.
    let record_changes = version != rec.version
        || repo != rec.image
        || etcd_image.as_ref() != rec.etcd_image.as_ref();
    if record_changes {
        let (new_version, new_repo, new_etcd) = (version.clone(), repo.clone(), etcd_image.clone());
        record::update_spec(&conn, name, move |spec| {
            spec["version"] = serde_json::json!(new_version);
            spec["image"] = serde_json::json!(new_repo);
            if let Some(e) = new_etcd {
                spec["storage"]["etcd"]["image"] = serde_json::json!(e);
            }
        })
        .await?;
    }
    let n = Names::new(name);
    let mut changed = false;
    if let Some(e) = &etcd_image {
        let step = ui.step(&format!("Rolling etcd to {e}"));
        changed |= scale::set_image(&conn, name, &n.etcd(), ("etcd", "init"), e).await?;
        if !args.no_wait
            && let Err(err) = scale::until_rolled_out(&conn, &n.etcd(), args.timeout, &step).await
        {
            step.failed("");
            return Err(err);
        }
        step.done("");
    }
    let target = image::image(&repo, &version);
    let step = ui.step(&format!("Rolling the controllers to {target}"));
    changed |= scale::set_image(
        &conn,
        name,
        &n.statefulset(),
        ("controller", "certs-init"),
        &target,
    )
    .await?;
    if !changed {
        step.done("already there");
        ui.note(&format!("{name} already runs {version}; nothing to do"));
        return Ok(());
    }
    if !args.no_wait
        && let Err(err) =
            scale::until_rolled_out(&conn, &n.statefulset(), args.timeout, &step).await
    {
        step.failed("");
        return Err(err);
    }
    step.done("");
    ui.note(&format!("{name} runs k0s {version}"));
    Ok(())
}
