//! Bounded retries for requests that are safe to repeat (reads, access reviews).

use std::future::Future;
use std::time::Duration;

use super::MothershipError;

/// Attempts in all, and the pause before the second; each pause doubles.
const ATTEMPTS: u32 = 3;
const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// Run `request` until it succeeds, fails for good, or the attempts are used up.
pub async fn safe<T, F, Fut>(mut request: F) -> Result<T, MothershipError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, MothershipError>>,
{
    let mut pause = FIRST_PAUSE;
    let mut attempt = 1;
    loop {
        match request().await {
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}
