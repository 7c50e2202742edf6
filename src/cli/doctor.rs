//! `k0smotron doctor`: a preflight checklist.

use clap::Args;

use super::Global;
use crate::core::doctor::{self, Check, Report, Status};
use crate::core::version;
use crate::error::Failure;
use crate::mothership::{MothershipError, probe};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct DoctorArgs {}

pub async fn run(_args: DoctorArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "doctor",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let conn = global.connect(ui).await?;
    let mut checks = Vec::new();
    match probe::server_version(&conn).await {
        Ok(info) => {
            checks.push(doctor::reachable(&conn.server));
            checks.push(authenticated(&conn.context, None));
            let parsed = version::server_minor(&info.major, &info.minor, &info.git_version);
            checks.push(doctor::server_version(&info.git_version, parsed));
            checks.extend(cluster_checks(&conn).await);
        }
        Err(e @ MothershipError::Unauthorized { .. }) => {
            checks.push(doctor::reachable(&conn.server));
            checks.push(authenticated(&conn.context, Some(&e.to_string())));
            skip_rest(&mut checks, "needs accepted credentials");
        }
        Err(e) => {
            checks.push(doctor::unreachable(&e.to_string()));
            checks.push(Check::skipped(
                "authenticated",
                true,
                "needs a reachable mothership",
            ));
            skip_rest(&mut checks, "needs a reachable mothership");
        }
    }
    let report = Report::new(
        conn.server.clone(),
        conn.context.clone(),
        conn.namespace.clone(),
        checks,
    );
    match format {
        Some(f) => ui.structured(&report, f)?,
        None => print_checklist(&report, ui),
    }
    if report.ok {
        Ok(())
    } else {
        Err(Failure::Reported(1))
    }
}

fn authenticated(context: &str, failure: Option<&str>) -> Check {
    let (status, message) = match failure {
        None => (
            Status::Pass,
            format!("credentials of context {context} accepted"),
        ),
        Some(why) => (Status::Fail, why.to_string()),
    };
    Check {
        name: "authenticated".into(),
        status,
        required: true,
        message,
        missing: Vec::new(),
    }
}

fn skip_rest(checks: &mut Vec<Check>, why: &str) {
    for (name, required) in doctor::dependent_checks() {
        checks.push(Check::skipped(&name, required, why));
    }
}

/// Permissions, StorageClasses and nodes, asked in one concurrent wave.
async fn cluster_checks(conn: &crate::mothership::Connection) -> Vec<Check> {
    let perms = doctor::required_permissions();
    let (answers, classes, nodes, namespace) = tokio::join!(
        probe::access_reviews(conn, &perms),
        probe::storage_classes(conn),
        probe::nodes(conn),
        probe::namespace_exists(conn)
    );
    let answers: Vec<_> = perms.into_iter().zip(answers).collect();
    let namespace_err = namespace.as_ref().err().map(ToString::to_string);
    let mut checks = vec![doctor::namespace(
        &conn.namespace,
        namespace
            .as_ref()
            .copied()
            .map_err(|_| namespace_err.as_deref().unwrap_or_default()),
    )];
    checks.extend(doctor::permissions(&answers, &conn.namespace));
    let classes_err = classes.as_ref().err().map(ToString::to_string);
    checks.push(doctor::default_storage_class(
        classes
            .as_deref()
            .map_err(|_| classes_err.as_deref().unwrap_or_default()),
    ));
    let nodes_err = nodes.as_ref().err().map(ToString::to_string);
    checks.push(doctor::node_addresses(
        nodes
            .as_deref()
            .map_err(|_| nodes_err.as_deref().unwrap_or_default()),
    ));
    checks
}

fn print_checklist(report: &Report, ui: &Ui) {
    ui.note(&format!(
        "Checking mothership {} (context {}, namespace {})",
        report.server, report.context, report.namespace
    ));
    let skipped: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Skip)
        .collect();
    for c in report.checks.iter().filter(|c| c.status != Status::Skip) {
        ui.check(c.status, &c.message);
    }
    if let Some(first) = skipped.first() {
        ui.check(
            Status::Skip,
            &format!("{} more checks skipped: {}", skipped.len(), first.message),
        );
    }
    // Every check is counted once, and the counts add up to the lines above.
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    let total = report.checks.len();
    let required = report.checks.iter().filter(|c| c.required).count();
    let failed_required = report
        .checks
        .iter()
        .filter(|c| c.required && c.status == Status::Fail)
        .count();
    let tally = format!(
        "{total} checks: {} passed, {} failed, {} warned, {} skipped",
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Warn),
        count(Status::Skip)
    );
    if report.ok {
        ui.note(&format!("All {required} required checks passed ({tally})."));
    } else {
        ui.note(&format!(
            "{failed_required} of {required} required checks failed ({tally})."
        ));
    }
}
