//! The objects behind the FTP handles: the session (CONNECT_FTP), a listing (FTP_FIND), a
//! transfer (FTP_FILE) and a directory URL rendered as HTML (FTP_FIND_HTML).

pub mod connect;
pub mod file;
pub mod find;
pub mod html;

pub use connect::FtpConnectOps;
pub use file::FtpFileOps;
pub use find::FtpFindOps;
pub use html::FtpHtmlOps;
