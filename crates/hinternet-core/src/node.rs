//! A handle's node: the header every handle has (kind, parent, children, context, flags,
//! options, callback, state, in-flight count) plus its protocol object, and the per-handle
//! notification queue.

use std::any::{Any, TypeId};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use tokio_util::sync::CancellationToken;

use crate::ops::HandleOps;
use crate::options::Options;
use crate::status::{SharedCallback, StatusEvent};
use crate::table::Table;
use crate::{Handle, HandleKind};

/// The "closed" bit of a node's count; the rest counts what keeps the node alive: 1 while it is
/// open, 1 per in-flight call, 1 per child not yet gone.
pub(crate) const CLOSED: usize = 1 << (usize::BITS - 1);

/// Locks a mutex, ignoring poisoning: a panicking callback must not wedge the engine.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// State shared by every handle under one InternetOpen root.
pub struct Session {
    is_async: bool,
    /// A handful at most (pool, cookie store, credential caches): a list beats hashing a
    /// TypeId on every request.
    extensions: Mutex<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
}

impl Session {
    pub(crate) fn new(is_async: bool) -> Arc<Session> {
        Arc::new(Session {
            is_async,
            extensions: Mutex::new(Vec::new()),
        })
    }

    /// Whether the root was opened with INTERNET_FLAG_ASYNC.
    pub fn is_async(&self) -> bool {
        self.is_async
    }

    /// Per-root state of a leaf (a connection pool, a cookie jar), created on first use.
    pub fn extension<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        let mut list = lock(&self.extensions);
        let entry = match list.iter().position(|(t, _)| *t == id) {
            Some(i) => Arc::clone(&list[i].1),
            None => {
                let made: Arc<dyn Any + Send + Sync> = Arc::new(make());
                list.push((id, Arc::clone(&made)));
                made
            }
        };
        entry
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("extensions are keyed by TypeId"))
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("is_async", &self.is_async)
            .finish_non_exhaustive()
    }
}

struct Queued {
    callback: SharedCallback,
    handle: Handle,
    context: usize,
    event: StatusEvent,
}

#[derive(Default)]
struct NotifyQueue {
    items: VecDeque<Queued>,
    busy: bool,
}

/// One handle.
pub struct Node {
    pub(crate) handle: Handle,
    pub(crate) kind: HandleKind,
    pub(crate) parent: Option<Arc<Node>>,
    pub(crate) session: Arc<Session>,
    pub(crate) table: Arc<Table>,
    pub(crate) children: Mutex<Vec<Arc<Node>>>,
    pub(crate) context: AtomicUsize,
    pub(crate) flags: u32,
    /// Shared with the children created from it until one side changes (copy-on-write):
    /// creating a handle and reading its options copy no strings.
    pub(crate) options: Mutex<Arc<Options>>,
    pub(crate) callback: Mutex<Option<SharedCallback>>,
    pub(crate) count: AtomicUsize,
    pub(crate) cancel: CancellationToken,
    pub(crate) ops: OnceLock<Arc<dyn HandleOps>>,
    queue: Mutex<NotifyQueue>,
}

impl Node {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        handle: Handle,
        kind: HandleKind,
        parent: Option<Arc<Node>>,
        session: Arc<Session>,
        table: Arc<Table>,
        context: usize,
        flags: u32,
        options: Arc<Options>,
        callback: Option<SharedCallback>,
    ) -> Node {
        Node {
            handle,
            kind,
            parent,
            session,
            table,
            children: Mutex::new(Vec::new()),
            context: AtomicUsize::new(context),
            flags,
            options: Mutex::new(options),
            callback: Mutex::new(callback),
            count: AtomicUsize::new(1),
            cancel: CancellationToken::new(),
            ops: OnceLock::new(),
            queue: Mutex::new(NotifyQueue::default()),
        }
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.handle
    }

    /// The handle's kind.
    pub fn kind(&self) -> HandleKind {
        self.kind
    }

    /// The flags the handle was created with (INTERNET_FLAG_*).
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The context value (0 = no notifications).
    pub fn context(&self) -> usize {
        self.context.load(Ordering::Acquire)
    }

    /// The shared state of the root this handle descends from.
    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    /// The parent node.
    pub fn parent(&self) -> Option<&Arc<Node>> {
        self.parent.as_ref()
    }

    /// The handle's options as they are now (a shared snapshot: later changes to the handle
    /// do not show in it).
    pub fn options(&self) -> Arc<Options> {
        Arc::clone(&lock(&self.options))
    }

    /// Reads the options without copying them.
    pub fn with_options<R>(&self, f: impl FnOnce(&Options) -> R) -> R {
        f(&lock(&self.options))
    }

    /// Changes the options.
    pub fn update_options<R>(&self, f: impl FnOnce(&mut Options) -> R) -> R {
        f(Arc::make_mut(&mut lock(&self.options)))
    }

    /// The protocol object.
    pub fn ops(&self) -> &Arc<dyn HandleOps> {
        self.ops
            .get()
            .expect("ops are set before a handle is published")
    }

    /// The handle's children that are still open (a snapshot).
    pub fn open_children(&self) -> Vec<Arc<Node>> {
        lock(&self.children)
            .iter()
            .filter(|c| !c.is_closed())
            .cloned()
            .collect()
    }

    /// Whether the handle has been closed (directly or through an ancestor).
    pub fn is_closed(&self) -> bool {
        self.count.load(Ordering::Acquire) & CLOSED != 0
    }

    /// A token that is cancelled when the handle is closed.
    pub fn cancelled(&self) -> &CancellationToken {
        &self.cancel
    }

    pub(crate) fn current_callback(&self) -> Option<SharedCallback> {
        lock(&self.callback).clone()
    }

    /// Sends a notification about this handle, with its context, to its callback. Nothing
    /// happens (and `make` is not called) when the context is 0 or no callback is set.
    ///
    /// Notifications for one handle are delivered in order and never two at once: if a
    /// delivery is under way (on any thread, or further up this thread's stack because a
    /// callback called back into the API), the event is queued and delivered by that delivery
    /// once the running callback returns. No lock is held while a callback runs.
    pub fn notify(&self, make: impl FnOnce() -> StatusEvent) {
        self.notify_as(self.context(), make);
    }

    /// Sends a notification on this handle with another context value: the calls that create a
    /// handle (InternetOpenUrl) report their completion on the handle they were made on, with
    /// the context given to the call.
    pub fn notify_as(&self, context: usize, make: impl FnOnce() -> StatusEvent) {
        if context == 0 {
            return;
        }
        let Some(callback) = self.current_callback() else {
            return;
        };
        self.deliver(Queued {
            callback,
            handle: self.handle,
            context,
            event: make(),
        });
    }

    /// Sends HANDLE_CREATED for `child` through this (the parent's) callback, with the child's
    /// context, as native WinINet does.
    pub(crate) fn notify_created(&self, child: Handle, child_context: usize) {
        self.notify_as(child_context, || StatusEvent::HandleCreated(child));
    }

    fn deliver(&self, item: Queued) {
        {
            let mut q = lock(&self.queue);
            q.items.push_back(item);
            if q.busy {
                return;
            }
            q.busy = true;
        }
        loop {
            let next = {
                let mut q = lock(&self.queue);
                match q.items.pop_front() {
                    Some(n) => n,
                    None => {
                        q.busy = false;
                        return;
                    }
                }
            };
            // A panicking callback must not leave the queue marked busy forever.
            let guard = BusyGuard(self);
            next.callback.notify(next.handle, next.context, &next.event);
            std::mem::forget(guard);
        }
    }

    /// Registers a unit that keeps the node alive (an in-flight call or a child), unless the
    /// node is closed.
    pub(crate) fn acquire(&self) -> bool {
        let prev = self.count.fetch_add(1, Ordering::AcqRel);
        if prev & CLOSED != 0 {
            // Undo; the closer saw our unit and left the finalization to whoever drops last.
            return false;
        }
        true
    }

    /// Drops one unit; true when this was the last one of a closed node (the caller must then
    /// finalize it).
    pub(crate) fn release(&self) -> bool {
        let prev = self.count.fetch_sub(1, Ordering::AcqRel);
        prev == CLOSED | 1
    }

    /// Marks the node closed; false if it already was.
    pub(crate) fn mark_closed(&self) -> bool {
        let prev = self.count.fetch_or(CLOSED, Ordering::AcqRel);
        prev & CLOSED == 0
    }

    pub(crate) fn weak(self: &Arc<Self>) -> NodeRef {
        NodeRef(Arc::downgrade(self))
    }
}

struct BusyGuard<'a>(&'a Node);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        lock(&self.0.queue).busy = false;
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("handle", &self.handle)
            .field("kind", &self.kind)
            .field("context", &self.context())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// A weak reference to a node, given to a protocol object when its handle is created so that it
/// can send notifications and read its options without keeping the handle alive.
#[derive(Clone, Debug)]
pub struct NodeRef(Weak<Node>);

impl NodeRef {
    /// The node, while it exists.
    pub fn get(&self) -> Option<Arc<Node>> {
        self.0.upgrade()
    }

    /// Sends a notification on the node (see [`Node::notify`]).
    pub fn notify(&self, make: impl FnOnce() -> StatusEvent) {
        if let Some(n) = self.0.upgrade() {
            n.notify(make);
        }
    }
}
