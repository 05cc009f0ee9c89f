//! `Internet`: the root handle (InternetOpen) of the Rust API.

use std::sync::Arc;
use std::time::Duration;

use hinternet_core::consts::*;
use hinternet_core::{Engine, Handle, OpenParams, OptionInput, OptionValue, Result};

use crate::find::Find;
use crate::resource::{Owned, Resource};
use crate::status::{Notification, closure_callback};

/// How a session reaches the network (InternetOpen's access type).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Access {
    /// The system's configuration (`INTERNET_OPEN_TYPE_PRECONFIG`); on Linux: direct.
    #[default]
    Preconfig,
    /// No proxy (`INTERNET_OPEN_TYPE_DIRECT`).
    Direct,
    /// Through the given proxy list, with an optional bypass list (`INTERNET_OPEN_TYPE_PROXY`).
    Proxy {
        /// `"http=host:port ftp=host:port"` or `"host:port"`.
        proxy: String,
        /// Hosts not to proxy.
        bypass: Option<String>,
    },
}

/// Builds an [`Internet`] (InternetOpen's parameters).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct InternetBuilder {
    agent: Option<String>,
    access: Access,
    flags: u32,
    engine: Option<Engine>,
    private_cookies: bool,
}

impl InternetBuilder {
    /// The User-Agent sent with HTTP requests (default: none).
    pub fn agent(mut self, agent: impl Into<String>) -> Self {
        self.agent = Some(agent.into());
        self
    }

    /// How to reach the network (default: [`Access::Preconfig`]).
    pub fn access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// `INTERNET_FLAG_*` flags of InternetOpen (default: none).
    pub fn flags(mut self, flags: u32) -> Self {
        self.flags = flags;
        self
    }

    /// Gives this session a cookie store of its own. By default every session shares the
    /// process-wide store, as native WinINet has one: cookies its responses set are visible to
    /// InternetGetCookie and to every other session, and cookies set with InternetSetCookie are
    /// sent by its requests. With `private_cookies` its requests store and send only their own
    /// cookies (INTERNET_OPTION_END_BROWSER_SESSION on it then clears that store).
    pub fn private_cookies(mut self) -> Self {
        self.private_cookies = true;
        self
    }

    /// Runs on the given engine instead of the process-wide one (tests use this to observe an
    /// isolated handle table). The built-in protocols are registered on it.
    pub fn engine(mut self, engine: Engine) -> Self {
        crate::protocols::register_all(&engine);
        self.engine = Some(engine);
        self
    }

    /// InternetOpen.
    ///
    /// # Errors
    /// `ERROR_INVALID_PARAMETER` for a proxy access type with an empty proxy list.
    pub fn build(self) -> Result<Internet> {
        let engine = self.engine.unwrap_or_else(|| crate::engine().clone());
        let (access_type, proxy, proxy_bypass) = match self.access {
            Access::Preconfig => (INTERNET_OPEN_TYPE_PRECONFIG, None, None),
            Access::Direct => (INTERNET_OPEN_TYPE_DIRECT, None, None),
            Access::Proxy { proxy, bypass } => (INTERNET_OPEN_TYPE_PROXY, Some(proxy), bypass),
        };
        let handle = engine.open_root(OpenParams {
            agent: self.agent,
            access_type,
            proxy: proxy
                .filter(|p| !p.is_empty())
                .or_else(|| (access_type == INTERNET_OPEN_TYPE_PROXY).then(String::new)),
            proxy_bypass,
            flags: self.flags,
        })?;
        let internet = Internet {
            root: Arc::new(Owned::new(engine, handle)),
        };
        if self.private_cookies {
            let node = internet.engine().node(handle.as_raw())?;
            hinternet_http::cookies::use_private_store(node.session());
        }
        Ok(internet)
    }
}

/// Options for [`Internet::open_url_with`].
#[derive(Debug, Clone)]
pub struct OpenUrl {
    /// `INTERNET_FLAG_*` (RELOAD, NO_AUTO_REDIRECT, PASSIVE, ...).
    pub flags: u32,
    /// Extra request headers (HTTP), `"Name: value\r\n..."`.
    pub headers: Option<String>,
    /// The context value of the new handle; status events are sent only for handles with a
    /// non-zero context (default 1).
    pub context: usize,
}

impl Default for OpenUrl {
    fn default() -> Self {
        OpenUrl {
            flags: 0,
            headers: None,
            context: 1,
        }
    }
}

/// A root handle (InternetOpen). Cheap to clone: clones share the handle, which is closed when
/// the last clone is dropped or when [`close`](Internet::close) is called; closing it
/// invalidates every handle opened from it.
#[derive(Debug, Clone)]
pub struct Internet {
    root: Arc<Owned>,
}

impl Internet {
    /// A builder for InternetOpen's parameters.
    pub fn builder() -> InternetBuilder {
        InternetBuilder::default()
    }

    /// InternetOpen with defaults.
    pub fn new() -> Result<Internet> {
        InternetBuilder::default().build()
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.root.handle()
    }

    /// The engine this session runs on.
    pub fn engine(&self) -> &Engine {
        self.root.engine()
    }

    /// Installs a status callback on the root; handles opened afterwards copy it (as
    /// InternetSetStatusCallback). It may run on any thread, never twice at once per handle.
    pub fn on_status(&self, f: impl Fn(&Notification) + Send + Sync + 'static) {
        let _ = self
            .engine()
            .set_callback(self.handle().as_raw(), Some(closure_callback(f)));
    }

    /// Removes the status callback of the root.
    pub fn clear_status(&self) {
        let _ = self.engine().set_callback(self.handle().as_raw(), None);
    }

    /// InternetQueryOption on the root.
    pub fn query_option(&self, option: u32) -> Result<OptionValue> {
        self.engine()
            .query_option(Some(self.handle().as_raw()), option)
    }

    /// InternetSetOption on the root; handles opened afterwards copy the value.
    pub fn set_option(&self, option: u32, value: &OptionInput<'_>) -> Result<()> {
        self.engine()
            .set_option(Some(self.handle().as_raw()), option, value)
    }

    /// Sets a millisecond timeout option (CONNECT, SEND, RECEIVE, DATA_SEND, DATA_RECEIVE).
    pub fn set_timeout(&self, option: u32, timeout: Duration) -> Result<()> {
        let ms = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        self.set_option(option, &OptionInput::Bytes(&ms.to_le_bytes()))
    }

    /// InternetOpenUrl with default options: a readable (and, where the protocol allows,
    /// seekable) handle on the URL's resource.
    pub async fn open_url(&self, url: &str) -> Result<Resource> {
        self.open_url_with(url, OpenUrl::default()).await
    }

    /// InternetOpenUrl with the given flags, headers and context.
    pub async fn open_url_with(&self, url: &str, options: OpenUrl) -> Result<Resource> {
        let engine = self.engine();
        let handle = crate::raw::open_url_async(
            engine,
            self.handle().as_raw(),
            url,
            options.headers.as_deref(),
            options.flags,
            options.context,
        )
        .await?;
        Ok(Resource::new(engine.clone(), handle))
    }

    /// Opens a directory URL (`file:` or `ftp://host/dir/`) and lists it: InternetOpenUrl with
    /// INTERNET_FLAG_RAW_DATA (entries rather than an HTML page) and passive FTP.
    pub async fn find(&self, url: &str) -> Result<Find> {
        let options = OpenUrl {
            flags: INTERNET_FLAG_RAW_DATA | INTERNET_FLAG_PASSIVE,
            ..OpenUrl::default()
        };
        let r = self.open_url_with(url, options).await?;
        Ok(r.into_find())
    }

    /// InternetCloseHandle on the root: it and every handle opened from it become invalid at
    /// once. Returns after the handles that could be released now are released.
    pub async fn close(self) -> Result<()> {
        self.root.close_async().await
    }
}
