//! `k0smotron backup [NAME] [-f FILE]`: one archive with what makes the control plane itself
//! (its record, certificate authorities and service-account key) and its data (an etcd
//! snapshot taken in a healthy member). The archive holds private keys: it is created 0600,
//! written under a temporary name and renamed, and the command says so.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::Global;
use crate::core::age::{self, Recipient};
use crate::core::backup::{self, Contents, Data, Manifest};
use crate::error::Failure;
use crate::files::PrivateFile;
use crate::mothership::{backup as take, record};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
    /// Where to write the archive (`-`: standard output, when it is not a terminal).
    /// Default: NAME-TIME.backup.tar.gz in the current directory.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Encrypt the archive with age to this recipient (age1…, as `age-keygen -y KEYFILE`
    /// prints it); may be given more than once, and any one of their identities opens it.
    #[arg(long = "encrypt-to", value_name = "RECIPIENT")]
    pub encrypt_to: Vec<String>,
}

/// The `--encrypt-to` recipients, checked before anything is asked of the mothership.
fn recipients(given: &[String]) -> Result<Vec<Recipient>, Failure> {
    given
        .iter()
        .map(|r| {
            Recipient::parse(r).map_err(|why| Failure::Usage(format!("--encrypt-to {r:?}: {why}")))
        })
        .collect()
}

/// Where the archive goes, checked before anything is asked of the mothership.
pub(super) enum Target {
    Stdout,
    /// A file in `dir`; `None`: the default name, known once the time is.
    File {
        dir: PathBuf,
        path: Option<PathBuf>,
    },
}

impl Target {
    /// A file `clone` or `move` removes again.
    fn scratch(path: PathBuf) -> Target {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Target::File {
            dir,
            path: Some(path),
        }
    }

    fn check(file: Option<&Path>) -> Result<Target, Failure> {
        let Some(file) = file else {
            return Ok(Target::File {
                dir: PathBuf::from("."),
                path: None,
            });
        };
        if file == Path::new("-") {
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(Failure::Usage(
                    "--file -: standard output is a terminal, and the archive is binary; redirect it (`> FILE`) or name a file".into(),
                ));
            }
            return Ok(Target::Stdout);
        }
        if file.is_dir() {
            return Err(Failure::Usage(format!(
                "--file {}: is a directory; name the archive file",
                file.display()
            )));
        }
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        if !dir.is_dir() {
            return Err(Failure::Usage(format!(
                "--file {}: directory {} does not exist",
                file.display(),
                dir.display()
            )));
        }
        Ok(Target::File {
            dir,
            path: Some(file.to_path_buf()),
        })
    }

    /// Where the temporary files go: beside the archive (one rename puts it in place).
    fn dir(&self) -> PathBuf {
        match self {
            Target::Stdout => std::env::temp_dir(),
            Target::File { dir, .. } => dir.clone(),
        }
    }
}

fn io_failure(what: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::Failed(format!("{what}: {e}"))
}

pub async fn run(args: BackupArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let target = Target::check(args.file.as_deref())?;
    let recipients = recipients(&args.encrypt_to)?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, args.name.as_deref()).await?;
    take(&conn, &name, &target, &recipients, true, ui).await
}

/// A backup of `name` in a private temporary file (removed when the result is dropped),
/// for the restore that `clone` and `move` make of it: not encrypted, and not noted in the
/// record.
pub(super) async fn to_scratch(
    conn: &crate::mothership::Connection,
    name: &str,
    purpose: &str,
    ui: &Ui,
) -> Result<crate::files::Scratch, Failure> {
    let scratch = crate::files::Scratch::new(purpose);
    take(
        conn,
        name,
        &Target::scratch(scratch.0.clone()),
        &[],
        false,
        ui,
    )
    .await?;
    Ok(scratch)
}

/// Write the archive of control plane `name` to `target`, encrypted to `recipients` when
/// there are any. `kept`: the archive is the user's, so say what it holds and record when
/// it was taken (not for `clone` and `move`, whose archive is gone when they end).
pub(super) async fn take(
    conn: &crate::mothership::Connection,
    name: &str,
    target: &Target,
    recipients: &[Recipient],
    kept: bool,
    ui: &Ui,
) -> Result<(), Failure> {
    let name = name.to_string();
    let (rec, mut record_data) = record::read_with_data(conn, &name).await?;
    if rec.paused.is_some() {
        return Err(record::paused(&name));
    }
    // When this mothership's copy was last backed up is not part of the control plane.
    record_data.remove(crate::core::plan::record::LAST_BACKUP_KEY);
    let taken = time::OffsetDateTime::now_utc();
    let taken_at = taken
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();

    // The authorities and where the data is copied (a Ready etcd member, the Ready
    // controller of kine on SQLite): one wave.
    let step = ui.step("Reading the certificate authorities");
    let (identity, source) = tokio::join!(take::identity(conn, &name), async {
        match (rec.storage.as_str(), rec.single_writer) {
            ("etcd", _) => take::healthy_member(conn, &name).await.map(Source::Etcd),
            ("kine", true) => take::ready_controller(conn, &name)
                .await
                .map(Source::Sqlite),
            _ => Ok(Source::External),
        }
    });
    let identity = step.end(identity)?;
    let source = source?;

    let mut copied = None;
    let data = match source {
        Source::Etcd(member) => {
            let step = ui.step(&format!("Taking an etcd snapshot in {member}"));
            let mut file = PrivateFile::create(&target.dir(), "snapshot")?;
            let taken = take::etcd_snapshot(conn, &member, &mut file.file, &step).await;
            let (checked, status) = step.end_with(taken, |(checked, status)| {
                format!(
                    "revision {}, {}, {}",
                    status.revision,
                    crate::ui::count(status.total_key, "key"),
                    human_bytes(checked.bytes)
                )
            })?;
            copied = Some(rewound(file, checked.bytes)?);
            Data::EtcdSnapshot {
                file: backup::SNAPSHOT.into(),
                member,
                bytes: checked.bytes,
                sha256: checked.sha256,
                revision: status.revision,
                total_keys: status.total_key,
            }
        }
        Source::Sqlite(pod) => {
            let step = ui.step(&format!("Copying kine's SQLite database in {pod}"));
            let flags = controller_flags(&record_data);
            let mut file = PrivateFile::create(&target.dir(), "database")?;
            let taken = take::kine_database(conn, &pod, &flags, &mut file.file, &step).await;
            let checked = step.end_with(taken, |checked| human_bytes(checked.bytes))?;
            copied = Some(rewound(file, checked.bytes)?);
            Data::KineSqlite {
                file: backup::KINE_DB.into(),
                pod,
                bytes: checked.bytes,
                sha256: checked.sha256,
            }
        }
        Source::External => Data::NotIncluded {
            reason: "kine keeps the data in an external database: it is backed up where that database is kept".into(),
        },
    };
    let manifest = Manifest {
        format: backup::FORMAT.into(),
        version: backup::VERSION,
        taken_at: taken_at.clone(),
        k0smotron_version: env!("CARGO_PKG_VERSION").into(),
        name: name.clone(),
        namespace: conn.namespace.clone(),
        storage: rec.storage.clone(),
        data,
    };
    let contents = Contents {
        manifest: &manifest,
        record: &record_data,
        identity: &identity,
    };

    let shown = match &target {
        Target::Stdout => "standard output".to_string(),
        Target::File { dir, path } => path
            .clone()
            .unwrap_or_else(|| {
                let file = backup::default_file_name(&name, taken);
                match recipients.is_empty() {
                    true => dir.join(file),
                    false => dir.join(format!("{file}.age")),
                }
            })
            .display()
            .to_string(),
    };
    let step = ui.step(&format!("Writing {shown}"));
    let written = write_archive(target, &shown, &contents, copied, recipients, taken);
    step.end(written)?;
    if !kept {
        return Ok(());
    }
    match recipients {
        [] => ui.note(&format!(
            "{shown} holds the private keys of {name}'s certificate authorities and its service-account key: keep it as safe as an admin kubeconfig (or encrypt it: --encrypt-to age1…)"
        )),
        _ => ui.note(&format!(
            "{shown} is encrypted with age to {}: only {} restores it (restore --identity KEYFILE)",
            crate::ui::count(recipients.len() as i64, "recipient"),
            if recipients.len() == 1 { "that recipient's identity" } else { "one of their identities" }
        )),
    }
    // Said last, once the archive is in place: `list` and `status` show it.
    record::set_data(
        conn,
        &name,
        serde_json::json!({ crate::core::plan::record::LAST_BACKUP_KEY: taken_at }),
    )
    .await
}

fn write_archive(
    target: &Target,
    shown: &str,
    contents: &Contents,
    data: Option<(PrivateFile, u64)>,
    recipients: &[Recipient],
    taken: time::OffsetDateTime,
) -> Result<(), Failure> {
    let mut data = data;
    let data = data
        .as_mut()
        .map(|(f, bytes)| (&mut f.file as &mut dyn std::io::Read, *bytes));
    // The archive itself, or age around it.
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        let out = std::io::BufWriter::new(out);
        let mut out = match recipients {
            [] => backup::write(out, contents, data, taken)?,
            _ => {
                let sealed = age::Encryptor::new(out, recipients)?;
                backup::write(sealed, contents, data, taken)?.finish()?
            }
        };
        out.flush()
    };
    match target {
        Target::Stdout => write(&mut std::io::stdout().lock())
            .map_err(io_failure("writing the archive to standard output")),
        Target::File { dir, .. } => {
            let mut archive = PrivateFile::create(dir, "backup")?;
            write(&mut archive.file).map_err(io_failure(&format!("writing {shown}")))?;
            archive.keep(Path::new(shown))
        }
    }
}

/// The controller's k0s flags as recorded (`k0s backup` must share its `--config` and
/// `--data-dir`); none when the record does not say.
fn controller_flags(record_data: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    record_data
        .get("cluster.yaml")
        .and_then(|doc| crate::core::cluster::parse(doc, "record/cluster.yaml").ok())
        .and_then(|d| d.spec)
        .map(|s| s.control_plane_flags)
        .unwrap_or_default()
}

/// Where the data is copied from.
enum Source {
    /// A Ready etcd member.
    Etcd(String),
    /// The Ready controller pod of kine on SQLite.
    Sqlite(String),
    /// An external database: not copied.
    External,
}

/// The copied data file, back at its start for the archive, and its size.
fn rewound(mut file: PrivateFile, bytes: u64) -> Result<(PrivateFile, u64), Failure> {
    file.file
        .rewind()
        .map_err(io_failure("reading the copied data back"))?;
    Ok((file, bytes))
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
