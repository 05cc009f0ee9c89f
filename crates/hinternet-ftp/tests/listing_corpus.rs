//! Listing corpus: realistic `LIST` / `MLSD` output of real servers (fixtures under
//! `tests/fixtures/listings/`), every line asserted: the exact entry (name bytes, size,
//! attributes, time and precision, link target) or exactly why it was skipped.
//!
//! All fixtures are parsed with "now" = 2026-11-22 03:00:00 UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hinternet_core::consts::{
    FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_READONLY,
};
use hinternet_core::{FindData, TimePrecision, Timestamp};
use hinternet_ftp::listing::{
    Field, Listing, ListingFormat, ListingParser, MAX_LINE_LEN, SkipReason, parse_listing,
};

const D: u32 = FILE_ATTRIBUTE_DIRECTORY;
const N: u32 = FILE_ATTRIBUTE_NORMAL;
const R: u32 = FILE_ATTRIBUTE_READONLY;
const DR: u32 = FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_READONLY;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_316_400)
}

/// Days since 1970-01-01 (independent of the crate's own calendar code: a plain day count).
fn days(y: i64, m: u32, d: u32) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut n = 0i64;
    if y >= 1970 {
        for yy in 1970..y {
            n += if leap(yy) { 366 } else { 365 };
        }
    } else {
        for yy in y..1970 {
            n -= if leap(yy) { 366 } else { 365 };
        }
    }
    let month_len = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    n + month_len[..(m - 1) as usize].iter().sum::<i64>() + i64::from(d) - 1
}

fn ts(
    (y, mo, d): (i64, u32, u32),
    (h, mi, s): (u32, u32, u32),
    ns: u32,
    p: TimePrecision,
) -> Option<Timestamp> {
    let secs = days(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    let t = if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs.unsigned_abs(), ns)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + Duration::from_nanos(ns.into())
    };
    Some(Timestamp::new(t, p))
}

fn day(y: i64, mo: u32, d: u32) -> Option<Timestamp> {
    ts((y, mo, d), (0, 0, 0), 0, TimePrecision::Day)
}
fn min(y: i64, mo: u32, d: u32, h: u32, mi: u32) -> Option<Timestamp> {
    ts((y, mo, d), (h, mi, 0), 0, TimePrecision::Minute)
}
fn sec(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<Timestamp> {
    ts((y, mo, d), (h, mi, s), 0, TimePrecision::Second)
}
fn exact(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ns: u32) -> Option<Timestamp> {
    ts((y, mo, d), (h, mi, s), ns, TimePrecision::Exact)
}

enum Exp {
    Entry(FindData),
    Skip(SkipReason),
}

fn e(name: &[u8], size: u64, attrs: u32, modified: Option<Timestamp>) -> Exp {
    let mut f = FindData::new(name, size);
    f.attributes = attrs;
    f.modified = modified;
    Exp::Entry(f)
}

fn link(name: &[u8], size: u64, modified: Option<Timestamp>, target: &[u8]) -> Exp {
    let mut f = FindData::new(name, size);
    f.modified = modified;
    f.link_target = Some(target.to_vec());
    Exp::Entry(f)
}

fn skip(r: SkipReason) -> Exp {
    Exp::Skip(r)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/listings/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses `file` and checks it line by line against `expected` (one item per line) and the
/// indices of flagged entries; also checks that chunked feeding and per-line parsing agree.
fn check(file: &str, format: ListingFormat, expected: &[Exp], flagged: &[usize]) -> Listing {
    let bytes = fixture(file);
    let lines: Vec<&[u8]> = {
        let mut v: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if v.last().is_some_and(|l| l.is_empty()) {
            v.pop();
        }
        v
    };
    assert_eq!(lines.len(), expected.len(), "{file}: line count");
    let listing = parse_listing(&bytes, format, now());

    let parser = ListingParser::new(format, now());
    let mut entries = listing.entries.iter();
    let mut skipped = Vec::new();
    for (i, (exp, line)) in expected.iter().zip(&lines).enumerate() {
        let line_no = i + 1;
        let shown = String::from_utf8_lossy(line);
        match exp {
            Exp::Entry(want) => {
                let got = entries
                    .next()
                    .unwrap_or_else(|| panic!("{file}:{line_no}: no entry"));
                assert_eq!(got, want, "{file}:{line_no}: {shown}");
                assert_eq!(
                    parser.parse_line(line).as_ref(),
                    Ok(want),
                    "{file}:{line_no}"
                );
            }
            Exp::Skip(reason) => {
                skipped.push((line_no, *reason));
                assert_eq!(
                    parser.parse_line(line),
                    Err(*reason),
                    "{file}:{line_no}: {shown}"
                );
            }
        }
    }
    assert!(entries.next().is_none(), "{file}: extra entries");
    assert_eq!(listing.skipped, skipped, "{file}: skipped lines");
    assert_eq!(listing.flagged, flagged, "{file}: flagged entries");

    for chunk in [1, 2, 3, 7, 64] {
        let mut p = ListingParser::new(format, now());
        for c in bytes.chunks(chunk) {
            p.push(c);
        }
        assert_eq!(p.finish(), listing, "{file}: chunks of {chunk}");
    }
    listing
}

#[test]
fn now_is_2026_11_22_0300_utc() {
    assert_eq!(min(2026, 11, 22, 3, 0).unwrap().time, now());
    assert_eq!(
        day(2019, 3, 5).unwrap().time,
        UNIX_EPOCH + Duration::from_secs(1_551_744_000)
    );
    assert_eq!(
        day(1969, 12, 31).unwrap().time,
        UNIX_EPOCH - Duration::from_secs(86_400)
    );
}

#[test]
fn vsftpd_list() {
    let l = check(
        "vsftpd.txt",
        ListingFormat::Auto,
        &[
            e(b"pub", 4096, D, min(2026, 9, 12, 8, 15)),
            e(b"1MB.bin", 1_048_576, N, min(2026, 11, 20, 23, 59)),
            e(b"4GiB.iso", 4_294_967_296, N, min(2026, 10, 1, 0, 0)),
            link(b"latest", 11, min(2026, 7, 4, 12, 30), b"pub/v1.2.3"),
            e(b"README", 220, R, day(2019, 3, 5)),
            e(b"old stuff", 4096, D, day(1999, 12, 31)),
            e(b"empty file.txt", 0, N, min(2026, 11, 22, 2, 59)),
            e(b"leap", 4096, D, day(2024, 2, 29)),
            e(b".hidden", 42, N, min(2026, 6, 1, 10, 0)),
            e(b" leading space", 17, N, min(2026, 11, 21, 12, 0)),
            e(b"trailing space ", 17, N, min(2026, 11, 21, 12, 0)),
            e(b"fifo", 0, N, min(2026, 8, 15, 16, 45)),
            e(b"caf\xe9.txt", 1234, N, min(2026, 5, 30, 9, 9)),
        ],
        &[],
    );
    assert_eq!(l.unparsed().count(), 0);
}

#[test]
fn vsftpd_list_parses_the_same_when_the_format_is_known() {
    let auto = parse_listing(&fixture("vsftpd.txt"), ListingFormat::Auto, now());
    let unix = parse_listing(&fixture("vsftpd.txt"), ListingFormat::Unix, now());
    assert_eq!(auto, unix);
}

#[test]
fn proftpd_list() {
    check(
        "proftpd.txt",
        ListingFormat::Auto,
        &[
            skip(SkipReason::Summary),
            skip(SkipReason::SelfOrParent),
            skip(SkipReason::SelfOrParent),
            e(b"backup.tar.gz", 123_456_789, N, min(2026, 10, 28, 9, 3)),
            e(b"acl-file.txt", 2048, N, min(2026, 8, 7, 14, 22)),
            e(b"shared", 4096, D, min(2026, 8, 7, 14, 22)),
            e(b"setuid-bin", 54_256, N, day(2022, 3, 23)),
            e(b"tmp", 4096, D, min(2026, 11, 22, 2, 0)),
            link(b"docs", 20, min(2026, 9, 1, 0, 0), b"/srv/ftp/share/docs"),
            link(b"name with spaces", 9, min(2026, 9, 1, 0, 0), b"target dir"),
            e(b"na\xefve r\xe9sum\xe9.doc", 5, N, min(2026, 11, 1, 11, 11)),
            e("日本語.txt".as_bytes(), 5, N, min(2026, 11, 1, 11, 11)),
            e(b"readonly-dir", 4096, DR, day(2016, 2, 2)),
        ],
        &[],
    );
}

#[test]
fn pureftpd_list() {
    check(
        "pureftpd.txt",
        ListingFormat::Unix,
        &[
            skip(SkipReason::SelfOrParent),
            skip(SkipReason::SelfOrParent),
            e(b"video.mp4", 73_400_320, N, min(2026, 10, 11, 21, 5)),
            e(b".ssh-notes", 612, N, day(2023, 7, 30)),
            e(b"incoming", 4096, D, min(2026, 5, 27, 6, 0)),
            e(b"epoch", 0, N, day(1970, 1, 1)),
            // Nine days ahead of "now" (clock skew): still this year.
            e(b"future-skew", 99, R, min(2026, 12, 1, 0, 0)),
            e(b"semi;colon=name", 10, N, min(2026, 6, 10, 10, 10)),
        ],
        &[],
    );
}

#[test]
fn filezilla_server_list() {
    check(
        "filezilla-server.txt",
        ListingFormat::Auto,
        &[
            e(b"Documents", 0, D, min(2026, 11, 19, 8, 30)),
            e(b"report Q3.xlsx", 524_288, N, min(2026, 11, 19, 8, 31)),
            e(b"readonly.txt", 100, R, day(2021, 4, 14)),
            e(b"disk.img", 10_737_418_240, N, day(2020, 3, 3)),
            e(b"Program Files (x86)", 0, D, min(2026, 10, 31, 23, 59)),
        ],
        &[],
    );
}

#[test]
fn libunftp_list_never_has_a_year() {
    check(
        "libunftp.txt",
        ListingFormat::Auto,
        &[
            e(b"subdir", 4096, D, min(2026, 11, 19, 8, 30)),
            e(b"hello.txt", 12, N, min(2026, 11, 21, 17, 0)),
            // libunftp prints no year even for old files; this year is the guess.
            e(b"old.bin", 1_048_576, N, min(2026, 3, 5, 14, 2)),
            // A symlink without " -> target": no target.
            e(b"link", 9, N, min(2026, 11, 21, 17, 0)),
            // 32 days ahead: within six months, so this year.
            e(b"xmas.txt", 0, N, min(2026, 12, 24, 18, 0)),
            e(b"with space .txt", 7, R, min(2026, 6, 30, 23, 59)),
        ],
        &[],
    );
}

#[test]
fn iis_dos_list() {
    check(
        "iis-dos.txt",
        ListingFormat::Auto,
        &[
            e(b"aspnet_client", 0, D, min(2026, 11, 19, 8, 30)),
            e(b"default.htm", 1234, N, min(2026, 11, 20, 12, 5)),
            e(b"big file.zip", 1_234_567, N, min(2026, 11, 20, 0, 5)),
            e(b"Old Stuff", 0, D, min(2019, 3, 5, 14, 2)),
            e(b"four-digit-year.txt", 4096, N, min(2019, 3, 5, 14, 2)),
            e(b"y2k.txt", 99, N, min(1999, 12, 31, 23, 59)),
            e(b"new-millennium.txt", 0, N, min(2000, 1, 1, 0, 0)),
            e(b"huge.vhdx", 10_737_418_240, N, min(2026, 10, 15, 19, 45)),
            e(b"leap.txt", 512, N, min(2024, 2, 29, 13, 0)),
            e(
                b"name  with  double  spaces",
                1234,
                N,
                min(2026, 11, 20, 12, 5),
            ),
            e(
                b"dotted-thousands.zip",
                1_234_567,
                N,
                min(2026, 11, 20, 12, 5),
            ),
            e(b"Program Files", 0, D, min(2026, 7, 4, 9, 0)),
        ],
        &[],
    );
}

#[test]
fn iis_dos_list_parses_the_same_when_the_format_is_known() {
    let auto = parse_listing(&fixture("iis-dos.txt"), ListingFormat::Auto, now());
    let dos = parse_listing(&fixture("iis-dos.txt"), ListingFormat::Dos, now());
    assert_eq!(auto, dos);
}

#[test]
fn mlsd_proftpd() {
    let mut pub_link = FindData::new(&b"pub-link"[..], 12);
    pub_link.modified = sec(2026, 11, 21, 8, 0, 0);
    pub_link.link_target = Some(b"/srv/ftp/pub".to_vec());
    check(
        "mlsd-proftpd.txt",
        ListingFormat::Mlsx,
        &[
            skip(SkipReason::SelfOrParent),
            skip(SkipReason::SelfOrParent),
            e(b"pub", 0, D, sec(2026, 11, 19, 8, 30, 12)),
            e(
                b"report 2026.pdf",
                1_048_576,
                N,
                sec(2026, 10, 20, 10, 15, 0),
            ),
            e(b"README", 220, R, sec(2019, 3, 5, 14, 2, 10)),
            // type=OS.unix=symlink names no target.
            e(b"latest", 20, N, sec(2026, 11, 21, 8, 0, 0)),
            Exp::Entry(pub_link),
            e(b"locked dir", 0, DR, sec(2026, 10, 1, 12, 0, 0)),
            e(b"caf\xe9; a=b.txt", 3, N, sec(2026, 11, 11, 11, 11, 11)),
        ],
        &[],
    );
}

#[test]
fn mlsd_pureftpd_uses_unix_mode_without_perm() {
    check(
        "mlsd-pureftpd.txt",
        ListingFormat::Mlsx,
        &[
            skip(SkipReason::SelfOrParent),
            skip(SkipReason::SelfOrParent),
            e(b"notes.txt", 1234, N, sec(2026, 11, 19, 8, 30, 12)),
            e(b"readonly.txt", 99, R, sec(2026, 11, 19, 8, 30, 12)),
            e(b"incoming", 4096, D, sec(2026, 5, 27, 6, 0, 0)),
            e(
                b" two leading spaces.iso",
                5_368_709_120,
                N,
                sec(2026, 10, 2, 3, 4, 5),
            ),
        ],
        &[],
    );
}

#[test]
fn mlsd_libunftp_with_fractions_and_mixed_case_facts() {
    check(
        "mlsd-libunftp.txt",
        ListingFormat::Mlsx,
        &[
            e(b"subdir", 0, DR, sec(2026, 11, 19, 8, 30, 0)),
            e(
                b"hello.txt",
                12,
                R,
                exact(2026, 11, 21, 17, 0, 0, 250_000_000),
            ),
            e(b"epoch.txt", 0, N, sec(1970, 1, 1, 0, 0, 0)),
            e(
                b"MixedCase.TXT",
                5,
                N,
                exact(2026, 11, 1, 11, 11, 11, 1_000),
            ),
            e(b"writable", 0, D, sec(2026, 11, 19, 8, 30, 0)),
            e(b"no-type-fact", 7, N, sec(2026, 11, 19, 8, 30, 0)),
        ],
        &[],
    );
}

#[test]
fn odd_servers_and_broken_lines() {
    let l = check(
        "odd.txt",
        ListingFormat::Auto,
        &[
            skip(SkipReason::Unrecognized), // NetWare directory
            skip(SkipReason::Unrecognized), // NetWare file
            skip(SkipReason::Unrecognized), // EPLF
            skip(SkipReason::Unrecognized), // VMS
            skip(SkipReason::Blank),
            skip(SkipReason::Summary),
            skip(SkipReason::Malformed(Field::Date)), // month "Foo"
            skip(SkipReason::Malformed(Field::Date)), // Feb 30
            skip(SkipReason::Malformed(Field::Time)), // 24:61
            skip(SkipReason::Malformed(Field::Name)), // no name
            skip(SkipReason::Malformed(Field::Date)), // DOS Nov 31
            skip(SkipReason::Malformed(Field::Size)), // DOS 12,34
            e(b"null", 0, N, min(2026, 11, 19, 8, 30)),
            e(b"sda", 0, N, min(2026, 6, 10, 10, 0)),
            e(b"docker.sock", 0, N, min(2026, 11, 20, 7, 0)),
            e(b"with xattr", 1234, N, min(2026, 9, 9, 9, 9)),
            e(b"selinux", 100, N, min(2026, 11, 2, 20, 20)),
            e(b"no-group", 321, N, min(2026, 11, 2, 20, 20)),
            skip(SkipReason::Malformed(Field::Size)), // size overflows u64
            e(b"24h-clock.txt", 77, N, min(2026, 6, 1, 13, 30)),
            skip(SkipReason::Unrecognized), // no permissions
            e(b"lowercase-month", 4096, D, min(2026, 11, 19, 8, 30)),
            e(b"very  spaced   name ", 5, N, min(2026, 11, 19, 8, 30)),
            e(b"slashes-and-split-pm.txt", 77, N, min(2026, 6, 1, 13, 30)),
            skip(SkipReason::Blank),
            e(b"day-first", 0, D, min(2025, 12, 25, 22, 0)),
        ],
        &[],
    );
    let unparsed: Vec<usize> = l.unparsed().map(|&(n, _)| n).collect();
    assert_eq!(unparsed, [1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 19, 21]);
}

#[test]
fn hostile_names_are_kept_verbatim_and_flagged() {
    let m = min(2026, 11, 19, 8, 30);
    check(
        "hostile.txt",
        ListingFormat::Unix,
        &[
            e(b"../../etc/passwd", 5, N, m),
            e(b"..\\..\\boot.ini", 5, N, m),
            e(b"a\0b", 5, N, m),
            skip(SkipReason::SelfOrParent),
            e(b"C:evil", 5, N, m),
            e(b"...", 5, N, m),
            e(b"..hidden", 5, N, m),
            link(b"escape", 5, m, b"../../../../etc"),
            skip(SkipReason::Malformed(Field::Kind)), // MLSD line in Unix mode
            skip(SkipReason::Malformed(Field::Kind)), // DOS line in Unix mode
            e(b"name\rwith-cr", 5, N, m),
            e(b"no-final-newline", 5, N, m),
        ],
        &[0, 1, 2, 3],
    );
}

#[test]
fn mlsd_odd_lines() {
    check(
        "mlsd-odd.txt",
        ListingFormat::Mlsx,
        &[
            e(b"../x", 5, N, None),
            skip(SkipReason::Malformed(Field::Size)),
            skip(SkipReason::Malformed(Field::Date)),
            skip(SkipReason::Malformed(Field::Facts)),
            skip(SkipReason::Malformed(Field::Facts)),
            skip(SkipReason::Malformed(Field::Name)),
            skip(SkipReason::SelfOrParent),
            skip(SkipReason::Malformed(Field::Facts)),
            e(b"no-facts-at-all", 0, N, None),
            e(b"missing-final-semicolon", 5, N, None),
            skip(SkipReason::Malformed(Field::Size)),
            e(b"null", 0, N, None),
        ],
        &[0],
    );
}

#[test]
fn mlsd_lines_are_not_auto_detected() {
    let l = parse_listing(&fixture("mlsd-libunftp.txt"), ListingFormat::Auto, now());
    assert!(l.entries.is_empty());
    assert_eq!(
        l.skipped,
        (1..=6)
            .map(|n| (n, SkipReason::Unrecognized))
            .collect::<Vec<_>>()
    );
}

#[test]
fn mlsd_create_fact_fills_the_creation_time() {
    let l = parse_listing(
        b"type=file;size=1;create=20200101000000;modify=20210101000000; f\r\n",
        ListingFormat::Mlsx,
        now(),
    );
    assert_eq!(l.entries[0].created, sec(2020, 1, 1, 0, 0, 0));
    assert_eq!(l.entries[0].modified, sec(2021, 1, 1, 0, 0, 0));
}

#[test]
fn overlong_lines_are_skipped_without_buffering_them() {
    let mut p = ListingParser::new(ListingFormat::Auto, now());
    p.push(b"-rw-r--r-- 1 0 0 5 Nov 19 08:30 ");
    for _ in 0..100 {
        p.push(&[b'a'; 1000]);
    }
    p.push(b"\n-rw-r--r-- 1 0 0 5 Nov 19 08:30 ok\n");
    p.push(&vec![b'x'; MAX_LINE_LEN + 2]);
    let l = p.finish();
    assert_eq!(l.entries.len(), 1);
    assert_eq!(l.entries[0].name, b"ok");
    assert_eq!(
        l.skipped,
        [(1, SkipReason::TooLong), (3, SkipReason::TooLong)]
    );
}

#[test]
fn a_line_of_exactly_the_maximum_length_is_parsed() {
    let mut line = b"-rw-r--r-- 1 0 0 5 Nov 19 08:30 ".to_vec();
    line.resize(MAX_LINE_LEN, b'n');
    line.extend_from_slice(b"\r\n");
    let l = parse_listing(&line, ListingFormat::Unix, now());
    assert_eq!(l.entries.len(), 1);
    assert!(l.skipped.is_empty());
}

#[test]
fn empty_input_gives_an_empty_listing() {
    assert_eq!(
        parse_listing(b"", ListingFormat::Auto, now()),
        Listing::default()
    );
    let l = parse_listing(b"\r\n", ListingFormat::Auto, now());
    assert_eq!(l.skipped, [(1, SkipReason::Blank)]);
}

#[test]
fn garbage_bytes_never_panic() {
    // A deterministic pseudo-random byte soup, fed in all three modes.
    let mut x: u32 = 0x1234_5678;
    let mut soup = Vec::new();
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let alphabet = b"-drwxlcb0123456789 :,;=.\r\n<>DIRAMPNovMar()|total+@";
        soup.push(alphabet[(x as usize) % alphabet.len()]);
    }
    for f in [
        ListingFormat::Auto,
        ListingFormat::Unix,
        ListingFormat::Dos,
        ListingFormat::Mlsx,
    ] {
        let l = parse_listing(&soup, f, now());
        assert!(l.entries.len() + l.skipped.len() > 0);
    }
}

#[test]
fn mutated_fixture_lines_never_panic() {
    let files = [
        "vsftpd.txt",
        "proftpd.txt",
        "iis-dos.txt",
        "mlsd-proftpd.txt",
        "mlsd-libunftp.txt",
        "odd.txt",
    ];
    let formats = [
        ListingFormat::Auto,
        ListingFormat::Unix,
        ListingFormat::Dos,
        ListingFormat::Mlsx,
    ];
    let parsers: Vec<ListingParser> = formats
        .iter()
        .map(|&f| ListingParser::new(f, now()))
        .collect();
    for file in files {
        let bytes = fixture(file);
        for line in bytes.split(|&b| b == b'\n') {
            let mut m = line.to_vec();
            for i in 0..m.len() {
                let orig = m[i];
                for b in [0xff, b' ', b':', b',', b'-', 0, b'9', b';', b'='] {
                    m[i] = b;
                    for p in &parsers {
                        let _ = p.parse_line(&m);
                        let _ = p.parse_line(&m[..i]);
                        let _ = p.parse_line(&m[i..]);
                    }
                }
                m[i] = orig;
            }
        }
    }
}
