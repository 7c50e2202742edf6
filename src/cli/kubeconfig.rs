//! `k0smotron kubeconfig NAME`: a kubeconfig for a control plane, with a client certificate
//! minted locally from its CA (no exec, no running pod needed).

use std::time::Duration;

use clap::Args;

use super::Global;
use crate::core::kubeconfig::{self, EntryNames};
use crate::core::{duration, kubeconfig_merge, pki};
use crate::error::Failure;
use crate::files;
use crate::mothership::{Connection, record};
use crate::ui::{OutputFormat, Ui};

#[derive(Debug, Args)]
pub struct KubeconfigArgs {
    /// The control plane (may be left out when the namespace has exactly one).
    #[arg(add = super::names::existing())]
    pub name: Option<String>,
    /// The API server URL to put in the kubeconfig [default: the recorded endpoint].
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The user (certificate CN) [default: admin].
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// A group (certificate O), repeatable [default: system:masters when --user is not given].
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// How long the certificate is valid, e.g. 720h, 30d.
    #[arg(
        long,
        value_name = "DURATION",
        allow_hyphen_values = true,
        default_value = "8760h"
    )]
    pub expiry: String,
    /// Name of the cluster, user and context in the kubeconfig [default: k0smotron-NAME].
    #[arg(long, value_name = "NAME")]
    pub context_name: Option<String>,
    /// Write into the kubeconfig kubectl uses (--kubeconfig, else KUBECONFIG, else ~/.kube/config)
    /// instead of printing.
    #[arg(long)]
    pub merge: bool,
    /// With --merge: also make it the current context.
    #[arg(long, requires = "merge")]
    pub switch_context: bool,
    /// Renew the admin kubeconfig in Secret NAME-kubeconfig (Cluster API's convention) instead
    /// of printing.
    #[arg(long, conflicts_with_all = ["merge", "user", "groups", "server", "context_name"])]
    pub refresh_secret: bool,
}

/// The checked flags: everything that can be checked without the mothership.
pub(super) struct Request {
    user: String,
    groups: Vec<String>,
    expiry: Duration,
    server: Option<String>,
}

fn check(args: &KubeconfigArgs) -> Result<Request, Failure> {
    let usage = |m: String| Failure::Usage(m);
    let expiry = duration::parse(&args.expiry)
        .map_err(|e| usage(format!("--expiry: {e} (Go durations, plus d for days)")))?;
    if expiry.is_zero() {
        return Err(usage(
            "--expiry: must be more than 0 (a client certificate cannot be valid forever)".into(),
        ));
    }
    if let Some(server) = &args.server {
        let rest = server.strip_prefix("https://").ok_or_else(|| {
            usage(format!(
                "--server {server:?}: must be an https URL such as https://cp.example.com:6443"
            ))
        })?;
        if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
            return Err(usage(format!(
                "--server {server:?}: must be an https URL such as https://cp.example.com:6443"
            )));
        }
    }
    for (flag, value) in std::iter::once(("--user", args.user.as_deref()))
        .chain(args.groups.iter().map(|g| ("--group", Some(g.as_str()))))
    {
        if value.is_some_and(|v| v.is_empty() || v.contains(',')) {
            return Err(usage(format!(
                "{flag} {:?}: must be non-empty and without commas",
                value.unwrap_or_default()
            )));
        }
    }
    if let Some(c) = &args.context_name
        && (c.is_empty() || c.contains(char::is_whitespace))
    {
        return Err(usage(format!(
            "--context-name {c:?}: must be non-empty and without spaces"
        )));
    }
    let groups = if args.groups.is_empty() && args.user.is_none() {
        vec!["system:masters".to_string()]
    } else {
        args.groups.clone()
    };
    Ok(Request {
        user: args.user.clone().unwrap_or_else(|| "admin".into()),
        groups,
        expiry,
        server: args.server.clone(),
    })
}

impl Request {
    /// What `create --kubeconfig-out/--merge` and `connect` hand out: the admin, a year.
    pub(super) fn admin() -> Self {
        Request {
            user: "admin".into(),
            groups: vec!["system:masters".into()],
            expiry: pki::LEAF_VALIDITY,
            server: None,
        }
    }
}

/// A kubeconfig minted for a control plane, and the name of its entries.
pub(super) struct Minted {
    pub name: String,
    pub entry: String,
    pub text: String,
}

/// Read the record and the CA of `name` (one wave), and mint a client certificate on a
/// blocking thread. `expiry_text` is the expiry as the user wrote it, for the error when the
/// CA has less left.
pub(super) async fn mint(
    conn: &Connection,
    name: &str,
    req: &Request,
    context_name: Option<&str>,
    expiry_text: &str,
    ui: &Ui,
) -> Result<(Minted, record::Record, pki::CertPair, pki::CertPair), Failure> {
    let (rec, ca) = tokio::join!(record::read(conn, name), record::cluster_ca(conn, name));
    let (rec, ca) = (rec?, ca?);
    let now = time::OffsetDateTime::now_utc();
    let ca_end = pki::not_after(&ca.cert_pem)
        .map_err(|e| Failure::Failed(format!("Secret {name}-ca: {e}")))?;
    let left = ca_end - now;
    if time::Duration::try_from(req.expiry).is_ok_and(|want| want > left) {
        return Err(Failure::Usage(format!(
            "--expiry {expiry_text}: longer than the CA of {name} has left ({} days, until {}); ask for less",
            left.whole_days(),
            ca_end.date()
        )));
    }
    if rec.paused.is_some() {
        ui.note(&format!(
            "note: control plane {name} is paused: this kubeconfig works once `{}` brings it back",
            crate::ui::hint::command(&format!("resume {name}"))
        ));
    }
    let server = req.server.clone().unwrap_or_else(|| rec.endpoint.clone());
    if req.server.is_none() && rec.service_type == "ClusterIP" {
        ui.note(&format!(
            "warning: {server} is a ClusterIP Service name: only pods in the mothership can use it; pass --server, or create the control plane with --service-type NodePort or LoadBalancer"
        ));
    }
    // The algorithm the control plane was created with.
    let alg = pki::KeyAlgorithm::from_record(&rec.key_algorithm);
    let (user, groups, expiry) = (req.user.clone(), req.groups.clone(), req.expiry);
    let ca_for_key = ca.clone();
    let client = tokio::task::spawn_blocking(move || {
        pki::client_cert(alg, &ca_for_key, &user, &groups, expiry, now)
    })
    .await
    .map_err(|e| Failure::Failed(format!("key generation stopped: {e}")))?
    .map_err(|e| Failure::Failed(format!("minting the client certificate failed: {e}")))?;
    let entry = context_name
        .map(String::from)
        .unwrap_or_else(|| format!("k0smotron-{name}"));
    let text = kubeconfig::render(&EntryNames::same(&entry), &server, &ca.cert_pem, &client);
    let minted = Minted {
        name: name.to_string(),
        entry,
        text,
    };
    Ok((minted, rec, ca, client))
}

/// Merge `minted` into the kubeconfig kubectl uses (`--kubeconfig`, else KUBECONFIG, else
/// ~/.kube/config), its context remembering the mothership context `conn` uses, so every
/// k0smotron command finds the mothership again while it is current.
pub(super) async fn merge(
    global: &Global,
    conn: &Connection,
    minted: &Minted,
    switch: bool,
    ui: &Ui,
) -> Result<(), Failure> {
    let doc: serde_json::Value = serde_saphyr::from_str(&minted.text)
        .map_err(|e| Failure::Failed(format!("kubeconfig: {e}")))?;
    let mut entries = kubeconfig_merge::entries(&doc);
    if conn.source != crate::mothership::kubeconfig::Source::InCluster {
        let mothership = kubeconfig_merge::Mothership {
            context: conn.context.clone(),
            namespace: conn.namespace.clone(),
            control_plane: minted.name.clone(),
        };
        for e in entries.iter_mut().filter(|e| e.section == "contexts") {
            e.body["extensions"] = mothership.extensions();
        }
    }
    let current = switch.then(|| minted.entry.clone());
    let explicit = global.kubeconfig.clone();
    let merged = tokio::task::spawn_blocking(move || {
        files::merge(explicit.as_deref(), &entries, current.as_deref())
    })
    .await
    .map_err(|e| Failure::Failed(format!("merging stopped: {e}")))??;
    for m in merged {
        ui.note(&format!(
            "Merged into {}: {}",
            m.file.display(),
            m.names.join(", ")
        ));
        if !m.kept_layout {
            ui.note(&format!(
                "  {} was written out whole: its layout (flow style or anchors) could not be kept line by line",
                m.file.display()
            ));
        }
    }
    if switch {
        ui.note(&format!(
            "Switched to context {}; k0smotron keeps using the mothership ({}), and `k0smotron disconnect` switches back",
            minted.entry, conn.context
        ));
    } else {
        ui.note(&format!("Use it with `kubectl --context {}`", minted.entry));
    }
    Ok(())
}

pub async fn run(args: KubeconfigArgs, global: &Global, ui: &Ui) -> Result<(), Failure> {
    let format = OutputFormat::check(
        global.output,
        "kubeconfig",
        &[OutputFormat::Json, OutputFormat::Yaml],
    )?;
    let req = check(&args)?;
    if format.is_some() && (args.merge || args.refresh_secret) {
        return Err(Failure::Usage(
            "--output: only when the kubeconfig is printed (not with --merge or --refresh-secret)"
                .into(),
        ));
    }
    global.target()?;
    let conn = global.connect(ui).await?;
    let name = record::resolve_name(&conn, args.name.as_deref()).await?;
    let (minted, rec, ca, client) = mint(
        &conn,
        &name,
        &req,
        args.context_name.as_deref(),
        &args.expiry,
        ui,
    )
    .await?;
    let now = time::OffsetDateTime::now_utc();
    if args.refresh_secret {
        let text = kubeconfig::admin(&name, &rec.endpoint, &ca.cert_pem, &client);
        record::replace_kubeconfig_secret(&conn, &name, &text).await?;
        ui.note(&format!(
            "Renewed Secret {name}-kubeconfig: admin certificate valid until {}",
            (now + time::Duration::try_from(req.expiry).unwrap_or_default()).date()
        ));
        return Ok(());
    }
    if args.merge {
        return merge(global, &conn, &minted, args.switch_context, ui).await;
    }
    match format {
        Some(f) => {
            let doc: serde_json::Value = serde_saphyr::from_str(&minted.text)
                .map_err(|e| Failure::Failed(format!("kubeconfig: {e}")))?;
            ui.structured(&doc, f)?;
        }
        None => ui.data(&minted.text),
    }
    ui.detail(&format!(
        "user {}, groups [{}], valid until {}",
        req.user,
        req.groups.join(", "),
        now + time::Duration::try_from(req.expiry).unwrap_or_default()
    ));
    Ok(())
}
