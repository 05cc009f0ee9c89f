//! HTTP peers: the scriptable [`TestServer`] and the misbehaving [`RawServer`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use hinternet_testkit::http::{Reply, Routes, TestServer};
//! let server = TestServer::start(
//!     Routes::new()
//!         .route("/hello", Reply::text("hello"))
//!         .route("/big", Reply::generated(5 << 30))          // 5 GiB, never allocated
//!         .route("/old", Reply::redirect(301, "/hello"))
//!         .route("/echo", Reply::echo()),
//! )
//! .await?;
//! let url = server.url("/hello");
//! # let _ = url; Ok(()) }
//! ```

mod auth;
mod dir;
pub mod raw;
mod respond;
mod routes;
mod server;

pub use raw::{RawScript, RawServer, RawStep};
pub use routes::{Encoding, Handler, Piece, Reply, Routes};
pub use server::{RequestRecord, ServerBuilder, TestServer};
