//! The simulator over HTTP/1.1 on loopback (hyper): one listener per instance.
//!
//! A dropped-connection fault really closes the socket; a never-answer fault keeps it open
//! (for at most [`NEVER_ANSWER_LIMIT`]); latency is waited asynchronously.

use crate::{InstanceConfig, Sim, SimFault, SimRequest, SimResponse};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How long a never-answered request keeps its connection open.
pub const NEVER_ANSWER_LIMIT: Duration = Duration::from_secs(600);

/// An instance served over HTTP.
pub struct RunningInstance {
    pub sim: Arc<Sim>,
    pub address: SocketAddr,
    task: JoinHandle<()>,
}

impl RunningInstance {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting connections.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for RunningInstance {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `127.0.0.1:port` (0 = any free port), sets the config's `base_url` to the bound
/// address, builds the instance and serves it on the current tokio runtime.
pub async fn start_instance(
    mut config: InstanceConfig,
    port: u16,
) -> std::io::Result<RunningInstance> {
    let listener = bind(port).await?;
    config.base_url = format!("http://{}", listener.local_addr()?);
    let sim = Arc::new(Sim::new(config));
    serve_on(listener, sim)
}

/// Binds `127.0.0.1:port` (0 = any free port).
pub async fn bind(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).await
}

/// Serves `sim` on a bound listener (its `base_url` should be the listener's address).
pub fn serve_on(listener: TcpListener, sim: Arc<Sim>) -> std::io::Result<RunningInstance> {
    let address = listener.local_addr()?;
    let task = tokio::spawn(accept_loop(listener, Arc::clone(&sim)));
    Ok(RunningInstance { sim, address, task })
}

/// Serves `sim` on an already bound listener until the task is aborted.
pub async fn accept_loop(listener: TcpListener, sim: Arc<Sim>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let sim = Arc::clone(&sim);
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(Arc::clone(&sim), request));
            // Errors here are a client going away or an injected drop: nothing to report.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    sim: Arc<Sim>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| std::io::Error::other(format!("reading the request body failed: {e}")))?
        .to_bytes();
    let url = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let sim_request = SimRequest {
        method: parts.method.as_str().to_ascii_uppercase(),
        url,
        headers,
        body: body.to_vec(),
    };
    let handled = tokio::task::spawn_blocking(move || sim.handle_timed(sim_request))
        .await
        .map_err(|e| std::io::Error::other(format!("the simulator failed: {e}")))?;
    if !handled.latency.is_zero() {
        tokio::time::sleep(handled.latency).await;
    }
    match handled.outcome {
        Ok(response) => Ok(to_http(response)),
        Err(SimFault::DropConnection) => Err(std::io::Error::other("connection dropped (fault)")),
        Err(SimFault::NeverAnswer) => {
            tokio::time::sleep(NEVER_ANSWER_LIMIT).await;
            Err(std::io::Error::other("never answered (fault)"))
        }
    }
}

fn to_http(response: SimResponse) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            let mut fallback = Response::new(Full::new(Bytes::from_static(b"invalid response")));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
}
