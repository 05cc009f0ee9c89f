//! Private runtime threads for the `start_blocking` variants.

use std::future::Future;
use std::io;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

/// A tokio runtime running on its own thread. Dropping it (or calling [`stop`]) shuts the
/// runtime down, which drops every task spawned on it (and so closes their sockets), and
/// joins the thread.
///
/// [`stop`]: RuntimeThread::stop
#[derive(Debug)]
pub(crate) struct RuntimeThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RuntimeThread {
    /// Starts a runtime thread, runs `f` on it and hands back its result once it is ready.
    /// The runtime keeps running (serving whatever `f` spawned) until stopped.
    pub(crate) fn start<T, F, Fut>(name: &str, f: F) -> io::Result<(T, RuntimeThread)>
    where
        T: Send + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = io::Result<T>>,
    {
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<T>>();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let res = f().await;
                    let ok = res.is_ok();
                    let _ = ready_tx.send(res);
                    if ok {
                        let _ = stop_rx.await;
                    }
                });
                rt.shutdown_timeout(Duration::from_secs(2));
            })?;
        let mut this = RuntimeThread {
            stop: Some(stop_tx),
            thread: Some(thread),
        };
        match ready_rx.recv() {
            Ok(Ok(t)) => Ok((t, this)),
            Ok(Err(e)) => {
                this.stop();
                Err(e)
            }
            Err(_) => {
                this.stop();
                Err(io::Error::other(
                    "server runtime thread died while starting",
                ))
            }
        }
    }

    /// Like [`start`](Self::start), awaiting readiness without blocking the caller's runtime.
    pub(crate) async fn start_async<T, F, Fut>(name: &str, f: F) -> io::Result<(T, RuntimeThread)>
    where
        T: Send + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = io::Result<T>>,
    {
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || Self::start(&name, f))
            .await
            .map_err(io::Error::other)?
    }

    /// Shuts the runtime down (dropping all its tasks) and joins the thread. Idempotent.
    pub(crate) fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Like [`stop`](Self::stop), joining the thread without blocking the caller's runtime.
    pub(crate) async fn stop_async(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        self.stop();
    }
}
