//! `k0smotron create NAME`: write a k0s control plane and wait until it serves.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::Value;

use super::Global;
use crate::core::pki::{self, KeyAlgorithm};
use crate::core::spec::{self, CreateOptions, Resolved};
use crate::core::{cluster, duration, plan};
use crate::error::Failure;
use crate::mothership::{self, interrupt, wait, write};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the control plane (a DNS-1123 label; at most 43 characters with etcd, 48 with kine).
    pub name: Option<String>,
    /// A k0smotron.io/v1beta2 (or v1beta1) Cluster document; flags override it.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// k0s version, e.g. v1.36.3+k0s.2 [default: v1.36.3+k0s.2].
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// k0s image repository, without a tag [default: quay.io/k0sproject/k0s].
    #[arg(long, value_name = "REPOSITORY")]
    pub image: Option<String>,
    /// Controller replicas [default: 1].
    #[arg(long)]
    pub replicas: Option<i64>,
    /// How workers reach the control plane [default: NodePort].
    #[arg(long, value_name = "NodePort|LoadBalancer|ClusterIP")]
    pub service_type: Option<String>,
    /// Pin the API port (a node port with NodePort); otherwise the mothership allocates it.
    #[arg(long, value_name = "PORT")]
    pub api_port: Option<i64>,
    /// Pin the konnectivity port (as --api-port).
    #[arg(long, value_name = "PORT")]
    pub konnectivity_port: Option<i64>,
    /// The address workers and kubeconfigs use (default: a node's address, or the load balancer's).
    #[arg(long, value_name = "HOST")]
    pub external_address: Option<String>,
    /// Extra subject alternative name for the API server certificate (repeatable).
    #[arg(long = "san", value_name = "NAME")]
    pub sans: Vec<String>,
    /// etcd (a StatefulSet beside the controllers) or kine [default: etcd].
    #[arg(long, value_name = "etcd|kine")]
    pub storage: Option<String>,
    /// kine data source URL (postgres://, mysql://, ...); implies --storage kine.
    #[arg(long, value_name = "URL")]
    pub datasource: Option<String>,
    /// Secret in the namespace holding K0SMOTRON_KINE_DATASOURCE_URL; implies --storage kine.
    #[arg(long, value_name = "NAME")]
    pub datasource_secret: Option<String>,
    /// Size of each etcd member's volume, at least 768Mi; sets etcd's quota [default: 1Gi].
    #[arg(long, value_name = "SIZE")]
    pub etcd_size: Option<String>,
    /// The controller's data volume [default: emptyDir].
    #[arg(long, value_name = "emptyDir|hostPath|pvc")]
    pub persistence: Option<String>,
    /// Size of the data volume with --persistence pvc [default: 1Gi].
    #[arg(long, value_name = "SIZE")]
    pub persistence_size: Option<String>,
    /// StorageClass for etcd and pvc volumes (default: the mothership's default class).
    #[arg(long, value_name = "NAME")]
    pub storage_class: Option<String>,
    /// Node directory for --persistence hostPath.
    #[arg(long, value_name = "PATH")]
    pub host_path: Option<String>,
    /// A k0s.k0sproject.io/v1beta1 ClusterConfig to merge with the generated values.
    #[arg(long, value_name = "FILE")]
    pub k0s_config: Option<PathBuf>,
    /// Extra `k0s controller` flag, e.g. --controller-flag=--debug (repeatable).
    #[arg(
        long = "controller-flag",
        value_name = "FLAG",
        allow_hyphen_values = true
    )]
    pub controller_flags: Vec<String>,
    /// ConfigMap (NAME or configmap/NAME) or Secret (secret/NAME) of manifests for k0s to apply (repeatable).
    #[arg(long, value_name = "NAME")]
    pub manifests: Vec<String>,
    /// CPU request, or REQUEST:LIMIT, of each controller (e.g. 500m:2) [default: 100m, no limit].
    #[arg(long, value_name = "QUANTITY")]
    pub cpu: Option<String>,
    /// Memory request, or REQUEST:LIMIT, of each controller (e.g. 1Gi:2Gi) [default: 384Mi, no limit].
    #[arg(long, value_name = "QUANTITY")]
    pub memory: Option<String>,
    /// CPU request, or REQUEST:LIMIT, of each etcd member (e.g. 100m) [default: 50m, no limit].
    #[arg(long, value_name = "QUANTITY")]
    pub etcd_cpu: Option<String>,
    /// Memory request, or REQUEST:LIMIT, of each etcd member (e.g. 256Mi:512Mi) [default: 64Mi, no limit].
    #[arg(long, value_name = "QUANTITY")]
    pub etcd_memory: Option<String>,
    /// Label KEY=VALUE for every object (repeatable; never used in selectors).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Annotation KEY=VALUE for every object (repeatable).
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Create the namespace if it does not exist.
    #[arg(long)]
    pub create_namespace: bool,
    /// Key type for the CAs and certificates [default: rsa-2048, as the operator and k0s use].
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub key_algorithm: Option<KeyAlgorithm>,
    /// Print the objects (-o yaml or json) instead of writing them; needs no mothership.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: print Secret values (keys and certificates) instead of a marker.
    #[arg(long, requires = "dry_run")]
    pub show_secrets: bool,
    /// Return once the objects are written.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controllers to be Ready.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = duration::parse)]
    pub timeout: Duration,
    /// How long to wait for a LoadBalancer address.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2m", value_parser = duration::parse)]
    pub lb_timeout: Duration,
    /// How long the control plane is meant to live (2h, 7d); `delete --expired` removes it after.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = duration::parse)]
    pub ttl: Option<Duration>,
    /// Leave what was written in place when create fails.
    #[arg(long)]
    pub keep_on_failure: bool,
    /// Write an admin kubeconfig to FILE (mode 0600) once the control plane serves.
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Merge an admin kubeconfig into kubectl's once the control plane serves (see `connect`).
    #[arg(long, conflicts_with = "dry_run")]
    pub merge: bool,
    /// With --merge: also make it the current context.
    #[arg(long, requires = "merge")]
    pub switch_context: bool,
}

fn read(path: &PathBuf, flag: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("{flag} {}: {e}", path.display())))
}

fn options(args: &CreateArgs, global: &Global) -> Result<CreateOptions, Failure> {
    let file = match &args.file {
        Some(p) => Some(
            cluster::parse(&read(p, "-f")?, &p.display().to_string())
                .map_err(|e| Failure::Usage(format!("-f {e}")))?,
        ),
        None => None,
    };
    let k0s_config = match &args.k0s_config {
        Some(p) => Some(
            serde_saphyr::from_str::<Value>(&read(p, "--k0s-config")?).map_err(|e| {
                Failure::Usage(format!("--k0s-config {}: not YAML: {e}", p.display()))
            })?,
        ),
        None => None,
    };
    let target = global.target()?;
    let namespace = global
        .namespace
        .clone()
        .or_else(|| file.as_ref().and_then(|f| f.metadata.namespace.clone()))
        .or_else(|| mothership::configured_namespace(&target))
        .unwrap_or_else(|| "default".into());
    crate::core::naming::check_label(&namespace)
        .map_err(|r| Failure::Usage(format!("namespace {namespace:?}: {r}")))?;
    Ok(CreateOptions {
        name: args.name.clone(),
        file,
        namespace,
        version: args.version.clone(),
        image: args.image.clone(),
        replicas: args.replicas,
        service_type: args.service_type.clone(),
        api_port: args.api_port,
        konnectivity_port: args.konnectivity_port,
        external_address: args.external_address.clone(),
        sans: args.sans.clone(),
        storage: args.storage.clone(),
        datasource: args.datasource.clone(),
        datasource_secret: args.datasource_secret.clone(),
        etcd_size: args.etcd_size.clone(),
        persistence: args.persistence.clone(),
        persistence_size: args.persistence_size.clone(),
        storage_class: args.storage_class.clone(),
        host_path: args.host_path.clone(),
        k0s_config,
        controller_flags: args.controller_flags.clone(),
        manifests: args.manifests.clone(),
        cpu: args.cpu.clone(),
        memory: args.memory.clone(),
        etcd_cpu: args.etcd_cpu.clone(),
        etcd_memory: args.etcd_memory.clone(),
        labels: args.labels.clone(),
        annotations: args.annotations.clone(),
        key_algorithm: args.key_algorithm,
        ttl: args.ttl,
    })
}

/// Generate the PKI and the admin client certificate on blocking threads, starting now.
/// Its line is printed when the keys are awaited, so a run that fails first (a name taken)
/// prints nothing of it, and the exit does not wait for it.
pub(super) fn start_keygen(r: &Resolved, ui: &Ui) -> crate::mothership::write::Keys {
    let alg = r.key_algorithm;
    let etcd = matches!(r.storage, spec::Storage::Etcd { .. }).then(|| {
        (
            crate::core::naming::Names::new(&r.name).etcd(),
            r.namespace.clone(),
        )
    });
    let ui = *ui;
    let handle = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let now = time::OffsetDateTime::now_utc();
        let pki = pki::generate(
            alg,
            etcd.as_ref().map(|(s, n)| (s.as_str(), n.as_str())),
            now,
        )?;
        let admin = pki::admin_client(alg, &pki.ca, now)?;
        Ok::<_, String>((pki, admin, started.elapsed(), etcd.is_some()))
    });
    Box::pin(async move {
        let (pki, admin, took, etcd) = handle
            .await
            .map_err(|e| Failure::Failed(format!("key generation stopped: {e}")))?
            .map_err(|e| Failure::Failed(format!("key generation failed: {e}")))?;
        ui.check(
            crate::core::doctor::Status::Pass,
            &format!(
                "Generating certificates: {} {} keys ({:.1}s)",
                if etcd { 8 } else { 5 },
                alg.as_str(),
                took.as_secs_f64()
            ),
        );
        Ok((pki, admin))
    })
}

/// Hints name the control plane's namespace from now on, and Ctrl-C while writing says
/// how to remove what was written.
pub(super) fn before_writing(global: &Global, resolved: &Resolved) {
    crate::ui::hint::set(
        global.kubeconfig.as_deref(),
        global.context.as_deref(),
        &resolved.namespace,
    );
    interrupt::listen(format!(
        "`{}` removes what was written",
        crate::ui::hint::command(&format!("delete {}", resolved.name))
    ));
}

pub async fn run(args: CreateArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "create",
        &[OutputFormat::Yaml, OutputFormat::Json],
    )?;
    if let Some(path) = args.kubeconfig_out.as_ref().filter(|p| p.is_dir()) {
        return Err(Failure::Usage(format!(
            "--kubeconfig-out {}: is a directory; name the file to write",
            path.display()
        )));
    }
    let resolved = spec::resolve(options(&args, global)?).map_err(Failure::Usage)?;
    if !args.dry_run {
        // The header first, then its steps.
        ui.note(&format!(
            "Creating control plane {} in namespace {} (k0s {})",
            resolved.name, resolved.namespace, resolved.version
        ));
        ui.check(
            crate::core::doctor::Status::Pass,
            &format!("Validating: {}", summary(&resolved)),
        );
    }
    let keygen = start_keygen(&resolved, ui);
    let cli_version = env!("CARGO_PKG_VERSION");
    if args.dry_run {
        let (pki, admin) = keygen.await?;
        let mut objects = plan::dry_run(&resolved, &pki, &admin, cli_version);
        if !args.show_secrets {
            objects = plan::redacted(&objects);
            ui.note("Secret values are hidden; add --show-secrets to print keys and certificates");
        }
        return print_objects(&objects, format.unwrap_or(OutputFormat::Yaml), ui);
    }
    let conn = global.connect(ui).await?;
    before_writing(global, &resolved);
    let opts = write::WriteOptions {
        keep_on_failure: args.keep_on_failure,
        create_namespace: args.create_namespace,
        lb_timeout: args.lb_timeout,
    };
    let written = write::write(
        &write::Run {
            conn: &conn,
            resolved: &resolved,
            opts: &opts,
            ui,
            cli_version,
        },
        keygen,
    )
    .await?;
    for w in &written.warnings {
        ui.check(crate::core::doctor::Status::Warn, w);
    }
    let endpoint = written.exposure.endpoint();
    let conn = crate::mothership::Connection {
        namespace: resolved.namespace.clone(),
        ..conn
    };
    if !args.no_wait {
        let step = ui.step(&format!(
            "Waiting for {}",
            crate::ui::count(resolved.replicas, "controller replica")
        ));
        let waited = tokio::select! {
            waited = wait::until_ready(&conn, &resolved.name, resolved.replicas, &endpoint, args.timeout, &step) => waited,
            () = interrupt::pressed() => Err(Failure::Interrupted(format!(
                "interrupted (Ctrl-C) while waiting: control plane {n} is written and keeps starting; `{}` waits again, `{}` removes it",
                crate::ui::hint::command(&format!("wait {}", resolved.name)),
                crate::ui::hint::command(&format!("delete {}", resolved.name)),
                n = resolved.name
            ))),
        };
        wait::finish(step, waited)?;
    }
    ui.note(&format!(
        "Control plane {} {} at {endpoint}",
        resolved.name,
        if args.no_wait {
            "is starting"
        } else {
            "serves"
        }
    ));
    let n = &resolved.name;
    let kubeconfig_written = deliver_kubeconfig(&args, global, &conn, n, ui).await?;
    if let Some(f) = format {
        // What a CI job needs to go on, as data; never key material.
        let created = serde_json::json!({
            "name": n,
            "namespace": resolved.namespace,
            "endpoint": endpoint,
            "workerEndpoint": written.exposure.worker_endpoint(&resolved),
            "ready": !args.no_wait,
            "kubeconfigSecret": crate::core::naming::Names::new(n).kubeconfig(),
            "kubeconfigFile": args.kubeconfig_out,
            "objects": plan::object_names(&resolved)
                .iter()
                .map(|(kind, name)| format!("{kind}/{name}"))
                .collect::<Vec<_>>(),
        });
        ui.structured(&created, f)?;
    }
    ui.note("Next:");
    if !kubeconfig_written {
        ui.note(&format!(
            "  {}",
            crate::ui::hint::command(&format!("kubeconfig {n} > {n}.kubeconfig"))
        ));
    }
    ui.note(&format!(
        "  {}",
        crate::ui::hint::command(&format!("token worker {n} > {n}.token"))
    ));
    Ok(())
}

/// `--kubeconfig-out` and `--merge`: an admin kubeconfig, minted as `kubeconfig NAME` mints
/// it. Whether one was written.
async fn deliver_kubeconfig(
    args: &CreateArgs,
    global: &Global,
    conn: &crate::mothership::Connection,
    name: &str,
    ui: &Ui,
) -> Result<bool, Failure> {
    if args.kubeconfig_out.is_none() && !args.merge {
        return Ok(false);
    }
    let request = super::kubeconfig::Request::admin();
    let (minted, ..) = super::kubeconfig::mint(conn, name, &request, None, "8760h", ui).await?;
    if let Some(path) = &args.kubeconfig_out {
        crate::files::write_private(path, &minted.text)?;
        ui.note(&format!(
            "Wrote an admin kubeconfig to {} (mode 0600)",
            path.display()
        ));
    }
    if args.merge {
        super::kubeconfig::merge(global, conn, &minted, args.switch_context, ui).await?;
    }
    Ok(true)
}

fn summary(r: &Resolved) -> String {
    let storage = match &r.storage {
        spec::Storage::Etcd { .. } => "etcd",
        spec::Storage::Kine(spec::KineSource::Sqlite) => "kine (SQLite)",
        spec::Storage::Kine(_) => "kine (external database)",
    };
    format!(
        "{}, {}, {storage}, k0s {}",
        crate::ui::count(r.replicas, "replica"),
        r.service_type.as_str(),
        r.version
    )
}

fn print_objects(objects: &[plan::Object], format: OutputFormat, ui: &Ui) -> Result<(), Failure> {
    match format {
        OutputFormat::Json => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects});
            ui.structured(&list, OutputFormat::Json)
        }
        _ => {
            let mut docs = Vec::new();
            for o in objects {
                docs.push(
                    serde_saphyr::to_string(o)
                        .map_err(|e| Failure::Failed(format!("cannot render YAML: {e}")))?,
                );
            }
            ui.data(&docs.join("---\n"));
            Ok(())
        }
    }
}
