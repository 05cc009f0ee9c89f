//! The engine: the handle table, the private runtime, process-wide options, the protocol
//! registry, and the handle lifecycle (create, enter, close, finalize).

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::runtime::{Runtime, RuntimeFlavor};

use crate::consts::*;
use crate::node::{Node, NodeRef, Session, lock};
use crate::ops::{HandleOps, NoOps};
use crate::options::{self, GlobalOptions, HandleFacts, OptionInput, OptionValue};
use crate::registry::Registry;
use crate::status::{SharedCallback, StatusEvent};
use crate::table::Table;
use crate::{Error, Handle, HandleKind, Result};

thread_local! {
    /// Set while this thread runs a future on the engine's blocking runtime (see
    /// [`Engine::block_on`]).
    static DRIVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set while this thread polls a call once in the blocking runtime's context before
    /// blocking (see [`Engine::poll_once`]).
    static POLLING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is running a blocking call for its own caller: driving the blocking
/// runtime, or polling a call once before that. Waiting briefly on local file I/O here
/// delays only that caller (and other blocking calls queued on the same runtime), never a
/// worker that async sessions share, so leaves read and write local files in place then,
/// without a trip to tokio's blocking pool and back per piece.
pub fn on_caller_thread() -> bool {
    DRIVING.get() || POLLING.get()
}

/// Resets a thread-local flag when dropped.
struct Unset(&'static std::thread::LocalKey<std::cell::Cell<bool>>);

impl Drop for Unset {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

struct Shared {
    table: Arc<Table>,
    runtime: OnceLock<Runtime>,
    blocking: OnceLock<Runtime>,
    globals: Mutex<GlobalOptions>,
    registry: Registry,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last engine reference may go away inside an async context (a test's runtime, a
        // task): shut the private runtime down without blocking.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        if let Some(rt) = self.blocking.take() {
            rt.shutdown_background();
        }
    }
}

/// The engine. Cheap to clone; every clone is the same engine.
///
/// [`Engine::global`] is the process-wide instance the C front door and the Rust API use by
/// default; tests may make their own with [`Engine::new`] to observe an isolated handle table.
#[derive(Clone)]
pub struct Engine(Arc<Shared>);

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("live_handles", &self.0.table.len())
            .finish_non_exhaustive()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// Parameters of InternetOpen.
#[derive(Debug, Clone, Default)]
pub struct OpenParams {
    /// The User-Agent (`None` = no agent).
    pub agent: Option<String>,
    /// `INTERNET_OPEN_TYPE_*`.
    pub access_type: u32,
    /// Proxy list, for `INTERNET_OPEN_TYPE_PROXY`.
    pub proxy: Option<String>,
    /// Proxy bypass list.
    pub proxy_bypass: Option<String>,
    /// `INTERNET_FLAG_*` (ASYNC, ...).
    pub flags: u32,
}

/// Parameters of a child handle.
#[derive(Debug, Clone)]
pub struct ChildParams {
    /// Its kind.
    pub kind: HandleKind,
    /// Its context value (0 = no notifications).
    pub context: usize,
    /// Its `INTERNET_FLAG_*` flags.
    pub flags: u32,
}

impl Engine {
    /// A new, empty engine with its own handle table.
    pub fn new() -> Engine {
        Engine(Arc::new(Shared {
            table: Arc::new(Table::default()),
            runtime: OnceLock::new(),
            blocking: OnceLock::new(),
            globals: Mutex::new(GlobalOptions::default()),
            registry: Registry::default(),
        }))
    }

    /// The process-wide engine.
    pub fn global() -> &'static Engine {
        static GLOBAL: OnceLock<Engine> = OnceLock::new();
        GLOBAL.get_or_init(Engine::new)
    }

    /// The handle table.
    pub fn table(&self) -> &Table {
        &self.0.table
    }

    /// The protocol registry.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }

    /// The private multi-thread runtime that runs async-mode operations (and sends their
    /// REQUEST_COMPLETE from its workers).
    pub fn runtime(&self) -> &Runtime {
        self.0.runtime.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .thread_name("hinternet-worker")
                .enable_all()
                .build()
                .expect("the engine runtime starts")
        })
    }

    /// The current-thread runtime blocking calls run on. It is driven by the calling thread
    /// itself while it waits: the caller polls its own sockets and timers, as a blocking
    /// socket would, with no hand-over to a worker thread and back per wait. Several threads
    /// may block at once: one drives the I/O, the others are woken by it (and take over when
    /// it returns).
    fn blocking_runtime(&self) -> &Runtime {
        self.0.blocking.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the engine's blocking runtime starts")
        })
    }

    /// Runs a future to completion on the calling thread, on the blocking runtime (see
    /// `blocking_runtime`): what synchronous sessions' calls and the blocking Rust API use.
    /// Safe to call from inside any tokio runtime: on a multi-thread runtime the worker is
    /// handed over with `block_in_place`; on a current-thread runtime the future runs on a
    /// helper thread while the caller waits.
    ///
    /// A blocking call made from a status callback *during* a blocking call on the same thread
    /// (the blocking runtime is then busy further up the stack) is tried at once and, if it
    /// must wait, runs on a helper thread on the worker runtime. It then cannot use a
    /// connection of a synchronous session (only the blocked caller drives those): such a
    /// wait ends with its timeout (docs/compatibility.md, "Blocking calls from callbacks").
    pub fn block_on<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        if DRIVING.get() {
            let mut fut = std::pin::pin!(fut);
            let rt = self.runtime();
            {
                let _enter = rt.enter();
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                    return v;
                }
            }
            return on_helper_thread(|| rt.block_on(fut));
        }
        if POLLING.get() {
            // Inside `poll_once`: only the handle is set, no runtime runs.
            return self.drive(fut);
        }
        match tokio::runtime::Handle::try_current() {
            Err(_) => self.drive(fut),
            Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| self.drive(fut))
            }
            Ok(_) => on_helper_thread(|| self.drive(fut)),
        }
    }

    /// Polls a blocking call once on the calling thread, in the blocking runtime's context:
    /// `Some` when it finished (reads of buffered data, find-next over a stored listing), `None`
    /// when it must wait (then [`block_on`](Self::block_on) it) or when this thread cannot
    /// poll it here (inside a runtime or a blocking call already).
    pub fn poll_once<F: Future>(&self, fut: std::pin::Pin<&mut F>) -> Option<F::Output> {
        if DRIVING.get() || POLLING.get() || tokio::runtime::Handle::try_current().is_ok() {
            return None;
        }
        let _enter = self.blocking_runtime().enter();
        POLLING.set(true);
        let _unset = Unset(&POLLING);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match fut.poll(&mut cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        }
    }

    /// Runs `fut` on the blocking runtime on this thread (outside any runtime context).
    fn drive<F: Future>(&self, fut: F) -> F::Output {
        DRIVING.set(true);
        let _unset = Unset(&DRIVING);
        self.blocking_runtime().block_on(fut)
    }

    /// Runs releases without waiting for them: an async session's on the worker runtime, a
    /// synchronous session's on a helper thread that drives the blocking runtime (its
    /// connections live there).
    fn release_detached(&self, ready: Vec<Arc<Node>>) {
        let sync = ready.first().is_some_and(|n| !n.session().is_async());
        let fut = finalize_all(ready);
        if !sync {
            self.runtime().spawn(fut);
            return;
        }
        let engine = self.clone();
        let mut fut = Box::pin(fut);
        {
            let _enter = self.blocking_runtime().enter();
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            if fut.as_mut().poll(&mut cx).is_ready() {
                return;
            }
        }
        let spawned = std::thread::Builder::new()
            .name("hinternet-close".into())
            .spawn(move || engine.block_on(fut));
        if let Err(e) = spawned {
            tracing::warn!("cannot start a thread to release closed handles: {e}");
        }
    }

    /// InternetOpen: creates a root handle.
    pub fn open_root(&self, p: OpenParams) -> Result<Handle> {
        if p.access_type == INTERNET_OPEN_TYPE_PROXY && p.proxy.is_none() {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        let mut options = lock(&self.0.globals).defaults.clone();
        options.user_agent = p.agent;
        options.proxy = options::ProxyInfo {
            access_type: p.access_type,
            proxy: p.proxy,
            bypass: p.proxy_bypass,
        };
        let handle = self.0.table.allocate()?;
        let node = Arc::new(Node::new(
            handle,
            HandleKind::Internet,
            None,
            Session::new(p.flags & INTERNET_FLAG_ASYNC != 0),
            Arc::clone(&self.0.table),
            0,
            p.flags,
            Arc::new(options),
            None,
        ));
        let _ = node.ops.set(Arc::new(NoOps));
        self.0.table.publish(node);
        Ok(handle)
    }

    /// Starts a call on a handle: the handle stays alive (its resources are not released and
    /// HANDLE_CLOSING is not sent) until the returned [`Call`] is dropped or finished.
    /// `ERROR_INVALID_HANDLE` for 0, unknown, stale or closed values.
    pub fn enter(&self, raw: u64) -> Result<Call> {
        let node = self.0.table.get(raw)?;
        let ok = node.acquire();
        let call = Call {
            node,
            engine: self.clone(),
            armed: true,
        };
        if ok {
            Ok(call)
        } else {
            drop(call);
            Err(Error::new(ERROR_INVALID_HANDLE))
        }
    }

    /// Like [`enter`](Self::enter), then checks the kind: `ERROR_INTERNET_INCORRECT_HANDLE_TYPE`
    /// when `accept` rejects it. Native WinINet checks the handle type before the parameters.
    pub fn enter_kind(&self, raw: u64, accept: impl FnOnce(HandleKind) -> bool) -> Result<Call> {
        let call = self.enter(raw)?;
        if accept(call.node.kind) {
            Ok(call)
        } else {
            Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))
        }
    }

    /// Creates a child of the handle `parent` is a call on. The child copies the parent's
    /// options and callback (copy-on-create); `make` builds its protocol object from a weak
    /// reference to the new node. Sends HANDLE_CREATED through the parent's callback.
    pub fn create_child(
        &self,
        parent: &Call,
        p: ChildParams,
        make: impl FnOnce(NodeRef) -> Arc<dyn HandleOps>,
    ) -> Result<Handle> {
        let pnode = &parent.node;
        let handle = self.0.table.allocate()?;
        let node = Arc::new(Node::new(
            handle,
            p.kind,
            Some(Arc::clone(pnode)),
            Arc::clone(&pnode.session),
            Arc::clone(&self.0.table),
            p.context,
            p.flags,
            pnode.options(),
            pnode.current_callback(),
        ));
        let _ = node.ops.set(make(node.weak()));
        let attached = {
            let mut children = lock(&pnode.children);
            let ok = pnode.acquire();
            if ok {
                children.push(Arc::clone(&node));
            }
            ok
        };
        if !attached {
            // The parent is closing; it cannot reach zero while `parent` is held.
            pnode.release();
            self.0.table.free(handle);
            return Err(Error::new(ERROR_INVALID_HANDLE));
        }
        self.0.table.publish(Arc::clone(&node));
        pnode.notify_created(handle, p.context);
        Ok(handle)
    }

    /// The node behind a live handle (for front doors that need its header).
    pub fn node(&self, raw: u64) -> Result<Arc<Node>> {
        self.0.table.get(raw)
    }

    /// InternetCloseHandle: the handle and all its descendants become invalid at once, their
    /// pending operations are cancelled, and HANDLE_CLOSING is sent for each (children before
    /// parents) once the last call on it has ended. Runs the releases that can happen now on the
    /// calling thread before returning.
    ///
    /// From a status callback during a blocking call on the same thread, what can be released
    /// at once is, and the rest (an FTP transfer to abort) finishes on a helper thread.
    pub fn close(&self, raw: u64) -> Result<()> {
        let ready = self.begin_close(raw)?;
        if ready.is_empty() {
            return Ok(());
        }
        if DRIVING.get() {
            self.release_detached(ready);
        } else {
            // Most releases finish at once (a connection back to its pool): no runtime entry.
            let mut fut = std::pin::pin!(finalize_all(ready));
            if self.poll_once(fut.as_mut()).is_none() {
                self.block_on(fut);
            }
        }
        Ok(())
    }

    /// [`close`](Self::close) for async callers.
    pub async fn close_async(&self, raw: u64) -> Result<()> {
        let ready = self.begin_close(raw)?;
        finalize_all(ready).await;
        Ok(())
    }

    /// Closes without waiting for resources to be released (for `Drop`): the releases run in
    /// the background (see `release_detached`).
    pub fn close_detached(&self, raw: u64) -> Result<()> {
        let ready = self.begin_close(raw)?;
        if !ready.is_empty() {
            self.release_detached(ready);
        }
        Ok(())
    }

    fn begin_close(&self, raw: u64) -> Result<Vec<Arc<Node>>> {
        let node = self.0.table.get(raw)?;
        if !node.mark_closed() {
            return Err(Error::new(ERROR_INVALID_HANDLE));
        }
        let mut order = Vec::new();
        collect_subtree(&node, &mut order);
        for n in &order {
            self.0.table.unpublish(n.handle);
            n.cancel.cancel();
        }
        Ok(order.into_iter().filter(|n| n.release()).collect())
    }

    /// InternetSetStatusCallback: installs (or with `None` removes) the callback; returns the
    /// previous one.
    pub fn set_callback(
        &self,
        raw: u64,
        callback: Option<SharedCallback>,
    ) -> Result<Option<SharedCallback>> {
        let call = self.enter(raw)?;
        let prev = std::mem::replace(&mut *lock(&call.node.callback), callback);
        Ok(prev)
    }

    /// The callback installed on a handle.
    pub fn callback(&self, raw: u64) -> Result<Option<SharedCallback>> {
        let call = self.enter(raw)?;
        Ok(call.node.current_callback())
    }

    /// InternetQueryOption. `None` is the NULL handle (process-wide values).
    pub fn query_option(&self, raw: Option<u64>, option: u32) -> Result<OptionValue> {
        let Some(raw) = raw else {
            return options::query_global(&lock(&self.0.globals), option);
        };
        let call = self.enter(raw)?;
        let node = &call.node;
        if let Some(answer) = node.ops().query_option(option) {
            return answer;
        }
        let facts = HandleFacts {
            kind: node.kind,
            parent: node.parent.as_ref().map(|p| p.handle),
            context: node.context() as u64,
        };
        node.with_options(|o| options::query_handle(o, &facts, option))
    }

    /// InternetSetOption. `None` is the NULL handle (process-wide values).
    ///
    /// INTERNET_OPTION_END_BROWSER_SESSION, once accepted, is passed on to every registered
    /// protocol ([`Protocol::end_browser_session`](crate::registry::Protocol)) with the
    /// session of the handle's root (`None` for the NULL handle).
    pub fn set_option(&self, raw: Option<u64>, option: u32, input: &OptionInput<'_>) -> Result<()> {
        self.set_option_inner(raw, option, input)?;
        if option == INTERNET_OPTION_END_BROWSER_SESSION {
            let session = match raw {
                Some(raw) => Some(Arc::clone(self.node(raw)?.session())),
                None => None,
            };
            for protocol in self.registry().protocols() {
                protocol.end_browser_session(session.as_deref());
            }
        }
        Ok(())
    }

    fn set_option_inner(
        &self,
        raw: Option<u64>,
        option: u32,
        input: &OptionInput<'_>,
    ) -> Result<()> {
        let Some(raw) = raw else {
            return options::set_global(&mut lock(&self.0.globals), option, input);
        };
        let call = self.enter(raw)?;
        let node = &call.node;
        if option == INTERNET_OPTION_CONTEXT_VALUE {
            return match input {
                OptionInput::Bytes(b) if b.len() == std::mem::size_of::<usize>() => {
                    let mut v = [0u8; std::mem::size_of::<usize>()];
                    v.copy_from_slice(b);
                    node.context.store(
                        usize::from_le_bytes(v),
                        std::sync::atomic::Ordering::Release,
                    );
                    Ok(())
                }
                _ => Err(Error::new(ERROR_INVALID_PARAMETER)),
            };
        }
        if let Some(answer) = node.ops().set_option(option, input) {
            return answer;
        }
        let kind = node.kind;
        node.update_options(|o| options::set_handle(o, kind, option, input))
    }

    /// The process-wide options (NULL handle).
    pub fn globals(&self) -> GlobalOptions {
        lock(&self.0.globals).clone()
    }

    /// Reads the process-wide options without copying them.
    pub fn with_globals<R>(&self, f: impl FnOnce(&GlobalOptions) -> R) -> R {
        f(&lock(&self.0.globals))
    }
}

fn collect_subtree(node: &Arc<Node>, out: &mut Vec<Arc<Node>>) {
    let children = lock(&node.children).clone();
    for child in children {
        if child.mark_closed() {
            collect_subtree(&child, out);
        }
    }
    out.push(Arc::clone(node));
}

/// Runs `f` on a scoped helper thread and waits for it (a panic in it is resumed here).
fn on_helper_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

async fn finalize_all(ready: Vec<Arc<Node>>) {
    for n in ready {
        finalize(n).await;
    }
}

/// Releases a closed node whose last unit is gone: its protocol object is closed, HANDLE_CLOSING
/// is sent, its slot is freed, and its parent loses a child (and is finalized in turn when that
/// was its last unit).
async fn finalize(mut node: Arc<Node>) {
    loop {
        if let Some(ops) = node.ops.get() {
            ops.close().await;
        }
        let h = node.handle;
        node.notify(|| StatusEvent::HandleClosing(h));
        node.table.free(h);
        let Some(parent) = node.parent.clone() else {
            return;
        };
        lock(&parent.children).retain(|c| !Arc::ptr_eq(c, &node));
        if !parent.release() {
            return;
        }
        node = parent;
    }
}

/// An in-flight call on a handle (see [`Engine::enter`]).
pub struct Call {
    node: Arc<Node>,
    engine: Engine,
    armed: bool,
}

impl Call {
    /// The handle's node.
    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.node.handle
    }

    /// The handle's protocol object.
    pub fn ops(&self) -> &Arc<dyn HandleOps> {
        self.node.ops()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Ends the call; if the handle was closed meanwhile and this was the last thing keeping
    /// it, releases it here (in the caller's task) rather than on a spawned one.
    pub async fn finish(mut self) {
        self.armed = false;
        if self.node.release() {
            finalize(Arc::clone(&self.node)).await;
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if self.armed && self.node.release() {
            let node = Arc::clone(&self.node);
            if tokio::runtime::Handle::try_current().is_err() && !DRIVING.get() {
                self.engine.block_on(finalize(node));
            } else {
                self.engine.release_detached(vec![node]);
            }
        }
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("node", &self.node).finish()
    }
}
