//! `mothership`: run the test control plane (kube-apiserver, etcd, controller manager,
//! scheduler, kwok and helpers) behind the fault-injecting proxy until SIGTERM or SIGINT.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use mothership::{ClusterOptions, Config, LoadBalancers, Mothership, NodeSpec, User};

#[derive(Parser)]
#[command(
    name = "mothership",
    about = "A real Kubernetes control plane on loopback for k0smotron's tests"
)]
struct Args {
    /// Where to write an admin kubeconfig (written once the control plane is ready).
    #[arg(long)]
    kubeconfig_out: PathBuf,
    /// Also write a kubeconfig for a read-only user here.
    #[arg(long)]
    reader_kubeconfig_out: Option<PathBuf>,
    /// Where the proxy listens.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: std::net::SocketAddr,
    /// Added to every API request at the proxy.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Time from a pod being scheduled to Running and Ready.
    #[arg(long, default_value_t = 200)]
    pod_ready_ms: u64,
    /// Time until a LoadBalancer Service gets an address, or `never`.
    #[arg(long, default_value = "0")]
    lb_ms: String,
    /// Number of nodes (each with an InternalIP and an ExternalIP).
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Start without a default StorageClass.
    #[arg(long)]
    no_default_storage_class: bool,
    /// Real nodes (kubelet, containerd, runc) beside the --nodes simulated ones; with
    /// `--nodes 0` every pod runs for real. Pods of other namespaces go to a real node only
    /// when --nodes is 0.
    #[arg(long, default_value_t = 0)]
    real_nodes: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let load_balancers = match args.lb_ms.as_str() {
        "never" => LoadBalancers::Never,
        ms => LoadBalancers::After(Duration::from_millis(ms.parse().map_err(|_| {
            anyhow::anyhow!("--lb-ms takes a number of milliseconds or `never`")
        })?)),
    };
    let cluster = ClusterOptions {
        nodes: (1..=args.nodes).map(NodeSpec::numbered).collect(),
        pod_ready: Duration::from_millis(args.pod_ready_ms),
        default_storage_class: !args.no_default_storage_class,
        real_nodes: args.real_nodes,
    };
    let server = Mothership::start(Config {
        addr: args.addr,
        latency: Duration::from_millis(args.latency_ms),
        load_balancers,
        cluster: Some(cluster),
        ..Config::default()
    })?;
    server.write_kubeconfig(&args.kubeconfig_out)?;
    if let Some(path) = &args.reader_kubeconfig_out {
        let token = server.add_user(User::read_only("reader"));
        mothership::write_private(path, &server.kubeconfig_with_token("reader", &token))?;
    }
    for node in server.real_nodes() {
        println!(
            "real node {} Ready (pods on bridge {} at {}, logs in {})",
            node.name,
            node.bridge,
            node.gateway,
            node.dir.join("logs").display()
        );
    }
    println!("mothership listening on {}", server.url());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        anyhow::Ok(())
    })?;
    drop(server);
    Ok(())
}
