//! One measured run of a command: wall time, CPU time and peak memory of the process (from
//! wait4), and what the proxy's request log saw while it ran.
//!
//! The command runs under a small intermediate (this binary again, see [`intermediate`]):
//! Linux keeps the highest resident size of a process across fork and execve, so a command
//! started by the bench itself, which holds the harness and its request log, would report
//! at least the bench's own size as its peak (300 MiB during the listing runs). Started from
//! the intermediate, it starts from the intermediate's few MiB.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mothership::{Mothership, RequestLog};

/// Set on the intermediate: where it writes the command's wait status and resource usage.
const USAGE_FILE: &str = "K0SMOTRON_BENCH_USAGE_FILE";

/// The command's wait status and usage, as the intermediate reaped it.
struct Usage {
    status: i32,
    cpu: Duration,
    peak_rss_kib: u64,
}

/// Run as the intermediate if this process is one: start the command given as arguments
/// with the same stdio, reap it with wait4, write its status and usage where the bench
/// said, and exit. Called first thing in `main`, before the bench grows.
pub fn intermediate() {
    let Some(file) = std::env::var_os(USAGE_FILE) else {
        return;
    };
    let mut args = std::env::args_os().skip(1);
    let program = args.next().unwrap_or_default();
    let code = match Command::new(&program)
        .args(args)
        .env_remove(USAGE_FILE)
        .spawn()
    {
        Ok(child) => {
            let (status, usage) = wait4(child.id() as libc::pid_t);
            let line = format!(
                "{status} {} {}\n",
                usage.ru_maxrss,
                (timeval(usage.ru_utime) + timeval(usage.ru_stime)).as_micros()
            );
            if let Err(e) = std::fs::write(&file, line) {
                eprintln!("bench intermediate: writing {}: {e}", file.display());
                1
            } else {
                ExitStatus::from_raw(status).code().unwrap_or(1)
            }
        }
        Err(e) => {
            eprintln!("bench intermediate: starting {}: {e}", program.display());
            1
        }
    };
    std::process::exit(code);
}

/// wait4 rather than Child::wait: it also hands back the child's resource usage.
fn wait4(pid: libc::pid_t) -> (i32, libc::rusage) {
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return (status, usage);
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return (-1, usage);
        }
    }
}

/// `cmd` as run under the intermediate, writing to `file`.
fn under_intermediate(cmd: &Command, file: &std::path::Path) -> anyhow::Result<Command> {
    let mut wrapped = Command::new(std::env::current_exe().context("the bench's own path")?);
    wrapped.env(USAGE_FILE, file).arg(cmd.get_program());
    wrapped.args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => wrapped.env(key, v),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    Ok(wrapped)
}

fn read_usage(file: &std::path::Path) -> anyhow::Result<Usage> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("the intermediate's report {}", file.display()))?;
    let _ = std::fs::remove_file(file);
    let fields: Vec<i64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("the intermediate's report: {text:?}"))?;
    let [status, rss, cpu_us] = fields[..] else {
        bail!("the intermediate's report: {text:?}");
    };
    Ok(Usage {
        status: status as i32,
        cpu: Duration::from_micros(cpu_us as u64),
        peak_rss_kib: rss as u64,
    })
}

#[derive(Debug, Clone)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
    pub requests: usize,
    pub waves: usize,
    /// From the process's start to the first request the proxy saw.
    pub first_request: Option<Duration>,
    pub stdout: String,
    pub log: RequestLog,
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// Run `cmd` to completion, which must succeed, and measure it.
pub fn measure(ms: &Mothership, cmd: Command) -> anyhow::Result<Sample> {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "k0smotron-bench-{}-{}.usage",
        std::process::id(),
        RUN.fetch_add(1, Ordering::SeqCst)
    ));
    let mut wrapped = under_intermediate(&cmd, &file)?;
    ms.reset_requests();
    let clock = ms.request_clock();
    let started = Instant::now();
    let mut child = wrapped
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let mut out = child.stdout.take().context("stdout")?;
    let mut err = child.stderr.take().context("stderr")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    child
        .wait()
        .with_context(|| format!("waiting for {cmd:?}"))?;
    let wall = started.elapsed();
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let usage = read_usage(&file).with_context(|| format!("{cmd:?}:\n{stderr}"))?;
    let exit = ExitStatus::from_raw(usage.status);
    if !exit.success() {
        bail!("{cmd:?} failed ({exit}):\n{stderr}");
    }
    let log = ms.requests();
    let first_request = log
        .requests
        .iter()
        .map(|r| r.start_ms)
        .min()
        .map(|ms| (clock + Duration::from_millis(ms)).saturating_duration_since(started));
    Ok(Sample {
        wall,
        cpu: usage.cpu,
        peak_rss_kib: usage.peak_rss_kib,
        requests: log.total(),
        waves: log.waves(|_| true),
        first_request,
        stdout,
        log,
    })
}
