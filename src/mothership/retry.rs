//! Bounded retries: every request through the client's retry layer, plus asking again
//! after a dropped connection for requests that change nothing (access reviews).
//!
//! The layer repeats a request only when repeating cannot do harm: any request the server
//! turned away without doing it (429, 503), and reads after a server error (500, 502, 504)
//! or a dropped connection. A write whose answer was lost is not repeated: it may have
//! happened, and each command's own rerun rules finish the job instead.

use std::future::Future;
use std::time::Duration;

use http::{Method, Request, Response};
use kube::client::Body;
use tower::BoxError;

use super::MothershipError;

/// Attempts in all, and the pause before the second; each pause doubles.
const ATTEMPTS: u32 = 3;
const FIRST_PAUSE: Duration = Duration::from_millis(200);
/// A longer Retry-After than this is shortened: a command-line tool should not hang.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(10);

/// The client's retry policy (a `tower::retry::Policy`); tower clones it per request, so
/// the count starts afresh for each.
#[derive(Clone)]
pub struct Policy {
    attempt: u32,
    pause: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            attempt: 1,
            pause: FIRST_PAUSE,
        }
    }
}

/// What a failed attempt allows, from the request and what came back.
fn decide(method: &Method, upgrade: bool, outcome: Result<u16, &str>) -> bool {
    let read = (method == Method::GET || method == Method::HEAD) && !upgrade;
    match outcome {
        Ok(429 | 503) => true,
        Ok(500 | 502 | 504) => read,
        Ok(_) => false,
        Err(chain) => read && super::error::is_dropped(&chain.to_lowercase()),
    }
}

fn retry_after<B>(resp: &Response<B>) -> Option<Duration> {
    let secs: u64 = resp
        .headers()
        .get("Retry-After")?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(LONGEST_RETRY_AFTER))
}

impl<B> tower::retry::Policy<Request<Body>, Response<B>, BoxError> for Policy {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        req: &mut Request<Body>,
        result: &mut Result<Response<B>, BoxError>,
    ) -> Option<Self::Future> {
        if self.attempt >= ATTEMPTS {
            return None;
        }
        let upgrade = req.headers().contains_key(http::header::UPGRADE);
        let (outcome, server_pause) = match result {
            Ok(resp) => (Ok(resp.status().as_u16()), retry_after(resp)),
            Err(e) => (Err(super::error::chain(e.as_ref()).join(": ")), None),
        };
        if !decide(
            req.method(),
            upgrade,
            outcome.as_ref().map(|c| *c).map_err(|e| e.as_str()),
        ) {
            return None;
        }
        let pause = server_pause.unwrap_or(self.pause);
        self.attempt += 1;
        self.pause *= 2;
        Some(tokio::time::sleep(pause))
    }

    fn clone_request(&mut self, req: &Request<Body>) -> Option<Request<Body>> {
        // Our bodies are whole JSON documents; a streamed body cannot be sent twice.
        let body = req.body().try_clone()?;
        let mut copy = Request::builder()
            .method(req.method().clone())
            .uri(req.uri().clone())
            .version(req.version())
            .body(body)
            .ok()?;
        *copy.headers_mut() = req.headers().clone();
        *copy.extensions_mut() = req.extensions().clone();
        Some(copy)
    }
}

/// Ask again after a dropped connection, for a request that changes nothing; the client's
/// layer has already handled the status codes worth repeating.
pub async fn side_effect_free<T, F, Fut>(mut request: F) -> Result<T, MothershipError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, MothershipError>>,
{
    let mut pause = FIRST_PAUSE;
    let mut attempt = 1;
    loop {
        match request().await {
            Err(MothershipError::Dropped { .. }) if attempt < ATTEMPTS => {
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_repeated_after_server_errors_and_drops_writes_only_when_turned_away() {
        let get = Method::GET;
        let post = Method::POST;
        let dropped = "error trying to connect: connection closed before message completed";
        assert!(decide(&get, false, Ok(500)));
        assert!(decide(&get, false, Ok(503)));
        assert!(decide(&get, false, Err(dropped)));
        assert!(!decide(&get, false, Ok(404)));
        assert!(!decide(&get, false, Ok(409)));
        assert!(!decide(
            &get,
            false,
            Err("tcp connect error: Connection refused")
        ));
        assert!(
            !decide(&get, true, Ok(500)),
            "an exec upgrade is not a read"
        );
        assert!(decide(&post, false, Ok(429)));
        assert!(decide(&post, false, Ok(503)));
        assert!(!decide(&post, false, Ok(500)));
        assert!(!decide(&post, false, Ok(504)));
        assert!(!decide(&post, false, Err(dropped)));
        assert!(!decide(&Method::PATCH, false, Ok(409)));
        assert!(!decide(&Method::DELETE, false, Ok(500)));
    }
}
