//! INTERNET_OPTION_* values: the typed option set every handle carries, which options exist, on
//! which handle kinds they may be queried or set, the native error for each misuse, and the
//! buffer conventions (`encode`) the C front door applies.
//!
//! Children copy their parent's [`Options`] when they are created; a later change on the parent
//! does not reach them (as in WinINet).

use std::collections::BTreeMap;
use std::fmt;

use crate::consts::*;
use crate::{Error, Handle, HandleKind, Result};

/// A secret string (a password): kept out of `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret text, for the code that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How a session reaches the network (InternetOpen's access type and proxy lists).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyInfo {
    /// `INTERNET_OPEN_TYPE_*`.
    pub access_type: u32,
    /// The proxy list (`"http=host:port ftp=..."` or `"host:port"`), when the type is PROXY.
    pub proxy: Option<String>,
    /// The bypass list, when the type is PROXY.
    pub bypass: Option<String>,
}

/// INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT: facts of a server certificate, laid out by
/// each front door (the C one as `INTERNET_CERTIFICATE_INFO` with allocated strings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The end of the validity period, as a FILETIME.
    pub expiry: u64,
    /// The start of the validity period, as a FILETIME.
    pub start: u64,
    /// The subject's name attributes, one per line (`\r\n`-separated).
    pub subject: String,
    /// The issuer's name attributes, one per line.
    pub issuer: String,
    /// The TLS protocol of the connection (`"TLS 1.3"`), when known.
    pub protocol: Option<String>,
    /// The certificate's signature algorithm (`"sha256RSA"`), when known.
    pub signature_algorithm: Option<String>,
    /// The connection's cipher suite, when known.
    pub encryption_algorithm: Option<String>,
    /// The strength of the connection's bulk cipher, in bits.
    pub key_size: u32,
}

/// The options a handle carries. Children copy them at creation.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// INTERNET_OPTION_CONNECT_TIMEOUT, milliseconds (`u32::MAX` = infinite).
    pub connect_timeout: u32,
    /// INTERNET_OPTION_CONNECT_RETRIES.
    pub connect_retries: u32,
    /// INTERNET_OPTION_SEND_TIMEOUT (control channel / request), milliseconds.
    pub send_timeout: u32,
    /// INTERNET_OPTION_RECEIVE_TIMEOUT (control channel / response), milliseconds.
    pub receive_timeout: u32,
    /// INTERNET_OPTION_DATA_SEND_TIMEOUT (FTP data channel), milliseconds.
    pub data_send_timeout: u32,
    /// INTERNET_OPTION_DATA_RECEIVE_TIMEOUT (FTP data channel), milliseconds.
    pub data_receive_timeout: u32,
    /// INTERNET_OPTION_READ_BUFFER_SIZE.
    pub read_buffer_size: u32,
    /// INTERNET_OPTION_WRITE_BUFFER_SIZE.
    pub write_buffer_size: u32,
    /// INTERNET_OPTION_USER_AGENT (session).
    pub user_agent: Option<String>,
    /// INTERNET_OPTION_USERNAME.
    pub username: Option<String>,
    /// INTERNET_OPTION_PASSWORD.
    pub password: Option<Secret>,
    /// INTERNET_OPTION_PROXY_USERNAME.
    pub proxy_username: Option<String>,
    /// INTERNET_OPTION_PROXY_PASSWORD.
    pub proxy_password: Option<Secret>,
    /// INTERNET_OPTION_PROXY.
    pub proxy: ProxyInfo,
    /// Options the protocol leaves define (HTTP_DECODING, SECURITY_FLAGS, ...), inherited like
    /// the rest.
    pub extra: BTreeMap<u32, OptionValue>,
}

/// Defaults (milliseconds): connect 60 s, send / receive 30 s, data send / receive 60 s;
/// 5 connect retries; 8 KiB buffers. See docs/compatibility.md.
impl Default for Options {
    fn default() -> Self {
        Options {
            connect_timeout: 60_000,
            connect_retries: 5,
            send_timeout: 30_000,
            receive_timeout: 30_000,
            data_send_timeout: 60_000,
            data_receive_timeout: 60_000,
            read_buffer_size: 8192,
            write_buffer_size: 8192,
            user_agent: None,
            username: None,
            password: None,
            proxy_username: None,
            proxy_password: None,
            proxy: ProxyInfo {
                access_type: INTERNET_OPEN_TYPE_PRECONFIG,
                proxy: None,
                bypass: None,
            },
            extra: BTreeMap::new(),
        }
    }
}

/// An option's value, as queried.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionValue {
    /// A `DWORD`.
    Dword(u32),
    /// A `DWORD_PTR` (pointer-sized).
    Ptr(u64),
    /// A string (A or W in the C front door).
    Str(String),
    /// A secret string (passwords), never printed.
    Secret(Secret),
    /// A handle (or none).
    Handle(Option<Handle>),
    /// INTERNET_PROXY_INFO.
    Proxy(ProxyInfo),
    /// The status callback; the front door turns it into its own representation.
    Callback,
    /// Opaque bytes (structs the leaves define).
    Bytes(Vec<u8>),
    /// INTERNET_CERTIFICATE_INFO.
    Certificate(Box<CertificateInfo>),
}

impl fmt::Debug for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Dword(v) => write!(f, "Dword({v})"),
            OptionValue::Ptr(v) => write!(f, "Ptr({v:#x})"),
            OptionValue::Str(s) => write!(f, "Str({s:?})"),
            OptionValue::Secret(_) => f.write_str("Secret(***)"),
            OptionValue::Handle(h) => write!(f, "Handle({h:?})"),
            OptionValue::Proxy(p) => write!(f, "Proxy({p:?})"),
            OptionValue::Callback => f.write_str("Callback"),
            OptionValue::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            OptionValue::Certificate(c) => write!(f, "Certificate({c:?})"),
        }
    }
}

/// An option's value, as given to a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionInput<'a> {
    /// No buffer (NULL, 0): options without data such as SETTINGS_CHANGED.
    Empty,
    /// A binary buffer of the caller's length (DWORDs, structs).
    Bytes(&'a [u8]),
    /// A string (the C front door reads it to its NUL; the length argument is ignored).
    Text(&'a str),
    /// INTERNET_PROXY_INFO, decoded by the front door.
    Proxy(ProxyInfo),
}

/// What kind of value an option takes: the C front door uses this to decide how to read the
/// caller's buffer on a set and how to lay the value out on a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    /// `DWORD`.
    Dword,
    /// `DWORD_PTR`.
    Ptr,
    /// A string.
    Str,
    /// INTERNET_PROXY_INFO.
    Proxy,
    /// No data.
    Empty,
    /// A struct or opaque bytes.
    Bytes,
}

/// The type of a known option, `None` for an unknown number.
pub fn option_type(id: u32) -> Option<OptionType> {
    Some(match id {
        INTERNET_OPTION_CONNECT_TIMEOUT
        | INTERNET_OPTION_CONNECT_RETRIES
        | INTERNET_OPTION_SEND_TIMEOUT
        | INTERNET_OPTION_RECEIVE_TIMEOUT
        | INTERNET_OPTION_DATA_SEND_TIMEOUT
        | INTERNET_OPTION_DATA_RECEIVE_TIMEOUT
        | INTERNET_OPTION_HANDLE_TYPE
        | INTERNET_OPTION_READ_BUFFER_SIZE
        | INTERNET_OPTION_WRITE_BUFFER_SIZE
        | INTERNET_OPTION_MAX_CONNS_PER_SERVER
        | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER
        | INTERNET_OPTION_REQUEST_FLAGS
        | INTERNET_OPTION_SECURITY_FLAGS
        | INTERNET_OPTION_SECURITY_KEY_BITNESS
        | INTERNET_OPTION_HTTP_DECODING
        | INTERNET_OPTION_ERROR_MASK => OptionType::Dword,
        INTERNET_OPTION_CONTEXT_VALUE
        | INTERNET_OPTION_PARENT_HANDLE
        | INTERNET_OPTION_CALLBACK => OptionType::Ptr,
        INTERNET_OPTION_USER_AGENT
        | INTERNET_OPTION_USERNAME
        | INTERNET_OPTION_PASSWORD
        | INTERNET_OPTION_PROXY_USERNAME
        | INTERNET_OPTION_PROXY_PASSWORD
        | INTERNET_OPTION_URL
        | INTERNET_OPTION_DATAFILE_NAME
        | INTERNET_OPTION_SECURITY_CERTIFICATE => OptionType::Str,
        INTERNET_OPTION_PROXY => OptionType::Proxy,
        INTERNET_OPTION_SETTINGS_CHANGED
        | INTERNET_OPTION_REFRESH
        | INTERNET_OPTION_END_BROWSER_SESSION => OptionType::Empty,
        INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT | INTERNET_OPTION_VERSION => OptionType::Bytes,
        _ => return None,
    })
}

/// Character unit of the front door asking: the A functions count chars of UTF-8 text, the W
/// functions UTF-16 units (and bytes for some sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharUnit {
    /// `...A` functions: 8-bit characters (UTF-8 on Linux).
    Ansi,
    /// `...W` functions: UTF-16 code units.
    Wide,
}

impl CharUnit {
    /// The length of `s` in this unit (bytes for [`CharUnit::Ansi`], UTF-16 units for
    /// [`CharUnit::Wide`]).
    pub fn len_of(self, s: &str) -> usize {
        match self {
            CharUnit::Ansi => s.len(),
            CharUnit::Wide => s.chars().map(char::len_utf16).sum(),
        }
    }

    /// Size of one unit in bytes: 1 for A, 2 for W.
    pub fn bytes_per_unit(self) -> usize {
        match self {
            CharUnit::Ansi => 1,
            CharUnit::Wide => 2,
        }
    }

    /// Converts a byte offset into `s` (which must lie on a char boundary; otherwise the
    /// offset of the next boundary is used) into an offset in this unit.
    pub fn offset_in(self, s: &str, byte_offset: usize) -> usize {
        match self {
            CharUnit::Ansi => byte_offset.min(s.len()),
            CharUnit::Wide => s
                .char_indices()
                .take_while(|(i, _)| *i < byte_offset)
                .map(|(_, c)| c.len_utf16())
                .sum(),
        }
    }
}

/// Lays a queried value into the caller's buffer with InternetQueryOption's size rules
/// (spec §0.3): DWORDs need 4 bytes and report 4; pointer-sized values need 8; strings report
/// chars excluding the NUL on success and bytes including the NUL when too small (A: chars+1,
/// W: (chars+1)*2), for a NULL buffer too.
///
/// Returns the length to report on success; an `ERROR_INSUFFICIENT_BUFFER` error carries the
/// length to report on failure. `Proxy`, `Callback` and `Handle` values are pointer layouts that
/// only the C front door can produce and are rejected here with `ERROR_INVALID_PARAMETER`.
pub fn encode(value: &OptionValue, buf: Option<&mut [u8]>, unit: CharUnit) -> Result<u32> {
    match value {
        OptionValue::Dword(v) => put_fixed(&v.to_le_bytes(), buf),
        OptionValue::Ptr(v) => put_fixed(&v.to_le_bytes(), buf),
        OptionValue::Handle(h) => put_fixed(&h.map_or(0, Handle::as_raw).to_le_bytes(), buf),
        OptionValue::Str(s) => put_string(s, buf, unit),
        OptionValue::Secret(s) => put_string(s.expose(), buf, unit),
        OptionValue::Bytes(b) => put_fixed(b, buf),
        OptionValue::Proxy(_) | OptionValue::Callback | OptionValue::Certificate(_) => {
            Err(Error::new(ERROR_INVALID_PARAMETER))
        }
    }
}

/// Copies a fixed-size value (a DWORD, a struct) into the caller's buffer, or reports its size
/// through `ERROR_INSUFFICIENT_BUFFER`; returns the size on success.
pub fn put_fixed(bytes: &[u8], buf: Option<&mut [u8]>) -> Result<u32> {
    let n = bytes.len();
    match buf {
        Some(b) if b.len() >= n => {
            b[..n].copy_from_slice(bytes);
            Ok(n as u32)
        }
        _ => Err(Error::insufficient_buffer(n as u64)),
    }
}

/// Copies a string with its NUL into the caller's buffer (UTF-8 for A, UTF-16LE for W).
/// Success returns the characters written without the NUL; a NULL or short buffer is
/// `ERROR_INSUFFICIENT_BUFFER` carrying the bytes needed including the NUL.
pub fn put_string(s: &str, buf: Option<&mut [u8]>, unit: CharUnit) -> Result<u32> {
    match unit {
        CharUnit::Ansi => {
            let need = s.len() + 1;
            match buf {
                Some(b) if b.len() >= need => {
                    b[..s.len()].copy_from_slice(s.as_bytes());
                    b[s.len()] = 0;
                    Ok(s.len() as u32)
                }
                _ => Err(Error::insufficient_buffer(need as u64)),
            }
        }
        CharUnit::Wide => {
            let units: Vec<u16> = s.encode_utf16().collect();
            let need = (units.len() + 1) * 2;
            match buf {
                Some(b) if b.len() >= need => {
                    for (i, u) in units.iter().chain(std::iter::once(&0)).enumerate() {
                        b[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
                    }
                    Ok(units.len() as u32)
                }
                _ => Err(Error::insufficient_buffer(need as u64)),
            }
        }
    }
}

/// Process-wide values (the NULL handle).
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOptions {
    /// Defaults copied into sessions created later.
    pub defaults: Options,
    /// INTERNET_OPTION_MAX_CONNS_PER_SERVER (default 2, as WinINet).
    pub max_conns_per_server: u32,
    /// INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER (default 4, as WinINet).
    pub max_conns_per_1_0_server: u32,
}

impl Default for GlobalOptions {
    fn default() -> Self {
        GlobalOptions {
            defaults: Options::default(),
            max_conns_per_server: 2,
            max_conns_per_1_0_server: 4,
        }
    }
}

fn dword_of(input: &OptionInput<'_>, short: u32) -> Result<u32> {
    match input {
        OptionInput::Bytes(b) if b.len() == 4 => Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        _ => Err(Error::new(short)),
    }
}

fn text_of(input: &OptionInput<'_>) -> Result<String> {
    match input {
        OptionInput::Text(s) => Ok((*s).to_owned()),
        OptionInput::Bytes(b) => {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8(b[..end].to_vec()).map_err(|_| Error::new(ERROR_INVALID_PARAMETER))
        }
        _ => Err(Error::new(ERROR_INVALID_PARAMETER)),
    }
}

/// Queries a process-wide option (NULL handle).
pub fn query_global(g: &GlobalOptions, id: u32) -> Result<OptionValue> {
    let d = &g.defaults;
    Ok(match id {
        INTERNET_OPTION_CONNECT_TIMEOUT => OptionValue::Dword(d.connect_timeout),
        INTERNET_OPTION_CONNECT_RETRIES => OptionValue::Dword(d.connect_retries),
        INTERNET_OPTION_SEND_TIMEOUT => OptionValue::Dword(d.send_timeout),
        INTERNET_OPTION_RECEIVE_TIMEOUT => OptionValue::Dword(d.receive_timeout),
        INTERNET_OPTION_DATA_SEND_TIMEOUT => OptionValue::Dword(d.data_send_timeout),
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT => OptionValue::Dword(d.data_receive_timeout),
        INTERNET_OPTION_MAX_CONNS_PER_SERVER => OptionValue::Dword(g.max_conns_per_server),
        INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => OptionValue::Dword(g.max_conns_per_1_0_server),
        INTERNET_OPTION_PROXY => OptionValue::Proxy(d.proxy.clone()),
        INTERNET_OPTION_VERSION => {
            let mut v = 1u32.to_le_bytes().to_vec();
            v.extend_from_slice(&2u32.to_le_bytes());
            OptionValue::Bytes(v)
        }
        INTERNET_OPTION_POLICY => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        _ if option_type(id).is_some() => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        _ => return Err(Error::new(ERROR_INTERNET_INVALID_OPTION)),
    })
}

/// Sets a process-wide option (NULL handle).
pub fn set_global(g: &mut GlobalOptions, id: u32, input: &OptionInput<'_>) -> Result<()> {
    let bad_len = ERROR_INTERNET_BAD_OPTION_LENGTH;
    match id {
        INTERNET_OPTION_CONNECT_TIMEOUT => {
            let v = dword_of(input, bad_len)?;
            if v == 0 {
                return Err(Error::new(ERROR_BAD_ARGUMENTS));
            }
            g.defaults.connect_timeout = v;
        }
        INTERNET_OPTION_CONNECT_RETRIES => g.defaults.connect_retries = dword_of(input, bad_len)?,
        INTERNET_OPTION_SEND_TIMEOUT => g.defaults.send_timeout = dword_of(input, bad_len)?,
        INTERNET_OPTION_RECEIVE_TIMEOUT => g.defaults.receive_timeout = dword_of(input, bad_len)?,
        INTERNET_OPTION_DATA_SEND_TIMEOUT => {
            g.defaults.data_send_timeout = dword_of(input, bad_len)?
        }
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT => {
            g.defaults.data_receive_timeout = dword_of(input, bad_len)?
        }
        INTERNET_OPTION_MAX_CONNS_PER_SERVER | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => {
            let v = dword_of(input, bad_len)?;
            if v == 0 {
                return Err(Error::new(ERROR_BAD_ARGUMENTS));
            }
            if id == INTERNET_OPTION_MAX_CONNS_PER_SERVER {
                g.max_conns_per_server = v;
            } else {
                g.max_conns_per_1_0_server = v;
            }
        }
        INTERNET_OPTION_PROXY => match input {
            OptionInput::Proxy(p) => g.defaults.proxy = p.clone(),
            _ => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        },
        INTERNET_OPTION_SETTINGS_CHANGED
        | INTERNET_OPTION_REFRESH
        | INTERNET_OPTION_END_BROWSER_SESSION => {}
        INTERNET_OPTION_POLICY => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        _ if option_type(id).is_some() => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        _ => return Err(Error::new(ERROR_INTERNET_INVALID_OPTION)),
    }
    Ok(())
}

/// The facts about a handle the generic option code needs.
#[derive(Debug, Clone, Copy)]
pub struct HandleFacts {
    /// The handle's kind.
    pub kind: HandleKind,
    /// Its parent, if any.
    pub parent: Option<Handle>,
    /// Its context value.
    pub context: u64,
}

/// Queries a generic (protocol-independent) option on a handle. Leaf options are answered by
/// the leaf before this is consulted.
pub fn query_handle(o: &Options, f: &HandleFacts, id: u32) -> Result<OptionValue> {
    let session = f.kind == HandleKind::Internet;
    Ok(match id {
        INTERNET_OPTION_HANDLE_TYPE => OptionValue::Dword(f.kind.wininet_type()),
        INTERNET_OPTION_CONTEXT_VALUE => OptionValue::Ptr(f.context),
        INTERNET_OPTION_PARENT_HANDLE => OptionValue::Handle(f.parent),
        INTERNET_OPTION_CALLBACK => OptionValue::Callback,
        INTERNET_OPTION_CONNECT_TIMEOUT => OptionValue::Dword(o.connect_timeout),
        INTERNET_OPTION_CONNECT_RETRIES => OptionValue::Dword(o.connect_retries),
        INTERNET_OPTION_SEND_TIMEOUT => OptionValue::Dword(o.send_timeout),
        INTERNET_OPTION_RECEIVE_TIMEOUT => OptionValue::Dword(o.receive_timeout),
        INTERNET_OPTION_DATA_SEND_TIMEOUT => OptionValue::Dword(o.data_send_timeout),
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT => OptionValue::Dword(o.data_receive_timeout),
        INTERNET_OPTION_READ_BUFFER_SIZE => OptionValue::Dword(o.read_buffer_size),
        INTERNET_OPTION_WRITE_BUFFER_SIZE => OptionValue::Dword(o.write_buffer_size),
        INTERNET_OPTION_USER_AGENT => {
            if f.kind.is_connect() {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            OptionValue::Str(o.user_agent.clone().unwrap_or_default())
        }
        INTERNET_OPTION_USERNAME | INTERNET_OPTION_PASSWORD if session => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        INTERNET_OPTION_USERNAME => OptionValue::Str(o.username.clone().unwrap_or_default()),
        INTERNET_OPTION_PASSWORD => OptionValue::Secret(o.password.clone().unwrap_or_default()),
        INTERNET_OPTION_PROXY_USERNAME => {
            OptionValue::Str(o.proxy_username.clone().unwrap_or_default())
        }
        INTERNET_OPTION_PROXY_PASSWORD => {
            OptionValue::Secret(o.proxy_password.clone().unwrap_or_default())
        }
        INTERNET_OPTION_PROXY => {
            if !session {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            OptionValue::Proxy(o.proxy.clone())
        }
        INTERNET_OPTION_MAX_CONNS_PER_SERVER | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => {
            return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION));
        }
        INTERNET_OPTION_URL | INTERNET_OPTION_REQUEST_FLAGS => {
            if !f.kind.is_leaf() {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            // A leaf that has these answers them before the generic code is asked.
            return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION));
        }
        INTERNET_OPTION_POLICY => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        _ => match o.extra.get(&id) {
            Some(v) => v.clone(),
            None if option_type(id).is_some() => {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            None => return Err(Error::new(ERROR_INTERNET_INVALID_OPTION)),
        },
    })
}

/// Sets a generic option on a handle's options. `CONTEXT_VALUE` is handled by the caller (the
/// context lives in the node header, not in the inherited options).
pub fn set_handle(
    o: &mut Options,
    kind: HandleKind,
    id: u32,
    input: &OptionInput<'_>,
) -> Result<()> {
    let session = kind == HandleKind::Internet;
    // Timeouts: on the session a wrong size is BAD_OPTION_LENGTH and 0 is BAD_ARGUMENTS for the
    // connect timeout; on connect/request handles a wrong size is INVALID_PARAMETER (Wine).
    let short = if session {
        ERROR_INTERNET_BAD_OPTION_LENGTH
    } else {
        ERROR_INVALID_PARAMETER
    };
    match id {
        INTERNET_OPTION_CONNECT_TIMEOUT => {
            let v = dword_of(input, short)?;
            if v == 0 && session {
                return Err(Error::new(ERROR_BAD_ARGUMENTS));
            }
            o.connect_timeout = v;
        }
        INTERNET_OPTION_CONNECT_RETRIES => o.connect_retries = dword_of(input, short)?,
        INTERNET_OPTION_SEND_TIMEOUT => o.send_timeout = dword_of(input, short)?,
        INTERNET_OPTION_RECEIVE_TIMEOUT => o.receive_timeout = dword_of(input, short)?,
        INTERNET_OPTION_DATA_SEND_TIMEOUT => o.data_send_timeout = dword_of(input, short)?,
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT => o.data_receive_timeout = dword_of(input, short)?,
        INTERNET_OPTION_READ_BUFFER_SIZE | INTERNET_OPTION_WRITE_BUFFER_SIZE => {
            let v = dword_of(input, ERROR_INTERNET_BAD_OPTION_LENGTH)?;
            if v == 0 {
                return Err(Error::new(ERROR_INVALID_PARAMETER));
            }
            if id == INTERNET_OPTION_READ_BUFFER_SIZE {
                o.read_buffer_size = v;
            } else {
                o.write_buffer_size = v;
            }
        }
        INTERNET_OPTION_USER_AGENT => {
            if !session {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            o.user_agent = Some(text_of(input)?);
        }
        INTERNET_OPTION_USERNAME | INTERNET_OPTION_PASSWORD if session => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        INTERNET_OPTION_PROXY_USERNAME | INTERNET_OPTION_PROXY_PASSWORD if session => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        INTERNET_OPTION_USERNAME => o.username = Some(text_of(input)?),
        INTERNET_OPTION_PASSWORD => o.password = Some(Secret::new(text_of(input)?)),
        INTERNET_OPTION_PROXY_USERNAME => o.proxy_username = Some(text_of(input)?),
        INTERNET_OPTION_PROXY_PASSWORD => o.proxy_password = Some(Secret::new(text_of(input)?)),
        INTERNET_OPTION_PROXY => {
            if !session {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
            match input {
                OptionInput::Proxy(p) => o.proxy = p.clone(),
                _ => return Err(Error::new(ERROR_INVALID_PARAMETER)),
            }
        }
        INTERNET_OPTION_MAX_CONNS_PER_SERVER | INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER => {
            return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION));
        }
        INTERNET_OPTION_HANDLE_TYPE
        | INTERNET_OPTION_PARENT_HANDLE
        | INTERNET_OPTION_CALLBACK
        | INTERNET_OPTION_URL
        | INTERNET_OPTION_REQUEST_FLAGS
        | INTERNET_OPTION_SECURITY_CERTIFICATE
        | INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT
        | INTERNET_OPTION_SECURITY_KEY_BITNESS
        | INTERNET_OPTION_DATAFILE_NAME
        | INTERNET_OPTION_VERSION => return Err(Error::new(ERROR_INTERNET_OPTION_NOT_SETTABLE)),
        INTERNET_OPTION_REFRESH => {
            if !session {
                return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
            }
        }
        INTERNET_OPTION_SETTINGS_CHANGED | INTERNET_OPTION_END_BROWSER_SESSION => {}
        INTERNET_OPTION_POLICY => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        INTERNET_OPTION_HTTP_DECODING => {
            let v = dword_of(input, ERROR_INTERNET_BAD_OPTION_LENGTH)?;
            o.extra.insert(id, OptionValue::Dword(u32::from(v != 0)));
        }
        _ if option_type(id).is_some() => {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        _ => return Err(Error::new(ERROR_INTERNET_INVALID_OPTION)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_string_rules_match_native() {
        let v = OptionValue::Str("agent".into());
        let e = encode(&v, None, CharUnit::Ansi).unwrap_err();
        assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(6)));
        let mut small = [0u8; 5];
        assert_eq!(
            encode(&v, Some(&mut small), CharUnit::Ansi)
                .unwrap_err()
                .needed(),
            Some(6)
        );
        let mut b = [0xAAu8; 6];
        assert_eq!(encode(&v, Some(&mut b), CharUnit::Ansi).unwrap(), 5);
        assert_eq!(&b, b"agent\0");
    }

    #[test]
    fn wide_string_rules_report_bytes_when_short_and_chars_on_success() {
        let v = OptionValue::Str("ab".into());
        assert_eq!(
            encode(&v, None, CharUnit::Wide).unwrap_err().needed(),
            Some(6)
        );
        let mut b = [0u8; 6];
        assert_eq!(encode(&v, Some(&mut b), CharUnit::Wide).unwrap(), 2);
        assert_eq!(b, [b'a', 0, b'b', 0, 0, 0]);
    }

    #[test]
    fn dword_needs_four_bytes() {
        let mut b = [0u8; 3];
        let e = encode(&OptionValue::Dword(7), Some(&mut b), CharUnit::Ansi).unwrap_err();
        assert_eq!(e.needed(), Some(4));
        let mut b = [0u8; 8];
        assert_eq!(
            encode(&OptionValue::Dword(7), Some(&mut b), CharUnit::Ansi).unwrap(),
            4
        );
    }

    #[test]
    fn empty_agent_needs_one_byte() {
        let v = OptionValue::Str(String::new());
        assert_eq!(
            encode(&v, None, CharUnit::Ansi).unwrap_err().needed(),
            Some(1)
        );
    }
}
