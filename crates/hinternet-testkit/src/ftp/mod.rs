//! FTP peers: a real FTP/FTPS server ([`FtpServer`], libunftp over a folder) and a
//! transcript-replaying peer ([`FtpScript`]) for hostile and exact-transcript tests.

mod script;
mod server;

pub use script::{DataPlan, FtpScript, FtpScriptServer, Step};
pub use server::{DEFAULT_PASSWORD, DEFAULT_USER, FtpServer, FtpServerBuilder};
