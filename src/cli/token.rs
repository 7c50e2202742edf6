//! `k0smotron join-token` (alias `token`): k0s join tokens through `k0s token` in a Ready
//! controller pod: `token worker [NAME]`, `token list [NAME]`, `token invalidate NAME ID...`,
//! and the long form `join-token NAME --role worker`. `token controller` is refused with the
//! reason: such a token would point at k0s's join API, which is not exposed.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::Global;
use crate::core::doctor::Status;
use crate::core::join_token::{self, Listed};
use crate::error::Failure;
use crate::mothership::{Connection, exec, record};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
    /// Which node the token joins (controller is refused: controllers are added with `scale`).
    #[arg(long, value_enum, default_value = "worker")]
    pub role: RoleArg,
    #[command(flatten)]
    pub create: CreateFlags,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Worker,
    Controller,
}

#[derive(Debug, Args)]
pub struct CreateFlags {
    /// How long the token is valid (90m, 24h, 7d); 0 never expires.
    #[arg(
        long,
        value_name = "DURATION",
        allow_hyphen_values = true,
        default_value = "24h"
    )]
    pub expiry: String,
    /// How long to wait for a Ready controller pod.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
    #[command(flatten)]
    pub flags: CreateFlags,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
    /// How long to wait for a Ready controller pod.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct InvalidateArgs {
    /// The control plane.
    #[arg(add = super::names::existing())]
    pub name: String,
    /// Token IDs (the part before the dot; `token list` shows them).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// An ID k0s does not know is not an error.
    #[arg(long)]
    pub ignore_not_found: bool,
    /// How long to wait for a Ready controller pod.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2m", value_parser = super::parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Print a token that joins a worker node.
    #[command(
        after_help = "Examples:\n  k0smotron token worker demo > demo.token\n  k0smotron token worker demo --expiry 2h"
    )]
    Worker(CreateArgs),
    /// Refused, saying why: controllers are added with `k0smotron scale`, not joined.
    #[command(after_help = "Examples:\n  k0smotron scale demo --replicas 3")]
    Controller(CreateArgs),
    /// List the tokens k0s knows (both roles).
    #[command(
        after_help = "Examples:\n  k0smotron token list demo\n  k0smotron token list demo -o json"
    )]
    List(ListArgs),
    /// Invalidate tokens by ID.
    #[command(after_help = "Examples:\n  k0smotron token invalidate demo abcdef")]
    Invalidate(InvalidateArgs),
}

pub async fn run(args: TokenArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    match args.action {
        Some(Action::Worker(a)) => create(a.name, a.flags, global, ui).await,
        Some(Action::Controller(a)) => Err(no_controller_tokens(a.name.as_deref())),
        Some(Action::List(a)) => list(a, global, ui).await,
        Some(Action::Invalidate(a)) => invalidate(a, global, ui).await,
        None => match args.role {
            RoleArg::Worker => create(args.name, args.create, global, ui).await,
            RoleArg::Controller => Err(no_controller_tokens(args.name.as_deref())),
        },
    }
}

/// A controller token names k0s's join API (`https://<externalAddress>:9443`): no Service
/// exposes it, and a hosted control plane's controllers are not joined but added by scaling
/// (they share the CAs through Secrets). A token that cannot work is never printed.
fn no_controller_tokens(name: Option<&str>) -> Failure {
    Failure::Usage(format!(
        "token controller: k0smotron hands out no controller tokens: one would point at k0s's join API (port 9443 in a controller pod), which the control plane's Service does not expose, and its controllers share their certificate authorities through Secrets instead of joining; add controllers with `k0smotron scale {} --replicas N`",
        name.unwrap_or("NAME")
    ))
}

/// Connect, find the control plane and a Ready controller pod of it (at once).
async fn pod_of(
    name: Option<&str>,
    timeout: Duration,
    global: &Global,
    ui: &Ui,
) -> Result<(Connection, record::Record, String), Failure> {
    global.target()?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, name).await?;
    // Both at once, but a missing or paused control plane ends the wait at once.
    let usable = async {
        let rec = record::read(&conn, &name).await?;
        if rec.paused.is_some() {
            return Err(record::paused(&rec.name));
        }
        Ok(rec)
    };
    let (rec, pod) = tokio::try_join!(usable, exec::ready_pod(&conn, &name, timeout, ui))?;
    Ok((conn, rec, pod))
}

fn k0s_failed(what: &str, pod: &str, out: &exec::Output) -> Failure {
    let said = [out.stderr.trim(), out.message.trim(), out.stdout.trim()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("no output");
    Failure::Failed(format!("`k0s {what}` failed in pod {pod}: {said}"))
}

async fn create(
    name: Option<String>,
    flags: CreateFlags,
    global: &Global,
    ui: &Ui,
) -> Result<(), Failure> {
    let (expiry, for_k0s) =
        join_token::expiry(&flags.expiry).map_err(|e| Failure::Usage(format!("--expiry: {e}")))?;
    if global.output.is_some() {
        return Err(Failure::Usage(
            "--output: a token is printed as it is; `token list` takes -o json|yaml".into(),
        ));
    }
    let (conn, rec, pod) = pod_of(name.as_deref(), flags.timeout, global, ui).await?;
    let args = [
        "token",
        "create",
        "--role=worker",
        &format!("--expiry={for_k0s}"),
    ];
    let out = exec::k0s(&conn, &pod, &args).await?;
    if !out.success {
        return Err(k0s_failed("token create", &pod, &out));
    }
    let token = join_token::check_worker(&out.stdout, &rec.worker_endpoint)
        .map_err(|e| Failure::Failed(format!("{e} (pod {pod})")))?;
    if token.rewritten {
        ui.detail(&format!(
            "k0s named another server; the token points at the recorded worker endpoint {}",
            rec.worker_endpoint
        ));
    }
    if expiry.is_zero() {
        ui.check(
            Status::Warn,
            &format!(
                "this token never expires: invalidate it with `{}` when it is no longer needed",
                crate::ui::hint::command(&format!("token invalidate {} {}", rec.name, token.id))
            ),
        );
    }
    ui.data(&token.encoded);
    ui.note(&format!(
        "Join a worker with k0s {}: save the token to a file and run `k0s install worker --token-file FILE` on the node (token ID {}, server {})",
        rec.version,
        token.id,
        token.server
    ));
    Ok(())
}

/// Every token k0s knows: `k0s token list` for both roles, at once.
async fn known_tokens(conn: &Connection, pod: &str) -> Result<Vec<Listed>, Failure> {
    let (w, c) = tokio::join!(
        exec::k0s(conn, pod, &["token", "list", "--role=worker"]),
        exec::k0s(conn, pod, &["token", "list", "--role=controller"])
    );
    let mut all = Vec::new();
    for out in [w?, c?] {
        if !out.success {
            return Err(k0s_failed("token list", pod, &out));
        }
        all.extend(join_token::parse_list(&out.stdout).map_err(Failure::Failed)?);
    }
    Ok(all)
}

async fn list(args: ListArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "token list",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let (conn, rec, pod) = pod_of(args.name.as_deref(), args.timeout, global, ui).await?;
    let tokens = known_tokens(&conn, &pod).await?;
    if let Some(f) = format {
        return ui.structured(&tokens, f);
    }
    if tokens.is_empty() {
        ui.note(&format!("No join tokens for control plane {}", rec.name));
        return Ok(());
    }
    let body: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            let expires = if t.expires_at.is_empty() {
                "never".to_string()
            } else {
                t.expires_at.clone()
            };
            vec![t.id.clone(), t.role.clone(), expires]
        })
        .collect();
    let text = crate::ui::table(&["ID", "ROLE", "EXPIRES"], &body);
    ui.data(&text);
    Ok(())
}

async fn invalidate(args: InvalidateArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    for id in &args.ids {
        let ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !ok {
            return Err(Failure::Usage(format!(
                "ID {id:?}: a token ID is lower-case letters and digits (the part before the dot)"
            )));
        }
    }
    let (conn, _, pod) = pod_of(Some(&args.name), args.timeout, global, ui).await?;
    let known = known_tokens(&conn, &pod).await?;
    let (present, unknown): (Vec<&String>, Vec<&String>) = args
        .ids
        .iter()
        .partition(|id| known.iter().any(|t| &&t.id == id));
    if !unknown.is_empty() && !args.ignore_not_found {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(Failure::Failed(format!(
            "control plane {} has no token {} (see `{}`; --ignore-not-found to skip); nothing was invalidated",
            args.name,
            list.join(", "),
            crate::ui::hint::command(&format!("token list {}", args.name))
        )));
    }
    if !present.is_empty() {
        let mut cmd = vec!["token", "invalidate"];
        cmd.extend(present.iter().map(|s| s.as_str()));
        let out = exec::k0s(&conn, &pod, &cmd).await?;
        if !out.success {
            return Err(k0s_failed("token invalidate", &pod, &out));
        }
    }
    for id in &args.ids {
        if present.contains(&id) {
            ui.check(Status::Pass, &format!("token {id} invalidated"));
        } else {
            ui.check(Status::Skip, &format!("token {id} not found"));
        }
    }
    Ok(())
}
