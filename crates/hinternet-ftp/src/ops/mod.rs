//! The objects behind the FTP handles: the session (CONNECT_FTP), a listing (FTP_FIND) and a
//! transfer (FTP_FILE).

pub mod connect;
pub mod file;
pub mod find;

pub use connect::FtpConnectOps;
pub use file::FtpFileOps;
pub use find::FtpFindOps;
