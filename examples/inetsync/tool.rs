//! inetsync: the tool behind `main.rs` (also included by the integration tests).

pub mod cli;
pub mod demo;
pub mod filter;
pub mod index;
pub mod netrc;
pub mod plan;
pub mod progress;
pub mod remote;
pub mod report;
pub mod safety;
pub mod target;
pub mod transfer;
pub mod walk;

use clap::Parser;
use cli::{Cli, Command, EXIT_CONNECT, EXIT_ERRORS, EXIT_OK, EXIT_USAGE, SyncOpts};
use progress::{ByteHook, Progress};
use remote::{Remote, SyncError, ftp::FtpRemote, http::HttpRemote, local::LocalDir};
use report::Summary;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Test hooks (none in normal runs).
#[derive(Clone, Default)]
pub struct Hooks {
    /// Called after each piece of each file.
    pub on_bytes: Option<ByteHook>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks").finish_non_exhaustive()
    }
}

/// One side of a sync as given on the command line.
#[derive(Debug, Clone)]
pub enum Side {
    /// A local folder.
    Local(PathBuf),
    /// A URL.
    Url(String),
}

/// Parses the arguments (the first is the program name) and runs; the process's exit code.
pub fn main_with_args<I, T>(args: I) -> std::process::ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let opts = match &cli.command {
        Command::Pull { opts, .. } | Command::Push { opts, .. } | Command::Demo { opts, .. } => {
            opts
        }
    };
    init_logging(opts);
    // One thread runs every transfer: the work per file is a few system calls, and handing
    // tasks between worker threads (futex wake-ups, idle workers stealing) cost more than it
    // saved: a pull of 2,000 small files took 0.28-0.34 s on two workers and 0.22-0.27 s on
    // one (docs/performance.md, Mirror). Local file work goes to the blocking pool, except
    // the writing of tiny files (remote/local.rs, INLINE).
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("inetsync: cannot start the runtime: {e}");
            return std::process::ExitCode::from(EXIT_ERRORS);
        }
    };
    let code = rt.block_on(run(cli, Hooks::default())).0;
    std::process::ExitCode::from(code)
}

fn init_logging(opts: &SyncOpts) {
    let level = if opts.quiet {
        "error"
    } else {
        match opts.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("inetsync={level},{level}"))
    });
    // suppaftp traces every command line, PASS included, at trace level: never let that through,
    // whatever RUST_LOG says (credentials are never logged). The cap is the chosen level, at
    // most debug (a fixed `suppaftp=debug` would turn its debug lines on under -q).
    let filter = match format!("suppaftp={level}").parse() {
        Ok(cap) => filter.add_directive(cap),
        Err(_) => filter,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Parses `args` (without the program name) and runs in the caller's runtime: for tests.
pub async fn run_args(args: &[&str], hooks: Hooks) -> (u8, Option<Summary>) {
    let all = std::iter::once("inetsync").chain(args.iter().copied());
    match Cli::try_parse_from(all) {
        Ok(cli) => run(cli, hooks).await,
        Err(e) => (if e.use_stderr() { EXIT_USAGE } else { EXIT_OK }, None),
    }
}

/// Runs a parsed command line: the exit code and, for pull and push, the summary.
pub async fn run(cli: Cli, hooks: Hooks) -> (u8, Option<Summary>) {
    match cli.command {
        Command::Pull {
            source,
            target,
            opts,
        } => {
            let src = if source.contains("://") {
                Side::Url(source)
            } else {
                Side::Local(PathBuf::from(source))
            };
            finish(
                "pull",
                sync("pull", src, Side::Local(target), &opts, hooks).await,
                &opts,
            )
        }
        Command::Push {
            source,
            target,
            opts,
        } => {
            if !(target.starts_with("ftp://") || target.starts_with("ftps://")) {
                eprintln!("inetsync: push needs an ftp:// or ftps:// target");
                return (EXIT_USAGE, None);
            }
            let r = sync("push", Side::Local(source), Side::Url(target), &opts, hooks).await;
            finish("push", r, &opts)
        }
        Command::Demo { files, opts } => (demo::demo(files, &opts).await, None),
    }
}

fn finish(
    command: &str,
    r: Result<Summary, (u8, String)>,
    opts: &SyncOpts,
) -> (u8, Option<Summary>) {
    match r {
        Ok(s) => {
            if opts.json {
                println!("{}", s.json());
            }
            if !opts.quiet {
                eprintln!("{}", s.text());
            }
            (s.exit_code, Some(s))
        }
        Err((code, msg)) => {
            eprintln!("inetsync {command}: {msg}");
            (code, None)
        }
    }
}

/// Builds the session, with timeouts and status events shown on the progress display.
fn internet(
    opts: &SyncOpts,
    progress: &Arc<Progress>,
) -> Result<hinternet::Internet, (u8, String)> {
    use hinternet::consts::*;
    if let Some(path) = &opts.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| (EXIT_USAGE, format!("--ca-file {}: {e}", path.display())))?;
        hinternet::add_root_certificates_pem(&pem)
            .map_err(|e| (EXIT_USAGE, format!("--ca-file {}: {e}", path.display())))?;
    }
    let inet = hinternet::Internet::builder()
        .agent(concat!("inetsync/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| (EXIT_ERRORS, format!("cannot start: {e}")))?;
    let t = Duration::from_secs(opts.timeout.max(1));
    for o in [
        INTERNET_OPTION_CONNECT_TIMEOUT,
        INTERNET_OPTION_SEND_TIMEOUT,
        INTERNET_OPTION_RECEIVE_TIMEOUT,
        INTERNET_OPTION_DATA_SEND_TIMEOUT,
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT,
    ] {
        let _ = inet.set_timeout(o, t);
    }
    // Status events only feed the bars (and debug logs): no callback costs nothing per event.
    if !progress.shows_bars() && !tracing::enabled!(tracing::Level::DEBUG) {
        return Ok(inet);
    }
    let p = Arc::clone(progress);
    inet.on_status(move |n| {
        use hinternet::StatusEvent as E;
        let text = match &n.event {
            E::ResolvingName(h) => format!("resolving {h}"),
            E::ConnectingToServer(a) => format!("connecting {a}"),
            _ => return,
        };
        p.status(&text);
        tracing::debug!("{text}");
    });
    Ok(inet)
}

/// Opens one side.
async fn open_side(
    side: &Side,
    opts: &SyncOpts,
    inet: &hinternet::Internet,
    writable: bool,
) -> Result<Arc<dyn Remote>, (u8, String)> {
    let url = match side {
        Side::Local(p) => return Ok(Arc::new(LocalDir::new(p.clone()))),
        Side::Url(u) => u,
    };
    let mut t = target::Target::parse(url)
        .map_err(|e| (EXIT_USAGE, format!("{}: {e}", safety::redact_url(url))))?;
    t.explicit_tls = opts.explicit_tls;
    if t.user.is_none() {
        if let Some(u) = &opts.user {
            t.user = Some(u.clone());
            t.password = opts.password.clone();
        } else if let Some((u, p)) = netrc::credentials(opts.netrc.as_deref(), &t.host) {
            t.user = Some(u);
            t.password = p;
        }
    }
    let shown = t.display();
    let connect_err = |e: SyncError| {
        let code = if e.connect { EXIT_CONNECT } else { EXIT_ERRORS };
        (code, e.message)
    };
    match t.scheme.as_str() {
        "ftp" | "ftps" => {
            let sessions = usize::from(opts.transfers.max(opts.checkers));
            let r = FtpRemote::connect(inet, t, sessions, writable).await;
            Ok(Arc::new(r.map_err(connect_err)?))
        }
        "http" | "https" if !writable => Ok(Arc::new(
            HttpRemote::connect(inet, t).await.map_err(connect_err)?,
        )),
        _ => Err((EXIT_USAGE, format!("{shown}: cannot write there"))),
    }
}

fn plan_lines(p: &plan::Plan, delete: bool) -> Vec<String> {
    let mut out = Vec::new();
    for c in &p.copies {
        out.push(format!(
            "copy {:<14} {} ({} bytes)",
            c.reason.word(),
            c.entry.path,
            c.entry.size
        ));
    }
    for d in &p.extraneous {
        out.push(format!(
            "{} {d}",
            if delete {
                "delete"
            } else {
                "extraneous (kept)"
            }
        ));
    }
    out
}

/// Mirrors `src` into `dst`.
pub async fn sync(
    command: &str,
    src: Side,
    dst: Side,
    opts: &SyncOpts,
    hooks: Hooks,
) -> Result<Summary, (u8, String)> {
    let started = Instant::now();
    let filter = filter::Filter::new(&opts.include, &opts.exclude).map_err(|e| (EXIT_USAGE, e))?;
    let progress = Arc::new(Progress::new(
        !opts.quiet && !opts.json,
        hooks.on_bytes.clone(),
    ));
    let inet = internet(opts, &progress)?;
    let src_remote = open_side(&src, opts, &inet, false).await?;
    let dst_remote = open_side(&dst, opts, &inet, true).await?;
    let checkers = usize::from(opts.checkers);
    let (src_list, dst_list) = tokio::join!(
        walk::walk(Arc::clone(&src_remote), checkers),
        walk::walk(Arc::clone(&dst_remote), checkers)
    );
    tracing::info!(
        "walked {} + {} files in {:.3}s",
        src_list.files.len(),
        dst_list.files.len(),
        started.elapsed().as_secs_f64()
    );
    let mut summary = Summary {
        command: command.to_owned(),
        source: src_remote.describe(),
        target: dst_remote.describe(),
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    // Nothing at all could be listed on the source because it cannot be reached.
    if src_list.files.is_empty() && src_list.errors.iter().any(|e| e.connect) {
        let msg = src_list
            .errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        return Err((EXIT_CONNECT, msg));
    }
    let p = plan::plan(
        &src_list.files,
        &dst_list.files,
        &filter,
        plan::Compare {
            size_only: opts.size_only || !dst_remote.keeps_times(),
        },
    );
    summary.refused = src_list
        .refused
        .iter()
        .chain(p.refused.iter())
        .map(|(n, why)| format!("{n}: {why}"))
        .collect();
    summary.errors = src_list
        .errors
        .iter()
        .chain(dst_list.errors.iter())
        .map(ToString::to_string)
        .collect();
    for r in &summary.refused {
        progress.println(&format!("refused: {r}"));
    }
    for e in &summary.errors {
        progress.println(&format!("error: {e}"));
    }
    summary.planned = p.copies.len() as u64;
    summary.skipped = p.unchanged.len() as u64;
    summary.excluded = p.excluded as u64;
    summary.extraneous = p.extraneous.len() as u64;
    if opts.dry_run {
        if !opts.json {
            for l in plan_lines(&p, opts.delete) {
                println!("{l}");
            }
        }
        summary.bytes = p.copy_bytes();
    } else {
        progress.begin(p.copies.len() as u64, p.copy_bytes());
        let earlier = summary.refused.len() + summary.errors.len();
        let done = transfer::execute(
            &p,
            Arc::clone(&src_remote),
            Arc::clone(&dst_remote),
            transfer::Exec {
                transfers: usize::from(opts.transfers),
                retries: opts.retries,
                resume: opts.resume,
                delete: opts.delete,
                max_delete: opts.max_delete,
            },
            Arc::clone(&progress),
            earlier,
        )
        .await;
        progress.finish();
        summary.copied = done.copied;
        summary.resumed = done.resumed;
        summary.bytes = progress.bytes();
        summary.deleted = done.deleted;
        summary.delete_skipped = done.delete_skipped.clone();
        for (_, e) in &done.failed {
            summary.errors.push(e.to_string());
        }
        for e in &done.delete_errors {
            summary.errors.push(e.to_string());
        }
        if opts.verbose > 0 {
            for c in &p.copies {
                if !done.failed.iter().any(|(f, _)| *f == c.entry.path) {
                    eprintln!("copied {} {}", c.reason.word(), c.entry.path);
                }
            }
        }
    }
    summary.elapsed = started.elapsed().as_secs_f64();
    summary.rate = if summary.elapsed > 0.0 && !opts.dry_run {
        summary.bytes as f64 / summary.elapsed
    } else {
        0.0
    };
    let max_delete_hit = summary
        .delete_skipped
        .as_deref()
        .is_some_and(|w| w.contains("--max-delete"));
    summary.exit_code =
        if summary.errors.is_empty() && summary.refused.is_empty() && !max_delete_hit {
            EXIT_OK
        } else {
            EXIT_ERRORS
        };
    Ok(summary)
}
