//! The FTP functions of WinINet, by handle value, for both front doors: their checks in native
//! order (handle, handle type, parameters, transfer in progress) and their dispatch.
//!
//! The session functions (FtpCreateDirectory, ..., FtpGetFile, FtpFindFirstFile, FtpOpenFile)
//! always pend in async sessions and complete on the connect handle with its context; a
//! handle they create gets the `context` given to the call. `complete` runs only for a
//! pending call, before REQUEST_COMPLETE, to write the caller's outputs.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use hinternet_core::consts::*;
use hinternet_core::dispatch::{Outcome, Pend, bool_result, cancellable, dispatch};
use hinternet_core::status::AsyncResult;
use hinternet_core::{
    Call, ChildParams, Engine, Error, FindData, Handle, HandleKind, Result, Timestamp,
};

use crate::ops::{FtpConnectOps, FtpFileOps, FtpFindOps};
use crate::reply::Reply;
use crate::session::{DataCommand, FtpSession};
use crate::transfer::{self, split_search};

fn session_of(call: &Call) -> Result<Arc<FtpSession>> {
    call.ops()
        .as_any()
        .downcast_ref::<FtpConnectOps>()
        .map(|c| Arc::clone(&c.session))
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))
}

/// Enters an FTP connect handle: `ERROR_INVALID_HANDLE`, then
/// `ERROR_INTERNET_INCORRECT_HANDLE_TYPE`.
fn enter(engine: &Engine, raw: u64) -> Result<(Call, Arc<FtpSession>)> {
    let call = engine.enter_kind(raw, |k| k == HandleKind::ConnectFtp)?;
    let session = session_of(&call)?;
    Ok((call, session))
}

fn required(s: Option<&str>) -> Result<String> {
    s.filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))
}

/// The transfer type of `dwFlags`: ASCII for FTP_TRANSFER_TYPE_ASCII, binary for BINARY or
/// UNKNOWN (0); both bits set is `ERROR_INVALID_PARAMETER`.
pub fn transfer_is_ascii(flags: u32) -> Result<bool> {
    match flags & FTP_TRANSFER_TYPE_MASK {
        FTP_TRANSFER_TYPE_ASCII => Ok(true),
        FTP_TRANSFER_TYPE_BINARY | FTP_TRANSFER_TYPE_UNKNOWN => Ok(false),
        _ => Err(Error::new(ERROR_INVALID_PARAMETER)),
    }
}

fn handle_result(r: &Result<Handle>) -> AsyncResult {
    match r {
        Ok(h) => AsyncResult {
            result: h.as_raw(),
            error: 0,
        },
        Err(e) => AsyncResult {
            result: 0,
            error: e.code(),
        },
    }
}

/// A checked call: the call on the connect handle and the operation to run.
pub(crate) struct Prepared<T> {
    call: Call,
    fut: Pin<Box<dyn Future<Output = Result<T>> + Send>>,
}

impl<T: Send + 'static> Prepared<T> {
    fn new(call: Call, fut: impl Future<Output = Result<T>> + Send + 'static) -> Self {
        Prepared {
            call,
            fut: Box::pin(fut),
        }
    }

    /// Runs it in the session's mode (the C front door): sync to completion, async pending
    /// with REQUEST_COMPLETE on the connect handle.
    fn dispatch(
        self,
        complete: impl FnOnce(&Result<T>) + Send + 'static,
        result: impl FnOnce(&Result<T>) -> AsyncResult + Send + 'static,
    ) -> Outcome<T> {
        dispatch(self.call, Pend::Always, None, self.fut, move |r| {
            complete(&r);
            result(&r)
        })
    }

    /// Runs it in the caller's task (the async Rust API), cancelled when the handle closes.
    async fn run(self) -> Result<T> {
        let token = self.call.node().cancelled().clone();
        let r = cancellable(token, self.fut).await;
        self.call.finish().await;
        r
    }
}

fn outcome<T: Send + 'static>(
    p: Result<Prepared<T>>,
    complete: impl FnOnce(&Result<T>) + Send + 'static,
    result: impl FnOnce(&Result<T>) -> AsyncResult + Send + 'static,
) -> Outcome<T> {
    match p {
        Ok(p) => p.dispatch(complete, result),
        Err(e) => Outcome::Done(Err(e)),
    }
}

macro_rules! simple_command {
    ($(#[$doc:meta])* $name:ident, $name_async:ident, $prep:ident, $verb:literal, $ok:expr) => {
        fn $prep(engine: &Engine, raw: u64, name: Option<&str>) -> Result<Prepared<()>> {
            let (call, session) = enter(engine, raw)?;
            let name = required(name)?;
            session.check_idle()?;
            Ok(Prepared::new(call, async move {
                session
                    .command_expect(&format!(concat!($verb, " {}"), name), $ok)
                    .await
                    .map(|_| ())
            }))
        }

        $(#[$doc])*
        pub fn $name(
            engine: &Engine,
            raw: u64,
            name: Option<&str>,
            complete: impl FnOnce(&Result<()>) + Send + 'static,
        ) -> Outcome<()> {
            outcome($prep(engine, raw, name), complete, bool_result)
        }

        $(#[$doc])*
        ///
        /// The async form for Rust callers: runs in the caller's task.
        pub async fn $name_async(engine: &Engine, raw: u64, name: Option<&str>) -> Result<()> {
            $prep(engine, raw, name)?.run().await
        }
    };
}

simple_command!(
    /// FtpCreateDirectory: `MKD name`, success on 257.
    ftp_create_directory, create_directory_async, prep_mkd, "MKD", &[257]
);
simple_command!(
    /// FtpRemoveDirectory: `RMD name`, success on 250.
    ftp_remove_directory, remove_directory_async, prep_rmd, "RMD", &[250]
);
simple_command!(
    /// FtpDeleteFile: `DELE name`, success on 250.
    ftp_delete_file, delete_file_async, prep_dele, "DELE", &[250]
);
simple_command!(
    /// FtpSetCurrentDirectory: `CWD name`, success on 250.
    ftp_set_current_directory, set_current_directory_async, prep_cwd, "CWD", &[250]
);

fn prep_rename(
    engine: &Engine,
    raw: u64,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Prepared<()>> {
    let (call, session) = enter(engine, raw)?;
    let from = required(from)?;
    let to = required(to)?;
    session.check_idle()?;
    Ok(Prepared::new(call, async move {
        session
            .command_expect(&format!("RNFR {from}"), &[350])
            .await?;
        session
            .command_expect(&format!("RNTO {to}"), &[250])
            .await?;
        Ok(())
    }))
}

/// FtpRenameFile: `RNFR from` (350), then `RNTO to` (250).
pub fn ftp_rename_file(
    engine: &Engine,
    raw: u64,
    from: Option<&str>,
    to: Option<&str>,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    outcome(prep_rename(engine, raw, from, to), complete, bool_result)
}

/// [`ftp_rename_file`] for async Rust callers.
pub async fn rename_file_async(engine: &Engine, raw: u64, from: &str, to: &str) -> Result<()> {
    prep_rename(engine, raw, Some(from), Some(to))?.run().await
}

fn prep_pwd(
    engine: &Engine,
    raw: u64,
    length: Option<u32>,
    buffer_is_null: bool,
) -> Result<Prepared<String>> {
    let (call, session) = enter(engine, raw)?;
    match length {
        None | Some(0) => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        Some(_) if buffer_is_null => return Err(Error::new(ERROR_INSUFFICIENT_BUFFER)),
        Some(_) => {}
    }
    session.check_idle()?;
    Ok(Prepared::new(call, async move {
        let reply = session.command_expect("PWD", &[257]).await?;
        let text = reply.lines().join("\n");
        Ok(quoted_path(&text).unwrap_or_else(|| reply.message().trim().to_owned()))
    }))
}

/// FtpGetCurrentDirectory: `PWD` (257), the text between the first pair of double quotes
/// (a doubled `""` inside stands for one quote). The buffer arguments are checked first
/// (after the handle): `length` is the caller's `*lpdwCurrentDirectory` (`None` = NULL
/// pointer), `buffer_is_null` whether `lpszCurrentDirectory` is NULL. The C front door copies
/// the path with [`current_directory_to_buffer`].
pub fn ftp_get_current_directory(
    engine: &Engine,
    raw: u64,
    length: Option<u32>,
    buffer_is_null: bool,
    complete: impl FnOnce(&Result<String>) + Send + 'static,
) -> Outcome<String> {
    outcome(
        prep_pwd(engine, raw, length, buffer_is_null),
        complete,
        bool_result,
    )
}

/// [`ftp_get_current_directory`] for async Rust callers.
pub async fn current_directory_async(engine: &Engine, raw: u64) -> Result<String> {
    prep_pwd(engine, raw, Some(u32::MAX), false)?.run().await
}

/// The path of a 257 reply: the text between the first `"` and its closing `"` (RFC 959
/// doubles quotes inside the name).
pub fn quoted_path(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let mut out = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// FtpGetCurrentDirectory's buffer rules (spec §0.3, H.109), for the C front door: copies
/// `path` (in the caller's character unit) and a terminating `nul` into `buffer` and returns
/// the count the length parameter receives on success (characters *including* the NUL, as
/// Wine does). `ERROR_INSUFFICIENT_BUFFER` (carrying the characters needed, NUL included)
/// when there is no buffer or it cannot hold the path and the NUL; the buffer is then not
/// written.
pub fn current_directory_to_buffer<T: Copy>(
    path: &[T],
    nul: T,
    buffer: Option<&mut [T]>,
) -> Result<u32> {
    let needed = path.len() + 1;
    let needed32 = u32::try_from(needed).unwrap_or(u32::MAX);
    match buffer {
        Some(buf) if buf.len() >= needed => {
            buf[..path.len()].copy_from_slice(path);
            buf[path.len()] = nul;
            Ok(needed32)
        }
        _ => Err(Error::insufficient_buffer(u64::from(needed32))),
    }
}

fn prep_find(
    engine: &Engine,
    raw: u64,
    pattern: Option<&str>,
    flags: u32,
    context: usize,
) -> Result<Prepared<(Handle, FindData)>> {
    let (call, session) = enter(engine, raw)?;
    session.check_idle()?;
    let inner = engine.enter(raw)?;
    let search = split_search(pattern);
    Ok(Prepared::new(call, async move {
        let r = async {
            let slot = session.claim().await?;
            let mut listing = transfer::list(&session, &search).await?;
            let first = listing
                .entries
                .pop_front()
                .ok_or_else(|| Error::new(ERROR_NO_MORE_FILES))?;
            let ops = Arc::new(FtpFindOps::new(
                listing.entries,
                slot,
                listing.unparsed,
                listing.flagged,
            ));
            let params = ChildParams {
                kind: HandleKind::FtpFind,
                context,
                flags,
            };
            let holder = Arc::clone(&session);
            let h = inner.engine().create_child(&inner, params, move |node| {
                holder.set_holder(node);
                ops
            })?;
            Ok((h, first))
        }
        .await;
        inner.finish().await;
        r
    }))
}

/// FtpFindFirstFile: lists `pattern` (NULL or "" = the current directory; a last component
/// with `*` / `?` filters locally) and returns the find handle and the first entry. An empty
/// result is `ERROR_NO_MORE_FILES` (no handle); a missing path is the server's refusal
/// (`ERROR_INTERNET_EXTENDED_ERROR` with the reply). The handle holds the session's transfer
/// slot until it is closed.
pub fn ftp_find_first_file(
    engine: &Engine,
    raw: u64,
    pattern: Option<&str>,
    flags: u32,
    context: usize,
    complete: impl FnOnce(&Result<(Handle, FindData)>) + Send + 'static,
) -> Outcome<(Handle, FindData)> {
    outcome(
        prep_find(engine, raw, pattern, flags, context),
        complete,
        |r| match r {
            Ok((h, _)) => handle_result(&Ok(*h)),
            Err(e) => handle_result(&Err(Error::new(e.code()))),
        },
    )
}

/// [`ftp_find_first_file`] for async Rust callers.
pub async fn find_first_file_async(
    engine: &Engine,
    raw: u64,
    pattern: Option<&str>,
    flags: u32,
    context: usize,
) -> Result<(Handle, FindData)> {
    prep_find(engine, raw, pattern, flags, context)?.run().await
}

#[allow(clippy::too_many_arguments)]
fn prep_open(
    engine: &Engine,
    raw: u64,
    name: Option<&str>,
    access: u32,
    flags: u32,
    context: usize,
    offset: u64,
) -> Result<Prepared<Handle>> {
    let (call, session) = enter(engine, raw)?;
    let name = required(name)?;
    let write = match access {
        GENERIC_READ => false,
        GENERIC_WRITE => true,
        _ => return Err(Error::new(ERROR_INVALID_PARAMETER)),
    };
    let ascii = transfer_is_ascii(flags)?;
    session.check_idle()?;
    let inner = engine.enter(raw)?;
    let offset = if write {
        0
    } else {
        offset.max(session.take_pending_rest())
    };
    Ok(Prepared::new(call, async move {
        let r = async {
            let slot = session.claim().await?;
            // A whole binary download from a server whose 150 replies give the size (learnt
            // on the first one) needs no SIZE round trip first.
            let whole_binary = !write && !ascii && offset == 0;
            let size =
                if !write && session.features().size && !(whole_binary && session.sizes_in_150()) {
                    session
                        .size_of(&name, ascii)
                        .await?
                        .map(|n| n.saturating_sub(offset))
                } else {
                    None
                };
            let cmd = if write {
                DataCommand::Stor(name)
            } else {
                DataCommand::Retr(name)
            };
            let (stream, reply) = session.open_data(cmd, ascii, offset).await?;
            let in_150 = reply.as_ref().and_then(|r| bytes_in_150(r.message()));
            if whole_binary {
                session.saw_150(in_150.is_some());
            }
            let size = size.or(in_150);
            let ops = Arc::new(FtpFileOps::new(slot, stream, write, size));
            let params = ChildParams {
                kind: HandleKind::FtpFile,
                context,
                flags,
            };
            let holder = Arc::clone(&session);
            inner.engine().create_child(&inner, params, move |node| {
                holder.set_holder(node);
                ops
            })
        }
        .await;
        inner.finish().await;
        r
    }))
}

/// FtpOpenFile: `GENERIC_READ` (RETR) or `GENERIC_WRITE` (STOR), exactly one; transfer type
/// from `flags`. Returns an FTP_FILE handle that holds the session's transfer slot until it
/// is closed.
pub fn ftp_open_file(
    engine: &Engine,
    raw: u64,
    name: Option<&str>,
    access: u32,
    flags: u32,
    context: usize,
    complete: impl FnOnce(&Result<Handle>) + Send + 'static,
) -> Outcome<Handle> {
    outcome(
        prep_open(engine, raw, name, access, flags, context, 0),
        complete,
        handle_result,
    )
}

/// [`ftp_open_file`] for a download that resumes at `offset` (REST before RETR).
#[allow(clippy::too_many_arguments)]
pub fn open_file_at(
    engine: &Engine,
    raw: u64,
    name: Option<&str>,
    access: u32,
    flags: u32,
    context: usize,
    offset: u64,
    complete: impl FnOnce(&Result<Handle>) + Send + 'static,
) -> Outcome<Handle> {
    outcome(
        prep_open(engine, raw, name, access, flags, context, offset),
        complete,
        handle_result,
    )
}

/// [`open_file_at`] for async Rust callers.
pub async fn open_file_async(
    engine: &Engine,
    raw: u64,
    name: &str,
    access: u32,
    flags: u32,
    context: usize,
    offset: u64,
) -> Result<Handle> {
    prep_open(engine, raw, Some(name), access, flags, context, offset)?
        .run()
        .await
}

/// The `(N bytes)` of a 150 reply.
fn bytes_in_150(text: &str) -> Option<u64> {
    let open = text.rfind('(')?;
    let rest = &text[open + 1..];
    let num: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if rest[num.len()..].trim_start().starts_with("bytes") {
        num.parse().ok()
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
fn prep_get(
    engine: &Engine,
    raw: u64,
    remote: Option<&str>,
    local: Option<&std::path::Path>,
    fail_if_exists: bool,
    attributes: u32,
    flags: u32,
) -> Result<Prepared<()>> {
    let remote = required(remote)?;
    let local = local
        .filter(|l| !l.as_os_str().is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let (call, session) = enter(engine, raw)?;
    let ascii = transfer_is_ascii(flags)?;
    if fail_if_exists && local.exists() {
        return Err(Error::new(ERROR_FILE_EXISTS));
    }
    session.check_idle()?;
    Ok(Prepared::new(call, async move {
        let slot = session.claim().await?;
        let r =
            transfer::get_file(&session, &remote, &local, fail_if_exists, attributes, ascii).await;
        drop(slot);
        r
    }))
}

/// FtpGetFile. Checks in native order (H.5/H.106): the names (`ERROR_INVALID_PARAMETER`, even
/// before the handle), the handle, its type, the flags, then `fFailIfExists` against the local
/// file (`ERROR_FILE_EXISTS`, before the server is asked). The download goes to a temporary
/// file beside the target, renamed into place only after the server's `226`.
#[allow(clippy::too_many_arguments)]
pub fn ftp_get_file(
    engine: &Engine,
    raw: u64,
    remote: Option<&str>,
    local: Option<&std::path::Path>,
    fail_if_exists: bool,
    attributes: u32,
    flags: u32,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    outcome(
        prep_get(
            engine,
            raw,
            remote,
            local,
            fail_if_exists,
            attributes,
            flags,
        ),
        complete,
        bool_result,
    )
}

/// [`ftp_get_file`] for async Rust callers.
pub async fn get_file_async(
    engine: &Engine,
    raw: u64,
    remote: &str,
    local: &std::path::Path,
    fail_if_exists: bool,
    flags: u32,
) -> Result<()> {
    prep_get(
        engine,
        raw,
        Some(remote),
        Some(local),
        fail_if_exists,
        0,
        flags,
    )?
    .run()
    .await
}

fn prep_put(
    engine: &Engine,
    raw: u64,
    local: Option<&std::path::Path>,
    remote: Option<&str>,
    flags: u32,
) -> Result<Prepared<()>> {
    let (call, session) = enter(engine, raw)?;
    let local = local
        .filter(|l| !l.as_os_str().is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let remote = required(remote)?;
    let ascii = transfer_is_ascii(flags)?;
    let file = std::fs::File::open(&local).map_err(|e| {
        let code = match e.kind() {
            std::io::ErrorKind::PermissionDenied => ERROR_ACCESS_DENIED,
            _ => ERROR_FILE_NOT_FOUND,
        };
        Error::new(code).with_source(e)
    })?;
    session.check_idle()?;
    Ok(Prepared::new(call, async move {
        let slot = session.claim().await?;
        let r = transfer::put_file(&session, file, &remote, ascii).await;
        drop(slot);
        r.map(|_| ())
    }))
}

/// FtpPutFile: the local file must exist (`ERROR_FILE_NOT_FOUND`, checked before the server
/// is asked); then `STOR` and the server's `226`.
pub fn ftp_put_file(
    engine: &Engine,
    raw: u64,
    local: Option<&std::path::Path>,
    remote: Option<&str>,
    flags: u32,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    outcome(
        prep_put(engine, raw, local, remote, flags),
        complete,
        bool_result,
    )
}

/// [`ftp_put_file`] for async Rust callers.
pub async fn put_file_async(
    engine: &Engine,
    raw: u64,
    local: &std::path::Path,
    remote: &str,
    flags: u32,
) -> Result<()> {
    prep_put(engine, raw, Some(local), Some(remote), flags)?
        .run()
        .await
}

fn prep_command(
    engine: &Engine,
    raw: u64,
    expect_response: bool,
    flags: u32,
    command: Option<&str>,
    context: usize,
) -> Result<Prepared<(Option<Handle>, String)>> {
    let (call, session) = enter(engine, raw)?;
    let command = required(command)?;
    if command.trim().is_empty() || command.contains(['\r', '\n']) {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    let ascii = transfer_is_ascii(flags)?;
    session.check_idle()?;
    let inner = engine.enter(raw)?;
    Ok(Prepared::new(call, async move {
        let r = async {
            let slot = if expect_response {
                Some(session.claim().await?)
            } else {
                None
            };
            match slot {
                None => {
                    let reply = session.exchange(&command).await?;
                    if !reply.is_positive() {
                        return Err(crate::reply::error_for_reply(&reply));
                    }
                    session.note_rest(&command, &reply);
                    Ok((None, reply.text()))
                }
                Some(slot) => {
                    let (stream, reply) = session
                        .open_data(DataCommand::Download(command), ascii, 0)
                        .await?;
                    let ops = Arc::new(FtpFileOps::new(slot, stream, false, None));
                    let params = ChildParams {
                        kind: HandleKind::FtpFile,
                        context,
                        flags,
                    };
                    let holder = Arc::clone(&session);
                    let h = inner.engine().create_child(&inner, params, move |node| {
                        holder.set_holder(node);
                        ops
                    })?;
                    Ok((Some(h), reply.map(|r| r.text()).unwrap_or_default()))
                }
            }
        }
        .await;
        inner.finish().await;
        r
    }))
}

/// FtpCommand. NULL or "" is `ERROR_INVALID_PARAMETER`. Without `expect_response` the command
/// runs on the control connection and succeeds on any 1xx–3xx reply. With it, the command
/// opens a data connection (LIST, NLST, RETR, ...) whose data is read from the returned
/// FTP_FILE handle, which holds the session's transfer slot until it is closed. A `REST n`
/// command that the server accepts (350) is also applied to the next FtpOpenFile download.
pub fn ftp_command(
    engine: &Engine,
    raw: u64,
    expect_response: bool,
    flags: u32,
    command: Option<&str>,
    context: usize,
    complete: impl FnOnce(&Result<Option<Handle>>) + Send + 'static,
) -> Outcome<Option<Handle>> {
    let p = prep_command(engine, raw, expect_response, flags, command, context).map(|p| Prepared {
        call: p.call,
        fut: Box::pin(async move { p.fut.await.map(|(h, _)| h) }),
    });
    outcome(p, complete, bool_result)
}

/// [`ftp_command`] for async Rust callers: also returns the reply text.
pub async fn command_async(
    engine: &Engine,
    raw: u64,
    expect_response: bool,
    flags: u32,
    command: &str,
    context: usize,
) -> Result<(Option<Handle>, String)> {
    prep_command(engine, raw, expect_response, flags, Some(command), context)?
        .run()
        .await
}

fn prep_query(
    engine: &Engine,
    raw: u64,
    verb: &'static str,
    path: &str,
) -> Result<Prepared<Reply>> {
    let (call, session) = enter(engine, raw)?;
    let path = required(Some(path))?;
    session.check_idle()?;
    Ok(Prepared::new(call, async move {
        session
            .command_expect(&format!("{verb} {path}"), &[213])
            .await
    }))
}

/// `SIZE path` (213): the size of a remote file, for async Rust callers (TYPE is left as it
/// is; servers report the binary size).
pub async fn size_async(engine: &Engine, raw: u64, path: &str) -> Result<u64> {
    let reply = prep_query(engine, raw, "SIZE", path)?.run().await?;
    reply.message().trim().parse().map_err(|_| {
        crate::reply::error_for_reply(&reply).with_context("SIZE reply without a number")
    })
}

/// `MDTM path` (213 `YYYYMMDDHHMMSS[.fff]`, UTC): the modification time of a remote file.
pub async fn modified_async(engine: &Engine, raw: u64, path: &str) -> Result<Timestamp> {
    let reply = prep_query(engine, raw, "MDTM", path)?.run().await?;
    let line = format!("type=file;modify={}; x", reply.message().trim());
    crate::listing::mlsx::parse_line(line.as_bytes())
        .ok()
        .and_then(|f| f.modified)
        .ok_or_else(|| {
            crate::reply::error_for_reply(&reply).with_context("MDTM reply without a time")
        })
}

/// Ends an upload on an FTP_FILE handle opened for writing: closes the data connection and
/// reads the server's completion reply, reporting a refusal (closing the handle does the same
/// but cannot report). For async Rust callers.
pub async fn finish_upload_async(engine: &Engine, raw: u64) -> Result<()> {
    let call = engine.enter_kind(raw, |k| k == HandleKind::FtpFile)?;
    let ops = call
        .ops()
        .as_any()
        .downcast_ref::<FtpFileOps>()
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
    let token = call.node().cancelled().clone();
    let r = cancellable(token, ops.finish_upload()).await;
    call.finish().await;
    r
}

/// FtpGetFileSize on an FTP_FILE handle: the remote file's size (from SIZE before RETR, or
/// the `(N bytes)` of the 150 reply). Synchronous. `ERROR_INTERNET_INCORRECT_HANDLE_TYPE` on
/// other handles; `ERROR_INTERNET_ITEM_NOT_FOUND` when the server did not tell the size (and
/// for uploads).
pub fn ftp_get_file_size(engine: &Engine, raw: u64) -> Result<u64> {
    let call = engine.enter_kind(raw, |k| k == HandleKind::FtpFile)?;
    let ops = call
        .ops()
        .as_any()
        .downcast_ref::<FtpFileOps>()
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
    ops.size()
        .ok_or_else(|| Error::new(ERROR_INTERNET_ITEM_NOT_FOUND))
}

/// Counts of an FTP find handle's listing: lines that were not understood (skipped, never
/// fatal) and entries whose names are unsafe as local file names (reported as sent, flagged).
pub fn ftp_find_stats(engine: &Engine, raw: u64) -> Result<(usize, usize)> {
    let call = engine.enter_kind(raw, |k| k == HandleKind::FtpFind)?;
    let ops = call
        .ops()
        .as_any()
        .downcast_ref::<FtpFindOps>()
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
    Ok((ops.unparsed_lines(), ops.flagged_entries()))
}

/// The text of the last reply on the session behind an FTP connect handle (for
/// InternetGetLastResponseInfo; the C front door keeps it per thread).
pub fn ftp_last_response(engine: &Engine, raw: u64) -> Result<String> {
    let (_call, session) = enter(engine, raw)?;
    Ok(session.last_reply())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pwd_paths_are_read_between_quotes() {
        assert_eq!(quoted_path("\"/pub\" is cwd").as_deref(), Some("/pub"));
        assert_eq!(
            quoted_path("\"/a \"\"b\"\"\" ok").as_deref(),
            Some("/a \"b\"")
        );
        assert_eq!(quoted_path("no quotes"), None);
    }

    #[test]
    fn current_directory_buffer_needs_room_for_the_nul() {
        let path = b"/pub";
        let mut four = [0u8; 4];
        let e = current_directory_to_buffer(path, 0, Some(&mut four)).unwrap_err();
        assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(5)));
        assert_eq!(four, [0; 4]);
        let mut five = [0xAAu8; 5];
        assert_eq!(
            current_directory_to_buffer(path, 0, Some(&mut five)).unwrap(),
            5
        );
        assert_eq!(&five, b"/pub\0");
        let e = current_directory_to_buffer(path, 0, None).unwrap_err();
        assert_eq!(e.code(), ERROR_INSUFFICIENT_BUFFER);
    }

    #[test]
    fn transfer_type_flags() {
        assert!(transfer_is_ascii(FTP_TRANSFER_TYPE_ASCII).unwrap());
        assert!(!transfer_is_ascii(0).unwrap());
        assert!(!transfer_is_ascii(FTP_TRANSFER_TYPE_BINARY | INTERNET_FLAG_RELOAD).unwrap());
        assert_eq!(
            transfer_is_ascii(3).unwrap_err().code(),
            ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn sizes_in_150_replies() {
        assert_eq!(
            bytes_in_150("Opening BINARY mode data connection for a (1234 bytes)."),
            Some(1234)
        );
        assert_eq!(bytes_in_150("Opening data connection"), None);
    }
}
