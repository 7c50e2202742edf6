//! `mothership`: run the test API server until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mothership::{Config, Mothership, NodeSpec, Simulation, User};

#[derive(Parser)]
#[command(
    name = "mothership",
    about = "A Kubernetes API test server for k0smotron"
)]
struct Args {
    /// Where to write an admin kubeconfig (written once the server listens).
    #[arg(long)]
    kubeconfig_out: PathBuf,
    /// Also write a kubeconfig for a read-only user here.
    #[arg(long)]
    reader_kubeconfig_out: Option<PathBuf>,
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: std::net::SocketAddr,
    /// Added to every API request.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Time from a pod starting to Ready.
    #[arg(long, default_value_t = 0)]
    pod_ready_ms: u64,
    /// Time until a LoadBalancer Service gets an address, or `never`.
    #[arg(long, default_value = "0")]
    lb_ms: String,
    /// Number of nodes (each with an InternalIP and an ExternalIP).
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// The version /version reports.
    #[arg(long, default_value = "v1.33.4")]
    server_version: String,
    /// Start without a default StorageClass.
    #[arg(long)]
    no_default_storage_class: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let lb_delay = match args.lb_ms.as_str() {
        "never" => None,
        ms => Some(Duration::from_millis(ms.parse().map_err(|_| {
            anyhow::anyhow!("--lb-ms takes a number of milliseconds or `never`")
        })?)),
    };
    let sim = Simulation {
        pod_ready_delay: Duration::from_millis(args.pod_ready_ms),
        lb_delay,
        nodes: (1..=args.nodes).map(NodeSpec::numbered).collect(),
        default_storage_class: !args.no_default_storage_class,
        server_version: args.server_version,
        ..Simulation::default()
    };
    let reader_token = format!("reader-{}", std::process::id());
    let config = Config {
        addr: args.addr,
        sim,
        latency: Duration::from_millis(args.latency_ms),
        users: vec![User::read_only("reader", reader_token.clone())],
    };
    let server = Mothership::start(config)?;
    server.write_kubeconfig(&args.kubeconfig_out)?;
    if let Some(path) = &args.reader_kubeconfig_out {
        mothership::write_private(path, &server.kubeconfig_with_token("reader", &reader_token))?;
    }
    println!("mothership listening on {}", server.url());
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    drop(server);
    Ok(())
}
