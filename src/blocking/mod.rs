//! The blocking face of the API: the same handles, with `std::io::Read` / `Seek` and
//! `Iterator` instead of futures.
//!
//! Calls run on the engine's private runtime (as reqwest's blocking client does), so they work
//! from plain threads and from inside a tokio runtime alike: inside a multi-thread runtime the
//! worker is handed over for the call; inside a current-thread runtime the call runs on a helper
//! thread.

pub mod http;

use std::io;
use std::time::Duration;

use hinternet_core::{Engine, FindData, Handle, HandleKind, OptionInput, OptionValue, Result};

pub use crate::internet::{Access, OpenUrl};
pub mod ftp;
use crate::resource::io_error;
use crate::status::Notification;

/// Builds a blocking [`Internet`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct InternetBuilder(crate::InternetBuilder);

impl InternetBuilder {
    /// The User-Agent sent with HTTP requests.
    pub fn agent(self, agent: impl Into<String>) -> Self {
        InternetBuilder(self.0.agent(agent))
    }

    /// How to reach the network.
    pub fn access(self, access: Access) -> Self {
        InternetBuilder(self.0.access(access))
    }

    /// `INTERNET_FLAG_*` flags of InternetOpen.
    pub fn flags(self, flags: u32) -> Self {
        InternetBuilder(self.0.flags(flags))
    }

    /// A cookie store of its own (see [`crate::InternetBuilder::private_cookies`]).
    pub fn private_cookies(self) -> Self {
        InternetBuilder(self.0.private_cookies())
    }

    /// Runs on the given engine instead of the process-wide one.
    pub fn engine(self, engine: Engine) -> Self {
        InternetBuilder(self.0.engine(engine))
    }

    /// InternetOpen.
    ///
    /// # Errors
    /// As [`crate::InternetBuilder::build`].
    pub fn build(self) -> Result<Internet> {
        Ok(Internet(self.0.build()?))
    }
}

/// A blocking root handle (InternetOpen). See [`crate::Internet`].
#[derive(Debug, Clone)]
pub struct Internet(crate::Internet);

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
        self.0.handle()
    }

    /// The async face of the same session.
    pub fn as_async(&self) -> &crate::Internet {
        &self.0
    }

    /// Installs a status callback on the root (see [`crate::Internet::on_status`]). In blocking
    /// use the callbacks of a call arrive on the calling thread, during the call.
    pub fn on_status(&self, f: impl Fn(&Notification) + Send + Sync + 'static) {
        self.0.on_status(f)
    }

    /// InternetQueryOption on the root.
    pub fn query_option(&self, option: u32) -> Result<OptionValue> {
        self.0.query_option(option)
    }

    /// InternetSetOption on the root.
    pub fn set_option(&self, option: u32, value: &OptionInput<'_>) -> Result<()> {
        self.0.set_option(option, value)
    }

    /// Sets a millisecond timeout option.
    pub fn set_timeout(&self, option: u32, timeout: Duration) -> Result<()> {
        self.0.set_timeout(option, timeout)
    }

    /// InternetOpenUrl with default options.
    pub fn open_url(&self, url: &str) -> Result<Resource> {
        self.open_url_with(url, OpenUrl::default())
    }

    /// InternetOpenUrl with the given flags, headers and context.
    pub fn open_url_with(&self, url: &str, options: OpenUrl) -> Result<Resource> {
        let engine = self.0.engine().clone();
        let inet = self.0.clone();
        let url = url.to_owned();
        let r = engine.block_on(async move { inet.open_url_with(&url, options).await })?;
        Ok(Resource {
            engine,
            inner: Some(r),
        })
    }

    /// Opens a directory URL and lists it.
    pub fn find(&self, url: &str) -> Result<Find> {
        let engine = self.0.engine().clone();
        let inet = self.0.clone();
        let url = url.to_owned();
        let f = engine.block_on(async move { inet.find(&url).await })?;
        Ok(Find {
            engine,
            inner: Some(f),
        })
    }

    /// InternetCloseHandle on the root.
    pub fn close(self) -> Result<()> {
        let engine = self.0.engine().clone();
        let inet = self.0;
        engine.block_on(inet.close())
    }
}

/// A blocking opened URL: `std::io::Read` and `Seek`.
#[derive(Debug)]
pub struct Resource {
    engine: Engine,
    inner: Option<crate::Resource>,
}

impl Resource {
    fn inner(&self) -> &crate::Resource {
        self.inner.as_ref().expect("present until close")
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.inner().handle()
    }

    /// What kind of handle this is.
    pub fn kind(&self) -> Result<HandleKind> {
        self.inner().kind()
    }

    /// InternetQueryOption on this handle.
    pub fn query_option(&self, option: u32) -> Result<OptionValue> {
        self.inner().query_option(option)
    }

    /// InternetQueryDataAvailable.
    pub fn data_available(&self) -> Result<u64> {
        let r = self.inner();
        self.engine.block_on(r.data_available())
    }

    /// InternetReadFile: fills `buf` or reads to the end; returns the count.
    pub fn read_full(&self, buf: &mut [u8]) -> Result<usize> {
        let r = self.inner();
        self.engine.block_on(r.read_full(buf))
    }

    /// InternetCloseHandle.
    pub fn close(mut self) -> Result<()> {
        let r = self.inner.take().expect("present until close");
        self.engine.block_on(r.close())
    }
}

impl io::Read for Resource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use tokio::io::AsyncReadExt;
        let engine = self.engine.clone();
        let r = self.inner.as_mut().expect("present until close");
        engine.block_on(r.read(buf))
    }
}

impl io::Seek for Resource {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        use tokio::io::AsyncSeekExt;
        let engine = self.engine.clone();
        let r = self.inner.as_mut().expect("present until close");
        engine.block_on(r.seek(pos))
    }
}

/// A blocking listing: an `Iterator` of entries.
#[derive(Debug)]
pub struct Find {
    engine: Engine,
    inner: Option<crate::Find>,
}

impl Find {
    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.inner.as_ref().expect("present until close").handle()
    }

    /// InternetCloseHandle.
    pub fn close(mut self) -> Result<()> {
        let f = self.inner.take().expect("present until close");
        self.engine.block_on(f.close())
    }
}

impl Iterator for Find {
    type Item = Result<FindData>;

    fn next(&mut self) -> Option<Self::Item> {
        let engine = self.engine.clone();
        let f = self.inner.as_mut()?;
        engine.block_on(f.next_entry()).transpose()
    }
}

#[allow(dead_code)]
fn _assert_io_error_used(e: hinternet_core::Error) -> io::Error {
    io_error(e)
}
