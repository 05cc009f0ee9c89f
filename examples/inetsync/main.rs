//! `inetsync`: an FTP/HTTP mirror tool built on hinternet's Rust API.
//!
//! `inetsync pull <URL> <DIR>`, `inetsync push <DIR> <URL>`, `inetsync demo`; see `--help`.
//! The tool lives in `tool.rs` and its modules, so the integration tests can include it.

// Some items (`run_args`, test helpers) are used only by tests/inetsync.rs.
#[allow(dead_code)]
#[path = "tool.rs"]
mod tool;

fn main() -> std::process::ExitCode {
    tool::main_with_args(std::env::args_os())
}
