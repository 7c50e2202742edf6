//! `k0smotron delete NAME...`: remove control planes and everything they own, found by
//! their labels; asks first on a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::naming;
use crate::error::Failure;
use crate::mothership::{Connection, delete, record, wait};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The control planes to delete (never guessed).
    #[arg(required_unless_present_any = ["all", "expired"], add = super::names::existing())]
    pub names: Vec<String>,
    /// Every control plane in the namespace (needs --yes).
    #[arg(long, conflicts_with_all = ["names", "expired"], requires = "yes")]
    pub all: bool,
    /// Every control plane past the lifetime `create --ttl` gave it.
    #[arg(long, conflicts_with = "names")]
    pub expired: bool,
    /// With --expired or --all: in every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Say what would be deleted, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Keep the volume claims (etcd data, controller data).
    #[arg(long)]
    pub keep_data: bool,
    /// A control plane that does not exist is not an error.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// Wait until everything is gone (`--wait=false` returns once the deletes are issued).
    #[arg(long, default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub wait: bool,
    /// How long to wait for everything to be gone.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "5m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

/// One control plane and what is left of it.
struct Target {
    name: String,
    left: Vec<String>,
    created_namespace: bool,
    /// The recorded endpoint, to recognise the entry `kubeconfig --merge` wrote.
    endpoint: Option<String>,
    /// When `backup` last wrote an archive of it (`None`: never, or no record).
    last_backup: Option<String>,
    has_record: bool,
}

async fn inspect(conn: &Connection, name: &str, keep_data: bool) -> Result<Target, Failure> {
    let (left, rec) = tokio::join!(
        wait::remaining(conn, name, !keep_data),
        record::read(conn, name)
    );
    let rec = rec.ok();
    Ok(Target {
        name: name.to_string(),
        left: left?,
        created_namespace: rec.as_ref().is_some_and(|r| r.created_namespace),
        last_backup: rec.as_ref().and_then(|r| r.last_backup.clone()),
        has_record: rec.is_some(),
        endpoint: rec.map(|r| r.endpoint),
    })
}

fn confirm(question: &str) -> Result<bool, Failure> {
    // The answer is a line (`n` and Enter), so no keystroke is left over for the shell.
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .wait_for_newline(true)
        .interact()
        .map_err(|e| Failure::Failed(format!("cannot ask for confirmation: {e}; pass --yes")))
}

/// What is left of a control plane (`Kind/name` each), one line per kind (broken between
/// names to fit `width`), the claims marked as the data they hold.
fn by_kind(left: &[String], keep_data: bool, width: Option<usize>) -> Vec<String> {
    let mut kinds: Vec<(&str, Vec<&str>)> = Vec::new();
    for item in left {
        let (kind, name) = item.split_once('/').unwrap_or(("", item));
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, names)) => names.push(name),
            None => kinds.push((kind, vec![name])),
        }
    }
    kinds
        .into_iter()
        .flat_map(|(kind, names)| {
            let note = match (kind, keep_data) {
                ("persistentvolumeclaims", false) => " (data: deleted with them)",
                ("persistentvolumeclaims", true) => " (data: kept, --keep-data)",
                _ => "",
            };
            crate::ui::wrap_list(&format!("  {kind}{note}: "), &names, width)
        })
        .collect()
}

pub async fn run(args: DeleteArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    for n in &args.names {
        naming::check_label(n).map_err(|rule| Failure::Usage(format!("NAME {n:?}: {rule}")))?;
    }
    if args.all_namespaces && !(args.all || args.expired) {
        return Err(Failure::Usage(
            "-A/--all-namespaces: only with --expired or --all; names are looked up in -n NAMESPACE".into(),
        ));
    }
    let conn = global.connect(ui).await?;
    if args.expired || (args.all && args.all_namespaces) {
        return by_listing(&conn, &args, &global.kubeconfig, ui).await;
    }
    let names = if args.all {
        record::all_names(&conn).await?
    } else {
        args.names.clone()
    };
    delete_in(&conn, names, &args, &global.kubeconfig, ui).await
}

/// `--expired` (and `--all -A`): the control planes of the listing, namespace by namespace.
async fn by_listing(
    conn: &Connection,
    args: &DeleteArgs,
    global_kubeconfig: &Option<std::path::PathBuf>,
    ui: &Ui,
) -> Result<(), Failure> {
    let inv = crate::mothership::inventory::collect(conn, args.all_namespaces).await?;
    let rows = crate::core::listing::rows(&inv, time::OffsetDateTime::now_utc());
    let mut by_ns: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rows
        .iter()
        .filter(|r| !args.expired || r.status == crate::core::listing::Status::Expired)
    {
        by_ns
            .entry(r.namespace.clone())
            .or_default()
            .push(r.name.clone());
    }
    if by_ns.is_empty() {
        ui.note(if args.expired {
            "No expired control planes"
        } else {
            "No control planes"
        });
        return Ok(());
    }
    if args.dry_run {
        for (ns, names) in &by_ns {
            for n in names {
                ui.data(&format!("{ns}/{n}"));
            }
        }
        ui.note("--dry-run: nothing was deleted");
        return Ok(());
    }
    let mut problems = Vec::new();
    for (ns, names) in by_ns {
        let conn = Connection {
            namespace: ns,
            ..conn.clone()
        };
        if let Err(e) = delete_in(&conn, names, args, global_kubeconfig, ui).await {
            problems.push(e.to_string());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Failed(problems.join("; ")))
    }
}

/// Delete `names` in the connection's namespace.
async fn delete_in(
    conn: &Connection,
    names: Vec<String>,
    args: &DeleteArgs,
    global_kubeconfig: &Option<std::path::PathBuf>,
    ui: &Ui,
) -> Result<(), Failure> {
    let conn = conn.clone();
    let mut targets = Vec::new();
    let mut missing = Vec::new();
    for t in
        futures::future::join_all(names.iter().map(|n| inspect(&conn, n, args.keep_data))).await
    {
        let t = t?;
        if t.left.is_empty() {
            missing.push(t.name);
        } else {
            targets.push(t);
        }
    }
    if !missing.is_empty() && !args.ignore_not_found {
        return Err(Failure::Failed(format!(
            "no control plane {} in namespace {} (--ignore-not-found to skip); nothing was deleted",
            missing.join(", "),
            conn.namespace
        )));
    }
    if targets.is_empty() {
        ui.note(&format!(
            "Nothing to delete in namespace {}",
            conn.namespace
        ));
        return Ok(());
    }
    for t in &targets {
        ui.note(&format!("{} in namespace {}:", t.name, conn.namespace));
        for line in by_kind(&t.left, args.keep_data, ui.note_width()) {
            ui.note(&line);
        }
        if !args.keep_data && t.has_record {
            // Short enough for any terminal: the hint with its flags would not wrap well.
            ui.note(&match &t.last_backup {
                Some(at) => format!("  last backup: {at}"),
                None => "  no backup taken (`k0smotron backup` keeps its data)".to_string(),
            });
        }
    }
    if args.dry_run {
        ui.note("--dry-run: nothing was deleted");
        return Ok(());
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if interactive && !args.yes {
        let list: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        if !confirm(&format!(
            "Delete {} and everything listed?",
            list.join(", ")
        ))? {
            // A "no" is an answer, not a failure.
            ui.note("Nothing was deleted");
            return Ok(());
        }
    }
    let mut problems = Vec::new();
    for t in &targets {
        let step = ui.step(&format!("Deleting {}", t.name));
        let failed = delete::control_plane(&conn, &t.name, args.keep_data, args.wait).await;
        if !failed.is_empty() {
            step.failed(&failed.join(", "));
            let left = wait::remaining(&conn, &t.name, !args.keep_data)
                .await
                .map(|l| l.join(", "))
                .unwrap_or_else(|e| format!("unknown ({e})"));
            problems.push(format!(
                "{}: deleting {} failed; left: {left}",
                t.name,
                failed.join(", ")
            ));
            continue;
        }
        if !args.wait {
            step.done("deletes issued");
            continue;
        }
        match wait::until_deleted(&conn, &t.name, args.keep_data, args.timeout, &step).await {
            Ok(()) => step.done(&format!(
                "{} removed",
                crate::ui::count(t.left.len() as i64, "object")
            )),
            Err(e) => {
                step.failed("");
                problems.push(e.to_string());
                continue;
            }
        }
    }
    // The kubeconfig entries `kubeconfig --merge` wrote for what is gone.
    if problems.is_empty() {
        for t in &targets {
            let Some(endpoint) = &t.endpoint else {
                continue;
            };
            let entry = format!("k0smotron-{}", t.name);
            let (path, name, server) = (global_kubeconfig.clone(), entry.clone(), endpoint.clone());
            let files = tokio::task::spawn_blocking(move || {
                crate::files::remove(path.as_deref(), &name, &server)
            })
            .await
            .map_err(|e| Failure::Failed(format!("editing the kubeconfig stopped: {e}")))??;
            for r in files {
                ui.note(&format!("Removed {entry} from {}", r.file.display()));
                if let Some(back) = r.switched_to {
                    ui.note(&format!(
                        "Switched to context {back}, the mothership {entry} was made from"
                    ));
                }
            }
        }
    }
    // Last, once everything else in this run is gone: the namespace a deleted control plane
    // made, if it is empty now.
    if problems.is_empty() && args.wait {
        for t in targets.iter().filter(|t| t.created_namespace) {
            if delete::created_namespace(&conn, &t.name).await? {
                ui.note(&format!(
                    "Removed namespace {}, which `create --create-namespace` made for {}",
                    conn.namespace, t.name
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Failed(format!(
            "{}; run `{}` again to finish",
            problems.join("; "),
            crate::ui::hint::command(&format!(
                "delete {}",
                targets
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        )))
    }
}
