//! One measured run of a command: wall time, CPU time and peak memory of the process (from
//! wait4), and what the proxy's request log saw while it ran.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mothership::{Mothership, RequestLog};

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
pub fn measure(ms: &Mothership, mut cmd: Command) -> anyhow::Result<Sample> {
    ms.reset_requests();
    let clock = ms.request_clock();
    let started = Instant::now();
    let mut child = cmd
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
    // wait4 rather than Child::wait: it also hands back the child's resource usage.
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if reaped != pid {
        bail!("wait4 {pid}: {}", std::io::Error::last_os_error());
    }
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let exit = ExitStatus::from_raw(status);
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
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        peak_rss_kib: usage.ru_maxrss as u64,
        requests: log.total(),
        waves: log.waves(|_| true),
        first_request,
        stdout,
        log,
    })
}
