//! The CONNECT_FTP handle: the session. Closing it sends QUIT and closes the control
//! connection (after its find and file handles are gone).

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use hinternet_core::HandleOps;

use crate::session::FtpSession;

/// The operations of a CONNECT_FTP handle.
#[derive(Debug)]
pub struct FtpConnectOps {
    pub(crate) session: Arc<FtpSession>,
}

impl FtpConnectOps {
    /// The session behind the handle.
    pub fn session(&self) -> &Arc<FtpSession> {
        &self.session
    }
}

#[async_trait]
impl HandleOps for FtpConnectOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    async fn close(&self) {
        self.session.quit().await;
    }
}
