//! The command line.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Exit code: everything done.
pub const EXIT_OK: u8 = 0;
/// Exit code: done, with errors (some files not copied, deletions skipped, names refused).
pub const EXIT_ERRORS: u8 = 1;
/// Exit code: bad command line.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: could not connect or log in.
pub const EXIT_CONNECT: u8 = 3;

const AFTER: &str = "\
Exit codes:
  0  all done
  1  done with errors (files not copied, names refused, deletions skipped)
  2  usage error
  3  could not connect or log in

Credentials: from the URL (ftp://user:pass@host/), --user/--password, or a netrc file
(--netrc FILE, else $NETRC, else ~/.netrc).";

/// Mirrors FTP, FTPS, HTTP and HTTPS trees with hinternet.
#[derive(Debug, Parser)]
#[command(name = "inetsync", version, after_help = AFTER)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mirror a remote tree (ftp, ftps, http, https URL; or a local folder) into a local folder.
    #[command(after_help = AFTER)]
    Pull {
        /// The source URL (a folder: ends in '/' or is treated as one).
        source: String,
        /// The local target folder (created if missing).
        target: PathBuf,
        #[command(flatten)]
        opts: SyncOpts,
    },
    /// Mirror a local folder to an FTP(S) folder.
    #[command(after_help = AFTER)]
    Push {
        /// The local source folder.
        source: PathBuf,
        /// The target URL (ftp or ftps).
        target: String,
        #[command(flatten)]
        opts: SyncOpts,
    },
    /// Start loopback FTP and HTTP test servers over a generated tree, pull, change, re-sync
    /// and push, and print what happened.
    Demo {
        /// Files in the generated tree.
        #[arg(long, default_value_t = 300)]
        files: usize,
        #[command(flatten)]
        opts: SyncOpts,
    },
}

/// Options shared by the commands.
#[derive(Debug, Clone, Args)]
pub struct SyncOpts {
    /// Print the plan and change nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Delete target files that are not on the source (only after every transfer succeeded).
    #[arg(long)]
    pub delete: bool,
    /// With --delete: delete nothing if more than N files would go.
    #[arg(long, value_name = "N")]
    pub max_delete: Option<usize>,
    /// Parallel transfers (FTP sessions / HTTP connections).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub transfers: u16,
    /// Parallel listings.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub checkers: u16,
    /// Only files matching a glob (repeatable; without '/' it matches the file name).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out files matching a glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Compare sizes only, not modification times.
    #[arg(long)]
    pub size_only: bool,
    /// Continue partial downloads left by an interrupted run (REST / Range).
    #[arg(long)]
    pub resume: bool,
    /// Retries per file after a transient error.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Connect and per-read timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// User name (overrides netrc; the URL's wins).
    #[arg(long)]
    pub user: Option<String>,
    /// Password.
    #[arg(long)]
    pub password: Option<String>,
    /// A netrc file to take credentials from.
    #[arg(long, value_name = "FILE")]
    pub netrc: Option<PathBuf>,
    /// Also trust the CA certificates in this PEM file (HTTPS and FTPS).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// ftps:// means explicit FTPS (AUTH TLS on port 21) instead of implicit (TLS from the
    /// first byte, port 990).
    #[arg(long)]
    pub explicit_tls: bool,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// More output (repeatable).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Less output: errors only.
    #[arg(short, long)]
    pub quiet: bool,
}
