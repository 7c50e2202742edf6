//! Failures and the exit codes they map to.

/// A failure a command reports; the variant decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Invalid input or usage; nothing was written. Exit 2.
    #[error("{0}")]
    Usage(String),
    /// The operation failed. Exit 1.
    #[error("{0}")]
    Failed(String),
    /// A wait timed out; objects were written. Exit 3.
    #[error("{0}")]
    TimedOut(String),
    /// Ctrl-C; the message says what was left. Exit 130, as shells report SIGINT.
    #[error("{0}")]
    Interrupted(String),
    /// Already reported to the user (a checklist with failures); exit with this code.
    #[error("")]
    Reported(u8),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Failed(_) => 1,
            Failure::TimedOut(_) => 3,
            Failure::Interrupted(_) => 130,
            Failure::Reported(code) => *code,
        }
    }
}
