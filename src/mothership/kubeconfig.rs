//! Finding the kubeconfig the way kubectl does: `--kubeconfig`, else every file in
//! `KUBECONFIG` (missing ones skipped, first value wins), else `~/.kube/config`, else the
//! in-cluster service account.

use std::path::PathBuf;

use kube::config::Kubeconfig;

use crate::error::Failure;

/// Where the configuration came from, for messages and `-v`.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Flag(PathBuf),
    Env(Vec<PathBuf>),
    Home(PathBuf),
    InCluster,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(p) => write!(f, "{} (--kubeconfig)", p.display()),
            Source::Env(ps) => {
                let list: Vec<String> = ps.iter().map(|p| p.display().to_string()).collect();
                write!(f, "{} (KUBECONFIG)", list.join(":"))
            }
            Source::Home(p) => write!(f, "{}", p.display()),
            Source::InCluster => write!(f, "in-cluster service account"),
        }
    }
}

/// What was found: a kubeconfig, or `None` for in-cluster configuration.
pub struct Loaded {
    pub source: Source,
    pub kubeconfig: Option<Kubeconfig>,
}

fn read(path: &PathBuf) -> Result<Kubeconfig, Failure> {
    Kubeconfig::read_from(path).map_err(|e| {
        Failure::Failed(format!(
            "cannot read kubeconfig {}: {}",
            path.display(),
            super::error::chain(&e).join(": ")
        ))
    })
}

/// `explicit` is `--kubeconfig`; `env` is the value of `KUBECONFIG`; `home` the user's home.
pub fn load(
    explicit: Option<&PathBuf>,
    env: Option<&std::ffi::OsStr>,
    home: Option<PathBuf>,
) -> Result<Loaded, Failure> {
    if let Some(path) = explicit {
        if !path.exists() {
            return Err(Failure::Usage(format!(
                "--kubeconfig: {} does not exist",
                path.display()
            )));
        }
        return Ok(Loaded {
            source: Source::Flag(path.clone()),
            kubeconfig: Some(read(path)?),
        });
    }
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        let listed: Vec<PathBuf> = std::env::split_paths(value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        let present: Vec<PathBuf> = listed.iter().filter(|p| p.exists()).cloned().collect();
        if present.is_empty() {
            let list: Vec<String> = listed.iter().map(|p| p.display().to_string()).collect();
            return Err(Failure::Failed(format!(
                "no kubeconfig found: none of the files in KUBECONFIG exist ({}); point KUBECONFIG or --kubeconfig at the mothership's kubeconfig",
                list.join(":")
            )));
        }
        let mut merged = Kubeconfig::default();
        for p in &present {
            merged = merged.merge(read(p)?).map_err(|e| {
                Failure::Failed(format!("cannot merge kubeconfig {}: {e}", p.display()))
            })?;
        }
        return Ok(Loaded {
            source: Source::Env(present),
            kubeconfig: Some(merged),
        });
    }
    if let Some(path) = home
        .map(|h| h.join(".kube").join("config"))
        .filter(|p| p.exists())
    {
        return Ok(Loaded {
            kubeconfig: Some(read(&path)?),
            source: Source::Home(path),
        });
    }
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
        return Ok(Loaded {
            source: Source::InCluster,
            kubeconfig: None,
        });
    }
    Err(Failure::Failed(
        "no kubeconfig found: looked for --kubeconfig, KUBECONFIG and ~/.kube/config; pass --kubeconfig PATH or set KUBECONFIG to the mothership's kubeconfig".into(),
    ))
}

/// The context to use: `--context`, else `current-context`; it must exist.
pub fn pick_context(kubeconfig: &Kubeconfig, flag: Option<&str>) -> Result<String, Failure> {
    let names: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let available = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    match flag {
        Some(name) if names.contains(&name) => Ok(name.to_string()),
        Some(name) => Err(Failure::Usage(format!(
            "--context: no context named {name:?} in the kubeconfig (available: {available})"
        ))),
        None => match kubeconfig.current_context.as_deref() {
            Some(name) if names.contains(&name) => Ok(name.to_string()),
            Some(name) => Err(Failure::Failed(format!(
                "the kubeconfig's current-context {name:?} does not exist; pass --context (available: {available})"
            ))),
            None => Err(Failure::Failed(format!(
                "the kubeconfig has no current-context; pass --context (available: {available})"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path, name: &str, context: &str, current: Option<&str>) -> PathBuf {
        let current = current
            .map(|c| format!("current-context: {c}\n"))
            .unwrap_or_default();
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: {context}\n  cluster:\n    server: https://{context}.example:6443\ncontexts:\n- name: {context}\n  context:\n    cluster: {context}\n    user: {context}\n    namespace: ns-{context}\n{current}users:\n- name: {context}\n  user:\n    token: t\n"
        );
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn kubeconfig_env_merges_skipping_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a", "alpha", None);
        let b = write(dir.path(), "b", "beta", Some("beta"));
        let env = std::env::join_paths([dir.path().join("missing"), a.clone(), b.clone()]).unwrap();
        let loaded = load(None, Some(&env), None).unwrap();
        assert_eq!(loaded.source, Source::Env(vec![a, b]));
        let kc = loaded.kubeconfig.unwrap();
        assert_eq!(kc.contexts.len(), 2);
        assert_eq!(pick_context(&kc, None).unwrap(), "beta");
        assert_eq!(pick_context(&kc, Some("alpha")).unwrap(), "alpha");
        let err = pick_context(&kc, Some("gamma")).unwrap_err();
        assert!(
            matches!(err, Failure::Usage(ref m) if m.contains("available: alpha, beta")),
            "{err:?}"
        );
    }

    #[test]
    fn explicit_path_must_exist_and_nothing_found_says_how() {
        let missing = PathBuf::from("/nonexistent/kc");
        assert!(
            matches!(load(Some(&missing), None, None), Err(Failure::Usage(m)) if m.starts_with("--kubeconfig:"))
        );
        let dir = tempfile::tempdir().unwrap();
        if std::env::var_os("KUBERNETES_SERVICE_HOST").is_none() {
            let err = load(None, None, Some(dir.path().to_path_buf()))
                .err()
                .unwrap();
            assert!(
                err.to_string()
                    .contains("pass --kubeconfig PATH or set KUBECONFIG")
            );
        }
    }
}

/// Where a context that `k0smotron connect` (or `kubeconfig --merge`) wrote came from: the
/// mothership it remembers, if it remembers one that is still in the kubeconfig.
pub fn mothership_of(
    kubeconfig: &Kubeconfig,
    context: &str,
) -> Option<crate::core::kubeconfig_merge::Mothership> {
    let doc = serde_json::to_value(kubeconfig).ok()?;
    crate::core::kubeconfig_merge::Mothership::of_context(&doc, context)
}

/// The context to use and, when the chosen one is a control plane's context, what it
/// remembers: without `--context`, the current context, or the mothership it remembers.
pub fn pick_mothership_context(
    kubeconfig: &Kubeconfig,
    flag: Option<&str>,
) -> Result<(String, Option<Redirect>), Failure> {
    let context = pick_context(kubeconfig, flag)?;
    if flag.is_some() {
        return Ok((context, None));
    }
    Ok(match mothership_of(kubeconfig, &context) {
        Some(m) => (
            m.context.clone(),
            Some(Redirect {
                from: context,
                mothership: m,
            }),
        ),
        None => (context, None),
    })
}

/// The current context was a control plane's; its mothership is used instead.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub from: String,
    pub mothership: crate::core::kubeconfig_merge::Mothership,
}
