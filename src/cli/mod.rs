//! The command line: global flags, one file per subcommand, and the mapping from failures
//! to exit codes.

mod backup;
mod certs;
mod clone;
mod completion;
mod connect;
mod create;
mod delete;
mod doctor;
mod export;
mod kubeconfig;
mod list;
mod names;
mod pause;
mod relocate;
mod restore;
mod scale;
mod status;
mod token;
mod upgrade;
mod version;
mod wait;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::core;
use crate::error::Failure;
use crate::mothership::{self, Connection, Target};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Parser)]
#[command(
    name = "k0smotron",
    version,
    about = "Run k0s control planes as pods in an existing cluster (the mothership), without an operator"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes, named as kubectl names them.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Path to the mothership's kubeconfig (default: KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: its current-context).
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Namespace of the control planes (default: the context's namespace, else `default`).
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Output format for data on stdout.
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Print more about what is happening (on stderr).
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No colours and no spinners (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// No progress: only data, warnings and errors.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// How long to wait for a TCP connection to the mothership.
    #[arg(long, global = true, value_name = "DURATION", allow_hyphen_values = true, default_value = "5s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    core::duration::parse(text)
}

impl Global {
    /// Check the flags (no request is sent) and describe the mothership to connect to.
    pub fn target(&self) -> Result<Target, Failure> {
        if let Some(ns) = &self.namespace {
            core::naming::check_label(ns)
                .map_err(|rule| Failure::Usage(format!("-n/--namespace {ns:?}: {rule}")))?;
        }
        if self.connect_timeout.is_zero() {
            return Err(Failure::Usage(
                "--connect-timeout: must be more than 0".into(),
            ));
        }
        Ok(Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            connect_timeout: self.connect_timeout,
        })
    }

    pub async fn connect(&self, ui: &Ui) -> Result<Connection, Failure> {
        let conn = mothership::connect(&self.target()?).await?;
        crate::ui::hint::set(
            self.kubeconfig.as_deref(),
            self.context.as_deref(),
            &conn.namespace,
        );
        if let Some(r) = &conn.redirect {
            ui.note(&format!(
                "The current context {} is control plane {}'s; using its mothership, context {} (--context picks another)",
                r.from, r.mothership.control_plane, conn.context
            ));
        }
        ui.detail(&format!(
            "kubeconfig {}, context {}, server {}, namespace {}",
            conn.source, conn.context, conn.server, conn.namespace
        ));
        Ok(conn)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a k0s control plane to the mothership and wait until it serves.
    #[command(
        after_help = "Examples:\n  k0smotron create demo\n  k0smotron -n control-planes create ci-42 --no-wait --ttl 2h\n  k0smotron create edge --service-type LoadBalancer --replicas 3\n  k0smotron create demo --dry-run -o yaml"
    )]
    Create(Box<create::CreateArgs>),
    /// Write one archive of a control plane: its record, certificate authorities and
    /// service-account key, and an etcd snapshot.
    #[command(
        after_help = "Examples:\n  k0smotron backup demo\n  k0smotron backup ci-42 -f ci-42.tar.gz\n  k0smotron backup demo -f - | aws s3 cp - s3://backups/demo.tar.gz"
    )]
    Backup(backup::BackupArgs),
    /// Create a control plane from a backup archive: the same identity, its etcd restored
    /// from the snapshot.
    #[command(
        after_help = "Examples:\n  k0smotron restore demo-20261206T024507Z.backup.tar.gz\n  k0smotron restore ci-42.tar.gz --name ci-43 -n other"
    )]
    Restore(restore::RestoreArgs),
    /// Create a control plane with the data of another under a new identity (new CAs).
    #[command(
        after_help = "Examples:\n  k0smotron clone seed ci-42\n  k0smotron -n ci clone template run-7 --timeout 5m"
    )]
    Clone(clone::CloneArgs),
    /// Move a control plane to another mothership or namespace, as the same identity; the
    /// original is deleted only once the moved one answers.
    #[command(
        name = "move",
        after_help = "Examples:\n  k0smotron move demo --to-context prod-eu\n  k0smotron -n staging move ci-42 --to-namespace archive"
    )]
    Move(relocate::MoveArgs),
    /// Renew a control plane's certificates from its kept CAs.
    #[command(after_help = "Examples:\n  k0smotron certs renew demo")]
    Certs(certs::CertsArgs),
    /// Merge a control plane's admin kubeconfig into kubectl's and switch to it; k0smotron keeps
    /// using the mothership.
    #[command(
        after_help = "Examples:\n  k0smotron connect demo\n  k0smotron -n control-planes connect ci-42"
    )]
    Connect(connect::ConnectArgs),
    /// Switch kubectl back to the mothership context that `connect` remembered.
    #[command(after_help = "Examples:\n  k0smotron disconnect")]
    Disconnect(connect::DisconnectArgs),
    /// Delete control planes and everything they own.
    #[command(
        after_help = "Examples:\n  k0smotron delete demo\n  k0smotron delete ci-42 --yes --ignore-not-found\n  k0smotron delete --expired -A --dry-run"
    )]
    Delete(delete::DeleteArgs),
    /// Check that the mothership is reachable and that we may do everything k0smotron needs.
    #[command(
        after_help = "Examples:\n  k0smotron doctor\n  k0smotron --context prod -n control-planes doctor -o json"
    )]
    Doctor(doctor::DoctorArgs),
    /// List control planes: version, readiness, status, endpoint, age.
    #[command(
        after_help = "Examples:\n  k0smotron list\n  k0smotron list -A -o wide\n  k0smotron list -o json"
    )]
    List(list::ListArgs),
    /// Print a control plane as the k0smotron.io/v1beta2 Cluster document its record holds.
    #[command(
        after_help = "Examples:\n  k0smotron export demo > demo.yaml\n  k0smotron create -f demo.yaml"
    )]
    Export(export::ExportArgs),
    /// Print a kubeconfig for a control plane, with a client certificate minted from its CA.
    #[command(
        after_help = "Examples:\n  k0smotron kubeconfig demo > demo.kubeconfig\n  k0smotron kubeconfig demo --merge --switch-context\n  k0smotron kubeconfig demo --user alice --group dev --expiry 24h"
    )]
    Kubeconfig(kubeconfig::KubeconfigArgs),
    /// Scale a control plane and its etcd to zero, keeping its data.
    #[command(after_help = "Examples:\n  k0smotron pause demo\n  k0smotron resume demo")]
    Pause(pause::PauseArgs),
    /// Return a paused control plane to its replica counts.
    #[command(after_help = "Examples:\n  k0smotron resume demo")]
    Resume(pause::ResumeArgs),
    /// Change the number of controller replicas (and etcd members, which only grow).
    #[command(after_help = "Examples:\n  k0smotron scale demo --replicas 3")]
    Scale(scale::ScaleArgs),
    /// Everything about one control plane, and a verdict (exit 0 only when Ready).
    #[command(after_help = "Examples:\n  k0smotron status demo\n  k0smotron status demo -o json")]
    Status(status::StatusArgs),
    /// Print a k0s join token for a worker node, or list and invalidate tokens.
    #[command(name = "token", visible_alias = "join-token")]
    #[command(
        after_help = "Examples:\n  k0smotron token worker demo > demo.token\n  k0smotron token worker demo --expiry 2h\n  k0smotron token list demo\n  k0smotron token invalidate demo abcdef"
    )]
    JoinToken(token::TokenArgs),
    /// Change the k0s version (one minor at a time) or the etcd version, rolling the pods.
    #[command(
        after_help = "Examples:\n  k0smotron upgrade demo --version v1.36.3+k0s.2\n  k0smotron upgrade demo --etcd-version v3.7.1"
    )]
    Upgrade(upgrade::UpgradeArgs),
    /// Wait until a control plane is Ready (or deleted).
    #[command(
        after_help = "Examples:\n  k0smotron wait demo --timeout 10m\n  k0smotron wait demo --for deleted"
    )]
    Wait(wait::WaitArgs),
    /// Print the client version and, when reachable, the mothership's.
    #[command(after_help = "Examples:\n  k0smotron version\n  k0smotron version --client -o json")]
    Version(version::VersionArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  k0smotron completion bash > ~/.local/share/bash-completion/completions/k0smotron\n  k0smotron completion zsh > \"${fpath[1]}/_k0smotron\""
    )]
    Completion(completion::CompletionArgs),
}

/// The commands that print no data (their progress goes to stderr): `-o` is refused for them
/// rather than accepted and ignored.
fn prints_no_data(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::Backup(_) => "backup",
        Command::Move(_) => "move",
        Command::Clone(_) => "clone",
        Command::Restore(_) => "restore",
        Command::Certs(_) => "certs renew",
        Command::Connect(_) => "connect",
        Command::Disconnect(_) => "disconnect",
        Command::Delete(_) => "delete",
        Command::Pause(_) => "pause",
        Command::Resume(_) => "resume",
        Command::Scale(_) => "scale",
        Command::Upgrade(_) => "upgrade",
        Command::Wait(_) => "wait",
        Command::Completion(_) => "completion",
        _ => return None,
    })
}

async fn dispatch(cli: Cli, ui: Ui) -> Result<(), Failure> {
    if let (Some(name), Some(format)) = (prints_no_data(&cli.command), cli.global.output) {
        return Err(Failure::Usage(format!(
            "--output {}: `{name}` prints no data (its progress goes to stderr)",
            format.as_str()
        )));
    }
    match cli.command {
        Command::Create(args) => create::run(*args, &cli.global, &ui).await,
        Command::Backup(args) => backup::run(args, &cli.global, &ui).await,
        Command::Move(args) => relocate::run(args, &cli.global, &ui).await,
        Command::Clone(args) => clone::run(args, &cli.global, &ui).await,
        Command::Restore(args) => restore::run(args, &cli.global, &ui).await,
        Command::Certs(args) => certs::run(args, &cli.global, &ui).await,
        Command::Connect(args) => connect::connect(args, &cli.global, &ui).await,
        Command::Disconnect(args) => connect::disconnect(args, &cli.global, &ui).await,
        Command::Delete(args) => delete::run(args, &cli.global, &ui).await,
        Command::Doctor(args) => doctor::run(args, &cli.global, &ui).await,
        Command::Export(args) => export::run(args, &cli.global, &ui).await,
        Command::Kubeconfig(args) => kubeconfig::run(args, &cli.global, &ui).await,
        Command::List(args) => list::run(args, &cli.global, &ui).await,
        Command::JoinToken(args) => token::run(args, &cli.global, &ui).await,
        Command::Status(args) => status::run(args, &cli.global, &ui).await,
        Command::Scale(args) => scale::run(args, &cli.global, &ui).await,
        Command::Pause(args) => pause::pause(args, &cli.global, &ui).await,
        Command::Resume(args) => pause::resume(args, &cli.global, &ui).await,
        Command::Upgrade(args) => upgrade::run(args, &cli.global, &ui).await,
        Command::Wait(args) => wait::run(args, &cli.global, &ui).await,
        Command::Version(args) => version::run(args, &cli.global, &ui).await,
        Command::Completion(args) => completion::run(args, &ui),
    }
}

/// How help and usage name the command: `kubectl k0smotron` when run as the kubectl plugin
/// (`kubectl-k0smotron` on PATH), else `k0smotron`.
pub fn display_name(argv0: &std::ffi::OsStr) -> &'static str {
    let file = std::path::Path::new(argv0)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    if file.trim_end_matches(".exe") == "kubectl-k0smotron" {
        "kubectl k0smotron"
    } else {
        "k0smotron"
    }
}

fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Cli {
    let mut args = args.into_iter().peekable();
    let name = args.peek().map(|a| display_name(a)).unwrap_or("k0smotron");
    let matches = command().bin_name(name).get_matches_from(args);
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Parse arguments, run the command, and turn the outcome into an exit code.
pub fn main() -> ExitCode {
    // COMPLETE=SHELL: a completion request from the shell (names from the mothership),
    // answered and exited here.
    clap_complete::CompleteEnv::with_factory(command).complete();
    // clap exits 2 on usage errors by itself.
    let cli = parse(std::env::args_os());
    let ui = Ui::new(cli.global.no_color, cli.global.verbose, cli.global.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            ui.error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(dispatch(cli, ui));
    // Work nobody waits for any more (keys for a create that already failed) does not hold
    // up the exit, and prints nothing after the outcome.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !matches!(failure, Failure::Reported(_)) {
                ui.error(&failure.to_string());
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The clap command, for completions and docs.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
