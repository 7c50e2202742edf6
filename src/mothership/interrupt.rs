//! Ctrl-C during a multi-step change: the first one is noted and the command stops at the
//! next step boundary (a wave of requests is never cut in half, so what was written is
//! known and can be undone); a second one stops at once.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::error::Failure;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static NOTIFY: Notify = Notify::const_new();

/// Take over SIGINT for the rest of the run. `second` is said before exiting on a second
/// Ctrl-C.
pub fn listen(second: String) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        INTERRUPTED.store(true, Ordering::SeqCst);
        NOTIFY.notify_waiters();
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted again: stopped at once; {second}");
            std::process::exit(130);
        }
    });
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Fails with `Failure::Interrupted` once Ctrl-C was pressed: call between steps.
pub fn checkpoint(doing: &str) -> Result<(), Failure> {
    if interrupted() {
        return Err(Failure::Interrupted(format!(
            "interrupted (Ctrl-C) {doing}"
        )));
    }
    Ok(())
}

/// Resolves when Ctrl-C is pressed (at once if it already was).
pub async fn pressed() {
    loop {
        let notified = NOTIFY.notified();
        if interrupted() {
            return;
        }
        notified.await;
    }
}
