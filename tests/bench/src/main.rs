//! `cargo run --release -p bench`: the k0smotron release binary against the real test
//! control plane, every request delayed at the proxy, and kubectl doing the same work
//! against the same server in the same run. Prints a Markdown report (docs/benchmarks.md
//! holds the latest) and writes it to target/bench/latest.md.

mod footprint;
mod populate;
mod process;
mod report;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use mothership::{Config, Mothership};

use process::{Sample, measure};
use report::{Row, Spread, Target};

#[derive(Parser)]
#[command(
    about = "Benchmark the k0smotron release binary against the real test control plane, beside kubectl"
)]
struct Args {
    /// Delay added to every request at the proxy, in milliseconds.
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Measured runs of each command, after one warm-up run.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Control planes present for the listing benchmark, in increasing order.
    #[arg(long, value_delimiter = ',', default_value = "1,10,100,500")]
    fleet: Vec<usize>,
    /// Control planes with real etcd pods on the real node for the footprint, in
    /// increasing order (skipped when K0SMOTRON_TEST_K0S puts real k0s in every pod).
    #[arg(long, value_delimiter = ',', default_value = "10,50")]
    real_fleet: Vec<usize>,
    /// Measured runs of each command on the real node, after one warm-up run.
    #[arg(long, default_value_t = 3)]
    real_runs: usize,
    /// Only these sections (create, credentials, delete, list, real-node).
    #[arg(long, value_delimiter = ',', value_parser = ["create", "credentials", "delete", "list", "real-node"])]
    only: Vec<String>,
}

/// Where the benchmark runs: the binary, the mothership behind its proxy, a kubeconfig, and a
/// HOME of its own (kubectl keeps its discovery cache there).
struct Bench {
    binary: PathBuf,
    ms: Mothership,
    home: tempfile_dir::Dir,
    kubeconfig: PathBuf,
    runs: usize,
}

/// A temporary directory removed on drop (std only; the bench needs nothing more).
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);

    impl Dir {
        pub fn new(what: &str) -> std::io::Result<Dir> {
            let path =
                std::env::temp_dir().join(format!("k0smotron-bench-{what}-{}", std::process::id()));
            std::fs::create_dir_all(&path)?;
            Ok(Dir(path))
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Bench {
    fn k0smotron(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", &self.home.0)
            .env("NO_COLOR", "1")
            .env_remove("KUBECONFIG");
        cmd
    }

    fn kubectl(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("kubectl");
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", &self.home.0)
            .env_remove("KUBECONFIG");
        cmd
    }

    /// Run a command that is not measured; it must succeed.
    fn just(&self, mut cmd: Command) -> anyhow::Result<String> {
        let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
        if !out.status.success() {
            bail!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// One warm-up and `runs` measured runs; `before` prepares run `i` unmeasured and
    /// `after` cleans up after it.
    fn samples(
        &self,
        what: &str,
        before: impl Fn(usize) -> anyhow::Result<()>,
        cmd: impl Fn(usize) -> Command,
        after: impl Fn(usize) -> anyhow::Result<()>,
    ) -> anyhow::Result<Row> {
        let mut samples = Vec::new();
        for i in 0..=self.runs {
            before(i)?;
            let sample = measure(&self.ms, cmd(i))?;
            after(i)?;
            if i > 0 {
                samples.push(sample);
            }
        }
        eprintln!("  {what}: median {:.0} ms", report::wall(&samples).median);
        Ok(Row {
            what: what.to_string(),
            samples,
        })
    }

    fn delete(&self, name: &str) -> anyhow::Result<()> {
        self.just(self.k0smotron(&["delete", name, "--yes", "--ignore-not-found"]))?;
        Ok(())
    }
}

fn release_binary() -> anyhow::Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--bin", "k0smotron"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/k0smotron").canonicalize()?)
}

impl Bench {
    /// A bench on a mothership of its own, `runs` measured runs per figure.
    fn start(binary: PathBuf, config: Config, what: &str, runs: usize) -> anyhow::Result<Bench> {
        let ms = Mothership::start(config)?;
        let home = tempfile_dir::Dir::new(what)?;
        let kubeconfig = home.0.join("kubeconfig");
        ms.write_kubeconfig(&kubeconfig)?;
        Ok(Bench {
            binary,
            ms,
            home,
            kubeconfig,
            runs,
        })
    }
}

fn main() -> anyhow::Result<()> {
    process::intermediate();
    let args = Args::parse();
    let started = Instant::now();
    let binary = release_binary()?;
    let section = |s: &str| args.only.is_empty() || args.only.iter().any(|o| o == s);
    let latency = Duration::from_millis(args.latency_ms);
    let mut out = String::new();
    let mut goals = Vec::new();
    if ["create", "credentials", "delete", "list"]
        .iter()
        .any(|s| section(s))
    {
        let config = Config {
            latency,
            ..Config::default()
        };
        let bench = Bench::start(binary.clone(), config, "kwok", args.runs)?;
        if section("create") {
            create(&bench, &mut out, &mut goals)?;
        }
        if section("credentials") {
            credentials(&bench, &mut out, &mut goals)?;
        }
        if section("delete") {
            delete(&bench, &mut out, &mut goals)?;
        }
        if section("list") {
            list(&bench, &args.fleet, &mut out, &mut goals)?;
        }
    }
    if section("real-node") {
        let config = Config {
            latency,
            real_pods: true,
            ..Config::default()
        };
        let bench = Bench::start(binary, config, "real", args.real_runs)?;
        real_node(&bench, &args.real_fleet, &mut out, &mut goals)?;
    }
    report::targets(&mut out, &goals);
    let _ = writeln!(
        out,
        "{} runs per figure after a warm-up ({} on the real node; median, min–max), {} ms added to every request at the proxy; the whole run took {:.0} s.",
        args.runs,
        args.real_runs,
        args.latency_ms,
        started.elapsed().as_secs_f64()
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("latest.md"), &out)?;
    print!("{out}");
    Ok(())
}

fn max_of(samples: &[Sample], f: impl Fn(&Sample) -> usize) -> usize {
    samples.iter().map(f).max().unwrap_or_default()
}

/// `create --no-wait` for each Service type, beside `kubectl apply --server-side` of the
/// same objects (`create --dry-run --show-secrets`).
fn create(b: &Bench, out: &mut String, goals: &mut Vec<Target>) -> anyhow::Result<()> {
    eprintln!("create");
    let mut pairs = Vec::new();
    for ty in ["NodePort", "LoadBalancer", "ClusterIP"] {
        let short = ty.to_lowercase();
        let name = |i: usize| format!("c-{short}-{i}");
        let ours = b.samples(
            &format!("`k0smotron create NAME --no-wait --service-type {ty}`"),
            |_| Ok(()),
            |i| b.k0smotron(&["create", &name(i), "--no-wait", "--service-type", ty]),
            |i| b.delete(&name(i)),
        )?;
        let file = |i: usize| b.home.0.join(format!("k-{short}-{i}.yaml"));
        let theirs = b.samples(
            "`kubectl apply --server-side -f` of its `--dry-run --show-secrets` output",
            |i| {
                let yaml = b.just(b.k0smotron(&[
                    "create",
                    &format!("k-{short}-{i}"),
                    "--dry-run",
                    "--show-secrets",
                    "--service-type",
                    ty,
                ]))?;
                Ok(std::fs::write(file(i), yaml)?)
            },
            |i| {
                let f = file(i);
                b.kubectl(&[
                    "apply",
                    "--server-side",
                    "-f",
                    f.to_str().unwrap_or_default(),
                ])
            },
            |i| b.delete(&format!("k-{short}-{i}")),
        )?;
        let waves = max_of(&ours.samples, |s| s.waves);
        goals.push(Target {
            rule: format!("`create --no-wait` ({ty}) in at most 4 request waves"),
            measured: format!("{waves} waves"),
            met: waves <= 4,
        });
        pairs.push((ours, Some(theirs)));
    }
    report::table(out, "create", &pairs);
    Ok(())
}

/// `kubeconfig` beside `kubectl get secret NAME-kubeconfig`, `token worker` beside `kubectl
/// exec … k0s token create`, on one Ready control plane.
fn credentials(b: &Bench, out: &mut String, goals: &mut Vec<Target>) -> anyhow::Result<()> {
    eprintln!("kubeconfig and token");
    b.just(b.k0smotron(&["create", "cred", "--key-algorithm", "ecdsa-p256"]))?;
    let none = |_| Ok(());
    let kubeconfig = b.samples(
        "`k0smotron kubeconfig NAME`",
        none,
        |_| b.k0smotron(&["kubeconfig", "cred"]),
        none,
    )?;
    let secret = b.samples(
        "`kubectl get secret NAME-kubeconfig -o jsonpath='{.data.value}'`",
        none,
        |_| {
            b.kubectl(&[
                "get",
                "secret",
                "cred-kubeconfig",
                "-o",
                "jsonpath={.data.value}",
            ])
        },
        none,
    )?;
    let token = b.samples(
        "`k0smotron token worker NAME`",
        none,
        |_| b.k0smotron(&["token", "worker", "cred"]),
        none,
    )?;
    let exec = b.samples(
        "`kubectl exec kmc-NAME-0 -c controller -- k0s token create --role worker`",
        none,
        |_| {
            b.kubectl(&[
                "exec",
                "kmc-cred-0",
                "-c",
                "controller",
                "--",
                "k0s",
                "token",
                "create",
                "--role",
                "worker",
            ])
        },
        none,
    )?;
    let waves = max_of(&kubeconfig.samples, |s| s.waves);
    let execs = max_of(&kubeconfig.samples, |s| {
        s.log.count("create", "pods/exec") + s.log.count("get", "pods/exec")
    });
    goals.push(Target {
        rule: "`kubeconfig` in 1 wave and no exec".into(),
        measured: format!("{waves} wave(s), {execs} exec"),
        met: waves == 1 && execs == 0,
    });
    let token_waves = max_of(&token.samples, |s| {
        s.log.waves(|r| r.resource != "pods/exec")
    });
    goals.push(Target {
        rule: "`token worker` in at most 2 waves plus the exec".into(),
        measured: format!("{token_waves} wave(s) plus the exec"),
        met: token_waves <= 2,
    });
    let first: Vec<f64> = kubeconfig
        .samples
        .iter()
        .filter_map(|s| s.first_request)
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    let first = Spread::of(first);
    goals.push(Target {
        rule: "process start to first request under 20 ms (`kubeconfig`)".into(),
        measured: format!("{:.1} ms ({:.1}–{:.1})", first.median, first.min, first.max),
        met: first.median < 20.0,
    });
    report::table(
        out,
        "kubeconfig and join token (one Ready control plane)",
        &[(kubeconfig, Some(secret)), (token, Some(exec))],
    );
    b.delete("cred")
}

/// `delete --yes` beside `kubectl delete` of the same kinds by label.
fn delete(b: &Bench, out: &mut String, goals: &mut Vec<Target>) -> anyhow::Result<()> {
    eprintln!("delete");
    let make = |name: String| -> anyhow::Result<()> {
        b.just(b.k0smotron(&[
            "create",
            &name,
            "--no-wait",
            "--key-algorithm",
            "ecdsa-p256",
        ]))?;
        Ok(())
    };
    let ours = b.samples(
        "`k0smotron delete NAME --yes`",
        |i| make(format!("d-{i}")),
        |i| b.k0smotron(&["delete", &format!("d-{i}"), "--yes"]),
        |_| Ok(()),
    )?;
    let theirs = b.samples(
        "`kubectl delete statefulsets,services,configmaps,secrets,persistentvolumeclaims -l app.kubernetes.io/instance=NAME`",
        |i| make(format!("k-d-{i}")),
        |i| {
            b.kubectl(&[
                "delete",
                "statefulsets,services,configmaps,secrets,persistentvolumeclaims",
                "-l",
                &format!("app.kubernetes.io/instance=k-d-{i}"),
            ])
        },
        |i| b.delete(&format!("k-d-{i}")),
    )?;
    // Deletes per kind: one collection delete each, whatever the number of objects.
    let per_kind = |s: &Sample| {
        let mut kinds = std::collections::BTreeMap::<String, usize>::new();
        for r in &s.log.requests {
            if r.verb == "delete" || r.verb == "deletecollection" {
                *kinds.entry(r.resource.clone()).or_default() += 1;
            }
        }
        kinds
    };
    let first = per_kind(&ours.samples[0]);
    let constant = ours.samples.iter().all(|s| per_kind(s) == first);
    let shown: Vec<String> = first.iter().map(|(k, n)| format!("{k} {n}")).collect();
    goals.push(Target {
        rule: "`delete`: a constant number of delete requests per kind".into(),
        measured: format!(
            "{} in every run{}",
            shown.join(", "),
            if constant { "" } else { " (varied)" }
        ),
        met: constant && first.values().all(|&n| n <= 2),
    });
    report::table(out, "delete (one control plane)", &[(ours, Some(theirs))]);
    Ok(())
}

/// `list -A` beside `kubectl get … -A -l`, with more and more control planes present.
fn list(
    b: &Bench,
    fleet: &[usize],
    out: &mut String,
    goals: &mut Vec<Target>,
) -> anyhow::Result<()> {
    eprintln!("list");
    let mut pairs = Vec::new();
    let mut present = 0;
    let mut requests = Vec::new();
    let mut last = None;
    for &n in fleet {
        let t = Instant::now();
        populate::add(&b.binary, &b.ms, present, n)?;
        let settled = populate::settle(
            &b.ms,
            2 * n,
            populate::Settled::Running,
            Duration::from_secs(300),
        )?;
        eprintln!(
            "  {n} control planes written in {:.1} s, pods Running {:.1} s later",
            (t.elapsed() - settled).as_secs_f64(),
            settled.as_secs_f64()
        );
        present = n;
        let ours = b.samples(
            &format!("`k0smotron list -A` ({n} control planes)"),
            |_| Ok(()),
            |_| b.k0smotron(&["list", "-A"]),
            |_| Ok(()),
        )?;
        let rows = ours.samples[0].stdout.lines().count().saturating_sub(1);
        if rows != n {
            bail!("list -A printed {rows} rows with {n} control planes present");
        }
        let theirs = b.samples(
            &format!("`kubectl get statefulsets,services,configmaps,pods -A -l app.kubernetes.io/managed-by=k0smotron` ({n})"),
            |_| Ok(()),
            |_| {
                b.kubectl(&[
                    "get",
                    "statefulsets,services,configmaps,pods",
                    "-A",
                    "-l",
                    "app.kubernetes.io/managed-by=k0smotron",
                ])
            },
            |_| Ok(()),
        )?;
        requests.push((
            max_of(&ours.samples, |s| s.requests),
            max_of(&ours.samples, |s| s.waves),
        ));
        last = Some((
            n,
            report::wall(&ours.samples).median / report::wall(&theirs.samples).median,
            Spread::of(ours.samples.iter().map(|s| s.peak_rss_kib as f64 / 1024.0)).max,
        ));
        pairs.push((ours, Some(theirs)));
    }
    if let Some((n, ratio, rss)) = last {
        goals.push(Target {
            rule: format!("`list -A` at {n} control planes at most 1.2 × the kubectl listing"),
            measured: format!("{ratio:.2} ×"),
            met: ratio <= 1.2,
        });
        goals.push(Target {
            rule: format!("peak memory of `list -A` at {n} under 50 MiB"),
            measured: format!("{rss:.1} MiB"),
            met: rss < 50.0,
        });
    }
    // Each control plane has two StatefulSets, two Services and two pods: every kind fits
    // one page of `list` (250) up to 125 control planes; beyond, pages are read side by side.
    let one_page: Vec<(usize, (usize, usize))> = fleet
        .iter()
        .copied()
        .zip(requests.iter().copied())
        .filter(|(n, _)| 2 * n <= 250)
        .collect();
    goals.push(Target {
        rule: "`list -A`: 4 requests in 1 wave while every kind fits one page (up to 125 control planes)".into(),
        measured: one_page
            .iter()
            .map(|(n, (r, w))| format!("{r} in {w} at {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        met: one_page.iter().all(|(_, rw)| *rw == (4, 1)),
    });
    report::table(out, "list", &pairs);
    Ok(())
}

/// On the real node (real etcd, the k0s stand-in or, with K0SMOTRON_TEST_K0S, real k0s):
/// `create` until the API is usable, and what control planes cost the mothership.
fn real_node(
    b: &Bench,
    fleet: &[usize],
    out: &mut String,
    goals: &mut Vec<Target>,
) -> anyhow::Result<()> {
    let real_k0s = std::env::var_os("K0SMOTRON_TEST_K0S").is_some();
    let k0s = if real_k0s { "real k0s" } else { "k0s stand-in" };
    eprintln!("real node ({k0s})");
    let mut rows = Vec::new();
    for (shape, extra) in [("etcd", &[][..]), ("kine", &["--storage", "kine"][..])] {
        let name = |i: usize| format!("u-{shape}-{i}");
        let row = b.samples(
            &format!("`k0smotron create NAME` ({shape}, {k0s}) until its API is usable"),
            |_| Ok(()),
            |i| {
                let mut cmd = b.k0smotron(&["create", &name(i), "--timeout", "5m"]);
                cmd.args(extra);
                cmd
            },
            |i| b.delete(&name(i)),
        )?;
        let median = report::wall(&row.samples).median / 1000.0;
        goals.push(Target {
            rule: format!("`create` ({shape}, {k0s}) to a usable API in seconds (under 30 s)"),
            measured: format!("{median:.1} s"),
            met: median < 30.0,
        });
        rows.push((row, None));
    }
    report::table(
        out,
        &format!("create until the API is usable (real node, {k0s})"),
        &rows,
    );

    let mut table = footprint::Table::new(k0s);
    for (shape, extra) in [("etcd", &[][..]), ("kine", &["--storage", "kine"][..])] {
        let name = format!("f-{shape}");
        let mut cmd = b.k0smotron(&["create", &name, "--timeout", "5m"]);
        cmd.args(extra);
        b.just(cmd)?;
        eprintln!("  footprint of one control plane ({shape})");
        for (state, costs) in footprint::one(&b.ms, &name, &b.home.0)? {
            table.row(&format!("1, {shape}"), &state, 1, &costs);
        }
        b.delete(&name)?;
    }
    if real_k0s {
        table.note("Fleets skipped: real k0s in every controller pod would not fit two cores");
    } else {
        let mut present = 0;
        for &n in fleet {
            populate::add(&b.binary, &b.ms, present, n)?;
            present = n;
            let took = populate::settle(
                &b.ms,
                2 * n,
                populate::Settled::Ready,
                Duration::from_secs(900),
            )?;
            eprintln!("  {n} control planes Ready in {:.0} s", took.as_secs_f64());
            let costs = footprint::fleet(&b.ms)?;
            table.row(&format!("{n}, etcd"), "idle", n, &costs);
        }
        for i in 0..present {
            b.delete(&format!("fleet-{i:03}"))?;
        }
    }
    table.write(out, goals);
    Ok(())
}
