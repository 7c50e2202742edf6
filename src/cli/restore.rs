//! `k0smotron restore FILE [--name NEW]`: a control plane from a `backup` archive. The
//! archive is read and checked whole before anything is asked of the mothership; then the
//! objects `create` writes for the recorded spec are written with the archived
//! authorities, etcd member 0 restores the snapshot before it first starts, and etcd grows
//! back to its size one member at a time.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::age;
use crate::core::backup::{self, Archive, CheckedData, Data};
use crate::core::pki::{self, CertPair, KeyAlgorithm};
use crate::core::plan::sqlite;
use crate::core::spec::{self, CreateOptions, Resolved};
use crate::error::Failure;
use crate::files::PrivateFile;
use crate::mothership::{self, delete, interrupt, restore, scale, wait, write};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The archive `backup` wrote (`-`: standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Restore under this name (default: the name it was backed up under).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// How long to wait for each step (the snapshot taken in, each etcd member, the
    /// controllers).
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "10m", value_parser = super::parse_duration)]
    pub timeout: Duration,
    /// Leave what was written when a step fails (default: remove it).
    #[arg(long)]
    pub keep_on_failure: bool,
    /// New certificate authorities and service-account key instead of the archived ones
    /// (and new node ports): a copy with the archive's data that is not the same control
    /// plane, as `clone` makes. Kubeconfigs, tokens and workers of the original do not work
    /// with it.
    #[arg(long)]
    pub new_identity: bool,
    /// An age identity file (as `age-keygen` writes it) to open an encrypted archive with;
    /// may be given more than once.
    #[arg(short = 'i', long = "identity", value_name = "KEYFILE")]
    pub identity: Vec<PathBuf>,
}

/// A restore, as `restore`, `clone` and `move` ask for it.
pub(super) struct Request {
    pub file: PathBuf,
    /// Age identity files for an encrypted archive.
    pub identity: Vec<PathBuf>,
    pub name: Option<String>,
    /// `None`: the namespace it was backed up from.
    pub namespace: Option<String>,
    /// New certificate authorities and service-account key instead of the archived ones.
    pub new_identity: bool,
    /// Let the mothership allocate node ports instead of asking for the recorded ones
    /// (the original still holds them on this mothership).
    pub fresh_ports: bool,
    pub timeout: Duration,
    pub keep_on_failure: bool,
    /// Remove what was written also when the controllers do not get Ready in time.
    pub all_or_nothing: bool,
}

impl Request {
    /// A restore of the private temporary archive `clone` or `move` just took: removed on
    /// failure, the rest as `restore` does by default.
    pub(super) fn of_scratch(scratch: &crate::files::Scratch, timeout: Duration) -> Request {
        Request {
            file: scratch.0.clone(),
            identity: Vec::new(),
            name: None,
            namespace: None,
            new_identity: false,
            fresh_ports: false,
            timeout,
            keep_on_failure: false,
            all_or_nothing: false,
        }
    }
}

/// What a restore made.
pub(super) struct Restored {
    pub name: String,
    pub namespace: String,
    pub endpoint: String,
}

/// The age identities in the files `--identity` names, read before anything else.
fn identities(files: &[PathBuf]) -> Result<Vec<age::Identity>, Failure> {
    let mut found = Vec::new();
    for file in files {
        let shown = file.display();
        let text = std::fs::read_to_string(file)
            .map_err(|e| Failure::Usage(format!("--identity {shown}: {e}")))?;
        found.extend(
            age::Identity::parse_file(&text)
                .map_err(|e| Failure::Usage(format!("--identity {shown}: {e}")))?,
        );
    }
    Ok(found)
}

/// The archive, read and checked (and decrypted, when it is age-encrypted); its data file
/// kept in a private temporary file, with its size and SHA-256.
fn read_archive(args: &Request) -> Result<(Archive, Option<(PrivateFile, CheckedData)>), Failure> {
    let shown = args.file.display().to_string();
    let identities = identities(&args.identity)?;
    let mut input: Box<dyn Read> = if shown == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.file).map_err(|e| Failure::Usage(format!("{shown}: {e}")))?,
        )
    };
    let refused = |why: &dyn std::fmt::Display| {
        Failure::Usage(format!("{shown}: {why}; nothing was written"))
    };
    // Enough of the start to tell an age file from a gzip one, put back in front.
    let mut head = Vec::with_capacity(age::SNIFF);
    input
        .by_ref()
        .take(age::SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| refused(&e))?;
    let input = std::io::BufReader::new(std::io::Cursor::new(head.clone()).chain(input));
    let input: Box<dyn Read> = if age::looks_encrypted(&head) {
        if identities.is_empty() {
            return Err(refused(
                &"it is encrypted with age: pass --identity KEYFILE, the age identity it was encrypted to",
            ));
        }
        Box::new(age::open(input, &identities).map_err(|e| refused(&e))?)
    } else {
        Box::new(input)
    };
    let mut data = PrivateFile::create(&std::env::temp_dir(), "restore")?;
    let (archive, checked) = backup::read(std::io::BufReader::new(input), &mut data.file)
        .map_err(|why| refused(&why))?;
    Ok((archive, checked.map(|c| (data, c))))
}

fn authority(archive: &Archive, suffix: &str) -> Result<CertPair, Failure> {
    let data = archive
        .identity
        .iter()
        .find(|(s, _)| s == suffix)
        .map(|(_, d)| d)
        .ok_or_else(|| Failure::Usage(format!("the archive holds no identity/{suffix}")))?;
    let text = |key: &str| {
        data.get(key)
            .and_then(|b| String::from_utf8(b.clone()).ok())
            .ok_or_else(|| {
                Failure::Usage(format!("the archive's identity/{suffix}/{key} is not text"))
            })
    };
    Ok(CertPair {
        cert_pem: text("tls.crt")?,
        key_pem: text("tls.key")?,
    })
}

/// The spec as recorded, under the name and namespace asked for.
fn resolve(args: &Request, archive: &Archive) -> Result<Resolved, Failure> {
    let mut document =
        crate::core::cluster::parse(&archive.record["cluster.yaml"], "record/cluster.yaml")
            .map_err(|e| Failure::Usage(format!("the archive's {e}")))?;
    if args.fresh_ports
        && let Some(service) = document.spec.as_mut().and_then(|s| s.service.as_mut())
    {
        service.api_port = None;
        service.konnectivity_port = None;
    }
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| archive.manifest.namespace.clone());
    let mut resolved = spec::resolve(CreateOptions {
        name: Some(
            args.name
                .clone()
                .unwrap_or_else(|| archive.manifest.name.clone()),
        ),
        file: Some(document),
        namespace,
        key_algorithm: archive
            .record
            .get("keyAlgorithm")
            .map(|a| KeyAlgorithm::from_record(a)),
        ..Default::default()
    })
    .map_err(|e| Failure::Usage(format!("restoring {}: {e}", archive.manifest.name)))?;
    match &archive.manifest.data {
        Data::EtcdSnapshot { .. } => resolved.restore_etcd = true,
        Data::KineSqlite { .. } => {
            let db = spec::sqlite_file(&resolved.storage).filter(|db| sqlite::on_data_volume(db));
            if db.is_none() {
                return Err(Failure::Usage(format!(
                    "the archive holds kine's SQLite database, and its recorded spec keeps none on the data volume ({}/...)",
                    spec::K0S_DATA_DIR
                )));
            }
            // The controller waits for the database as long as restore may take to get there:
            // the writes (a LoadBalancer address may take up to the timeout), then the
            // wait for the pod (the timeout again), and a minute for clocks that differ.
            let until =
                time::OffsetDateTime::now_utc() + args.timeout * 2 + Duration::from_secs(60);
            resolved.restore_kine_until = Some(until.unix_timestamp());
        }
        Data::NotIncluded { .. } if args.new_identity => {
            return Err(Failure::Usage(format!(
                "--new-identity: {} keeps its data in an external database, which the copy would share (two control planes writing one datastore)",
                archive.manifest.name
            )));
        }
        Data::NotIncluded { .. } => {}
    }
    Ok(resolved)
}

/// The archived authorities with new etcd leaves and admin client, made on blocking threads.
fn kept_keys(archive: &Archive, r: &Resolved) -> Result<write::Keys, Failure> {
    let authorities = [
        authority(archive, "ca")?,
        authority(archive, "proxy")?,
        authority(archive, "etcd")?,
        authority(archive, "sa")?,
    ];
    let alg = r.key_algorithm;
    let etcd = matches!(r.storage, spec::Storage::Etcd { .. }).then(|| {
        (
            crate::core::naming::Names::new(&r.name).etcd(),
            r.namespace.clone(),
        )
    });
    let handle = tokio::task::spawn_blocking(move || {
        let now = time::OffsetDateTime::now_utc();
        let pki = pki::from_authorities(
            alg,
            authorities,
            etcd.as_ref().map(|(s, n)| (s.as_str(), n.as_str())),
            now,
        )?;
        let admin = pki::admin_client(alg, &pki.ca, now)?;
        Ok::<_, String>((pki, admin))
    });
    Ok(Box::pin(async move {
        handle
            .await
            .map_err(|e| Failure::Failed(format!("issuing certificates stopped: {e}")))?
            .map_err(|e| Failure::Failed(format!("issuing certificates failed: {e}")))
    }))
}

pub async fn run(args: RestoreArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let request = Request {
        file: args.file,
        identity: args.identity,
        name: args.name,
        namespace: global.namespace.clone(),
        new_identity: args.new_identity,
        // A copy must not take the original's endpoint.
        fresh_ports: args.new_identity,
        timeout: args.timeout,
        keep_on_failure: args.keep_on_failure,
        all_or_nothing: false,
    };
    let restored = restore(&request, global, ui).await?;
    next_steps(&restored.name, ui);
    Ok(())
}

/// What to do with a restored (or cloned) control plane.
pub(super) fn next_steps(name: &str, ui: &Ui) {
    ui.note("Next:");
    ui.note(&format!(
        "  {}",
        crate::ui::hint::command(&format!("kubeconfig {name} > {name}.kubeconfig"))
    ));
}

/// Restore what `request` asks for through the mothership `global` names.
pub(super) async fn restore(
    request: &Request,
    global: &Global,
    ui: &Ui,
) -> Result<Restored, Failure> {
    let (archive, data) = read_archive(request)?;
    let resolved = resolve(request, &archive)?;
    let keys = if request.new_identity {
        super::create::start_keygen(&resolved, ui)
    } else {
        kept_keys(&archive, &resolved)?
    };
    let m = &archive.manifest;
    ui.note(&format!(
        "Restoring control plane {} in namespace {} from the backup of {}/{} taken {}{}",
        resolved.name,
        resolved.namespace,
        m.namespace,
        m.name,
        m.taken_at,
        if request.new_identity {
            ", with a new identity"
        } else {
            ""
        }
    ));
    let conn = global.connect(ui).await?;
    let conn = mothership::Connection {
        namespace: resolved.namespace.clone(),
        ..conn
    };
    super::create::before_writing(global, &resolved);
    let opts = write::WriteOptions {
        keep_on_failure: request.keep_on_failure,
        create_namespace: false,
        lb_timeout: request.timeout,
    };
    let written = write::write(
        &write::Run {
            conn: &conn,
            resolved: &resolved,
            opts: &opts,
            ui,
            cli_version: env!("CARGO_PKG_VERSION"),
        },
        keys,
    )
    .await?;
    for w in &written.warnings {
        ui.check(crate::core::doctor::Status::Warn, w);
    }
    let endpoint = written.exposure.endpoint();
    let started = async {
        match (data, &archive.manifest.data) {
            (Some((file, checked)), Data::EtcdSnapshot { .. }) => {
                restore_etcd(&conn, &resolved, file, checked, request.timeout, ui).await?
            }
            (Some((file, checked)), Data::KineSqlite { .. }) => {
                restore_kine(&conn, &resolved, file, checked, request.timeout, ui).await?
            }
            _ => {}
        }
        let step = ui.step(&format!(
            "Waiting for {}",
            crate::ui::count(resolved.replicas, "controller replica")
        ));
        let waited = wait::until_ready(
            &conn,
            &resolved.name,
            resolved.replicas,
            &endpoint,
            request.timeout,
            &step,
        )
        .await;
        wait::finish(step, waited).map(drop)
    };
    let started = tokio::select! {
        r = started => r,
        () = interrupt::pressed() => Err(Failure::Interrupted("interrupted (Ctrl-C) while restoring".into())),
    };
    match started {
        Ok(()) => {}
        // Not Ready in time: written and restored, as `create` leaves it (unless asked).
        Err(e @ Failure::TimedOut(_)) if !request.all_or_nothing => return Err(e),
        Err(e) => {
            return Err(roll_back(&conn, &resolved.name, request.keep_on_failure, e, ui).await);
        }
    }
    ui.note(&format!(
        "Control plane {} serves at {endpoint}, as it was at {}",
        resolved.name, m.taken_at
    ));
    Ok(Restored {
        name: resolved.name.clone(),
        namespace: resolved.namespace.clone(),
        endpoint,
    })
}

/// etcd member 0 takes the snapshot and starts from it; its restore container is then taken
/// out of the template (a member that loses its data later joins the others instead of
/// waiting for a snapshot), and etcd grows back to its size.
async fn restore_etcd(
    conn: &mothership::Connection,
    r: &Resolved,
    file: PrivateFile,
    checked: CheckedData,
    timeout: Duration,
    ui: &Ui,
) -> Result<(), Failure> {
    let name = &r.name;
    let sts = crate::core::naming::Names::new(name).etcd();
    let to = restore::Handover {
        pod: format!("{sts}-0"),
        file: crate::core::plan::etcd::restore_file(),
        what: "snapshot",
        data: checked,
    };
    hand_over(
        conn,
        "Handing the snapshot to etcd member 0",
        &to,
        file,
        timeout,
        ui,
    )
    .await?;
    let step = ui.step("Starting etcd from the snapshot");
    let started = async {
        // Ready first: the restore container must have finished before the template
        // changes, or the roll would start the member without its data.
        scale::until_rolled_out(conn, &sts, timeout, &step).await?;
        scale::remove_init_container(conn, name, &sts, crate::core::plan::etcd::RESTORE_CONTAINER)
            .await?;
        scale::until_rolled_out(conn, &sts, timeout, &step).await
    }
    .await;
    step.end(started)?;
    let members = crate::core::plan::etcd::members(r.replicas);
    scale::grow_etcd(conn, name, 1, members, timeout, ui).await
}

/// The controller's restore init container takes kine's database and puts it in place
/// before k0s first starts; it stays in the template, inert once the database is there or
/// its deadline has passed, so the controller is not started a second time.
async fn restore_kine(
    conn: &mothership::Connection,
    r: &Resolved,
    file: PrivateFile,
    checked: CheckedData,
    timeout: Duration,
    ui: &Ui,
) -> Result<(), Failure> {
    let to = restore::Handover {
        pod: format!(
            "{}-0",
            crate::core::naming::Names::new(&r.name).statefulset()
        ),
        file: sqlite::RESTORE_FILE.into(),
        what: "database",
        data: checked,
    };
    hand_over(
        conn,
        "Handing kine's SQLite database to the controller",
        &to,
        file,
        timeout,
        ui,
    )
    .await
}

/// The data file to the restore container `to` names, as a step titled `title`; the
/// temporary file is removed once it is there.
async fn hand_over(
    conn: &mothership::Connection,
    title: &str,
    to: &restore::Handover<'_>,
    mut file: PrivateFile,
    timeout: Duration,
    ui: &Ui,
) -> Result<(), Failure> {
    let step = ui.step(title);
    let handed = restore::hand_over(conn, to, &mut file.file, timeout, &step).await;
    step.end(handed)
}

/// A restore that failed after writing: remove what it wrote (as `create` does), unless
/// asked to keep it; the error says which.
async fn roll_back(
    conn: &mothership::Connection,
    name: &str,
    keep: bool,
    e: Failure,
    ui: &Ui,
) -> Failure {
    if keep {
        ui.note(&format!(
            "--keep-on-failure: control plane {name} is left as it is; `{}` removes it",
            crate::ui::hint::command(&format!("delete {name}"))
        ));
        return e;
    }
    let step = ui.step(&format!("Removing what was written of {name}"));
    let left = delete::control_plane(conn, name, false, true).await;
    if left.is_empty() {
        step.done("");
    } else {
        step.failed(&left.join(", "));
    }
    e
}
