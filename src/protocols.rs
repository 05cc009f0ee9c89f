//! The protocol leaves this crate plugs into the engine.

use std::sync::{Arc, OnceLock};

use hinternet_core::Engine;

/// Registers the built-in protocols (`file:`) on an engine.
pub fn register_all(engine: &Engine) {
    engine
        .registry()
        .register(&["file"], &[], Arc::new(hinternet_file::FileProtocol));
    engine.registry().register(
        &["http", "https"],
        &[hinternet_core::consts::INTERNET_SERVICE_HTTP],
        Arc::new(hinternet_http::HttpProtocol),
    );
    engine.registry().register(
        &["ftp", "ftps"],
        &[hinternet_core::consts::INTERNET_SERVICE_FTP],
        Arc::new(hinternet_ftp::FtpProtocol),
    );
}

/// The process-wide engine with every built-in protocol registered. The C front door and the
/// Rust API both run on it.
pub fn engine() -> &'static Engine {
    static READY: OnceLock<()> = OnceLock::new();
    let engine = Engine::global();
    READY.get_or_init(|| register_all(engine));
    engine
}
