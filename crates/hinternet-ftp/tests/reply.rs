//! The FTP reply reader, the reply → WinINet error mapping, and PASV/EPSV parsing.

use hinternet_core::consts::*;
use hinternet_ftp::passive::{PassiveAddr, parse_epsv, parse_pasv, scan_epsv, scan_pasv};
use hinternet_ftp::reply::{
    MAX_REPLY_LEN, Reply, ReplyParser, error_code_for_reply, error_for_reply,
};
use std::net::Ipv4Addr;

fn feed_all(lines: &[&[u8]]) -> Vec<Option<Reply>> {
    let mut p = ReplyParser::new();
    lines.iter().map(|l| p.feed_line(l).unwrap()).collect()
}

fn one(text: &str) -> Reply {
    Reply::parse(text.as_bytes()).unwrap()
}

// ---- single-line replies ----

#[test]
fn single_line_reply_with_crlf() {
    let r = feed_all(&[b"220 Welcome\r\n"]).pop().unwrap().unwrap();
    assert_eq!(r.code(), 220);
    assert_eq!(r.lines(), ["220 Welcome"]);
    assert_eq!(r.message(), "Welcome");
    assert_eq!(r.text(), "220 Welcome\r\n");
}

#[test]
fn single_line_reply_with_bare_lf() {
    let r = one("230 Login successful.\n");
    assert_eq!(r.code(), 230);
    assert_eq!(r.lines(), ["230 Login successful."]);
}

#[test]
fn single_line_reply_without_terminator() {
    let mut p = ReplyParser::new();
    let r = p.feed_line(b"200 OK").unwrap().unwrap();
    assert_eq!(r.lines(), ["200 OK"]);
    assert!(p.is_idle());
}

#[test]
fn bare_code_without_space_or_text_is_a_complete_reply() {
    let r = one("226\r\n");
    assert_eq!(r.code(), 226);
    assert_eq!(r.message(), "");
    assert_eq!(r.lines(), ["226"]);
}

#[test]
fn code_followed_by_space_only_is_complete() {
    let r = one("250 \r\n");
    assert_eq!(r.code(), 250);
    assert_eq!(r.message(), "");
}

#[test]
fn size_reply_message_is_the_number() {
    assert_eq!(one("213 1234567890123\r\n").message(), "1234567890123");
}

#[test]
fn pwd_reply_keeps_quotes() {
    assert_eq!(
        one("257 \"/pub\" is the current directory\r\n").message(),
        "\"/pub\" is the current directory"
    );
}

#[test]
fn blank_lines_between_replies_are_ignored() {
    let out = feed_all(&[b"\r\n", b"   \r\n", b"200 ok\r\n"]);
    assert!(out[0].is_none() && out[1].is_none());
    assert_eq!(out[2].as_ref().unwrap().code(), 200);
}

#[test]
fn consecutive_replies_come_out_one_by_one() {
    let out = feed_all(&[b"150 Opening\r\n", b"226 Done\r\n"]);
    assert_eq!(out[0].as_ref().unwrap().code(), 150);
    assert_eq!(out[1].as_ref().unwrap().code(), 226);
}

#[test]
fn invalid_utf8_in_a_reply_is_replaced_not_rejected() {
    let r = Reply::parse(b"550 caf\xe9.txt: No such file\r\n").unwrap();
    assert_eq!(r.lines(), ["550 caf\u{fffd}.txt: No such file"]);
}

// ---- multi-line replies ----

#[test]
fn multi_line_reply_ends_at_same_code_and_space() {
    let out = feed_all(&[
        b"230-Welcome\r\n",
        b"230-Second line\r\n",
        b"230 Login successful.\r\n",
    ]);
    assert!(out[0].is_none() && out[1].is_none());
    let r = out[2].as_ref().unwrap();
    assert_eq!(r.code(), 230);
    assert_eq!(
        r.lines(),
        ["230-Welcome", "230-Second line", "230 Login successful."]
    );
    assert_eq!(
        r.text(),
        "230-Welcome\r\n230-Second line\r\n230 Login successful.\r\n"
    );
    assert_eq!(r.message(), "Login successful.");
}

#[test]
fn multi_line_feat_reply_with_indented_lines() {
    let r = one(
        "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MLST type*;size*;modify*;\r\n PASV\r\n REST STREAM\r\n SIZE\r\n UTF8\r\n211 End\r\n",
    );
    assert_eq!(r.code(), 211);
    assert_eq!(r.lines().len(), 10);
    assert_eq!(r.lines()[4], " MLST type*;size*;modify*;");
}

#[test]
fn lines_with_other_codes_inside_a_block_do_not_end_it() {
    let out = feed_all(&[
        b"214-The following commands are recognized.\r\n",
        b"211 this is not the end\r\n",
        b"214-still going\r\n",
        b"214 Help OK.\r\n",
    ]);
    assert!(out[..3].iter().all(Option::is_none));
    assert_eq!(out[3].as_ref().unwrap().lines().len(), 4);
}

#[test]
fn lines_without_a_code_inside_a_block_are_kept() {
    let r = one("220-banner\r\nno code here\r\n\r\n  220 indented is not the end\r\n220 ready\r\n");
    assert_eq!(
        r.lines(),
        [
            "220-banner",
            "no code here",
            "",
            "  220 indented is not the end",
            "220 ready"
        ]
    );
}

#[test]
fn same_code_followed_by_other_character_does_not_end_a_block() {
    let out = feed_all(&[
        b"220-a\r\n",
        b"220x not end\r\n",
        b"2201 not end\r\n",
        b"220 end\r\n",
    ]);
    assert!(out[..3].iter().all(Option::is_none));
    assert_eq!(out[3].as_ref().unwrap().lines().len(), 4);
}

#[test]
fn multi_line_block_ends_at_bare_code() {
    let out = feed_all(&[b"226-Transfer complete\r\n", b"226\r\n"]);
    assert_eq!(
        out[1].as_ref().unwrap().lines(),
        ["226-Transfer complete", "226"]
    );
}

#[test]
fn mixed_crlf_and_lf_within_one_reply() {
    let r = one("250-first\nsecond\r\n250 last\n");
    assert_eq!(r.lines(), ["250-first", "second", "250 last"]);
}

#[test]
fn multi_line_reply_split_from_socket_reads_is_incomplete_until_the_end() {
    let mut p = ReplyParser::new();
    assert!(p.feed_line(b"220-x\r\n").unwrap().is_none());
    assert!(!p.is_idle());
    p.reset();
    assert!(p.is_idle());
    assert_eq!(p.feed_line(b"200 y").unwrap().unwrap().code(), 200);
}

#[test]
fn glftpd_style_terminator_is_accepted_only_leniently() {
    let mut p = ReplyParser::new();
    assert!(p.feed_line(b"230-Welcome to glftpd\r\n").unwrap().is_none());
    assert!(p.feed_line(b"200 User logged in.\r\n").unwrap().is_none());
    let r = p.finish_lenient().unwrap();
    assert_eq!(r.code(), 230);
    assert_eq!(r.lines(), ["230-Welcome to glftpd", "200 User logged in."]);
    assert!(p.is_idle());
}

#[test]
fn finish_lenient_waits_when_the_last_line_is_not_a_terminator() {
    let mut p = ReplyParser::new();
    p.feed_line(b"230-a\r\n").unwrap();
    p.feed_line(b"200 maybe\r\n").unwrap();
    p.feed_line(b"230-more\r\n").unwrap();
    assert_eq!(p.finish_lenient(), None);
    assert!(!p.is_idle());
    assert_eq!(p.feed_line(b"230 ok").unwrap().unwrap().lines().len(), 4);
    assert_eq!(ReplyParser::new().finish_lenient(), None);
}

// ---- malformed replies ----

#[test]
fn first_line_without_code_is_extended_error_with_the_line() {
    let mut p = ReplyParser::new();
    let e = p.feed_line(b"SSH-2.0-OpenSSH_9.6\r\n").unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(e.reply(), Some("SSH-2.0-OpenSSH_9.6"));
    assert!(p.is_idle());
}

#[test]
fn first_line_with_bad_codes_is_rejected() {
    for line in [
        &b"20 short"[..],
        b"2000 too long",
        b"600 out of range",
        b"099 out of range",
        b"22a x",
        b" 220 leading space",
        b"220_x",
        b"HTTP/1.1 400 Bad Request",
    ] {
        let e = ReplyParser::new().feed_line(line).unwrap_err();
        assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR, "{line:?}");
    }
}

#[test]
fn malformed_line_echo_is_truncated() {
    let long = vec![b'x'; 5000];
    let e = ReplyParser::new().feed_line(&long).unwrap_err();
    assert_eq!(e.reply().unwrap().len(), 512);
}

#[test]
fn endless_multi_line_reply_is_cut_off() {
    let mut p = ReplyParser::new();
    p.feed_line(b"220-start").unwrap();
    let line = vec![b'a'; 1000];
    let mut result = Ok(None);
    for _ in 0..=MAX_REPLY_LEN / 1000 {
        result = p.feed_line(&line);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result.unwrap_err().code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(p.is_idle());
}

#[test]
fn parse_rejects_incomplete_and_trailing_text() {
    let e = Reply::parse(b"220-only the start\r\n").unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR);
    let e = Reply::parse(b"220 one\r\n221 two\r\n").unwrap_err();
    assert_eq!(e.reply(), Some("221 two"));
    assert!(Reply::parse(b"").is_err());
}

// ---- reply classes ----

#[test]
fn reply_classes_follow_the_first_digit() {
    let r = |c| Reply::new(c, vec![format!("{c} x")]);
    assert!(r(150).is_preliminary() && r(150).is_positive());
    assert!(r(226).is_completion() && r(226).is_positive());
    assert!(r(331).is_intermediate() && r(331).is_positive());
    assert!(r(421).is_transient_negative() && !r(421).is_positive());
    assert!(r(550).is_permanent_negative() && !r(550).is_positive());
}

// ---- reply -> error mapping ----

#[test]
fn reply_425_maps_to_cannot_connect() {
    let e = error_for_reply(&one("425 Can't open data connection.\r\n"));
    assert_eq!(e.code(), ERROR_INTERNET_CANNOT_CONNECT);
    assert_eq!(e.reply(), Some("425 Can't open data connection.\r\n"));
}

#[test]
fn reply_426_maps_to_connection_aborted() {
    let e = error_for_reply(&one("426 Connection closed; transfer aborted.\r\n"));
    assert_eq!(e.code(), ERROR_INTERNET_CONNECTION_ABORTED);
}

#[test]
fn reply_530_maps_to_login_failure() {
    let e = error_for_reply(&one("530 Login incorrect.\r\n"));
    assert_eq!(e.code(), ERROR_INTERNET_LOGIN_FAILURE);
    assert_eq!(e.reply(), Some("530 Login incorrect.\r\n"));
}

#[test]
fn every_other_code_maps_to_extended_error() {
    for code in [
        110, 200, 226, 331, 421, 450, 451, 452, 500, 501, 502, 503, 504, 532, 550, 551, 552, 553,
    ] {
        assert_eq!(
            error_code_for_reply(code),
            ERROR_INTERNET_EXTENDED_ERROR,
            "{code}"
        );
    }
}

#[test]
fn mapped_error_keeps_the_whole_multi_line_text() {
    let e = error_for_reply(&one("550-Failed\r\n more detail\r\n550 end\r\n"));
    assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(e.reply(), Some("550-Failed\r\n more detail\r\n550 end\r\n"));
    assert_eq!(
        e.to_string(),
        format!(
            "{} ({}); server said: 550-Failed\r\n more detail\r\n550 end",
            hinternet_core::error::describe(ERROR_INTERNET_EXTENDED_ERROR),
            ERROR_INTERNET_EXTENDED_ERROR
        )
    );
}

// ---- passwords never leak ----

#[test]
fn login_failure_error_never_contains_the_password() {
    // The session sent "PASS hunter2"; the mapping only sees the reply.
    let e = error_for_reply(&one("530 Login incorrect.\r\n"));
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn echoed_pass_command_is_masked() {
    let e = error_for_reply(&one("500 'PASS hunter2': command not understood.\r\n"));
    assert_eq!(e.reply(), Some("500 'PASS ****\r\n"));
    assert!(!format!("{e} {e:?}").contains("hunter2"));
}

#[test]
fn echoed_pass_in_lower_case_and_multi_line_is_masked() {
    let e = error_for_reply(&one("530-pass s3cr3t rejected\r\n530 Login incorrect\r\n"));
    assert_eq!(e.reply(), Some("530-pass ****\r\n530 Login incorrect\r\n"));
}

#[test]
fn words_that_merely_contain_pass_are_kept() {
    let e = error_for_reply(&one("331 Please specify the password.\r\n"));
    assert_eq!(e.reply(), Some("331 Please specify the password.\r\n"));
    let e = error_for_reply(&one("550 bypass denied\r\n"));
    assert_eq!(e.reply(), Some("550 bypass denied\r\n"));
}

#[test]
fn malformed_line_echoing_a_password_is_masked() {
    let e = ReplyParser::new()
        .feed_line(b"?? PASS hunter2 ??\r\n")
        .unwrap_err();
    assert_eq!(e.reply(), Some("?? PASS ****"));
}

#[test]
fn redact_removes_a_known_secret_anywhere() {
    let mut r = one("530 User bob with password hunter2 rejected\r\n");
    r.redact("hunter2");
    assert_eq!(r.lines(), ["530 User bob with password **** rejected"]);
    r.redact("");
    assert_eq!(r.lines(), ["530 User bob with password **** rejected"]);
    assert!(!error_for_reply(&r).to_string().contains("hunter2"));
}

// ---- PASV ----

#[test]
fn pasv_standard_reply() {
    let a = parse_pasv(&one(
        "227 Entering Passive Mode (192,168,1,20,195,149).\r\n",
    ))
    .unwrap();
    assert_eq!(
        a,
        PassiveAddr {
            ip: Ipv4Addr::new(192, 168, 1, 20),
            port: 195 * 256 + 149
        }
    );
}

#[test]
fn pasv_without_parentheses() {
    let a = parse_pasv(&one("227 Entering Passive Mode 127,0,0,1,4,1\r\n")).unwrap();
    assert_eq!(a.port, 1025);
    let a = parse_pasv(&one("227 =127,0,0,1,0,21\r\n")).unwrap();
    assert_eq!(a.port, 21);
}

#[test]
fn pasv_with_blanks_after_commas() {
    let a = scan_pasv("227 Passive (10, 0, 0, 7, 19, 137)").unwrap();
    assert_eq!(a.ip, Ipv4Addr::new(10, 0, 0, 7));
    assert_eq!(a.port, 19 * 256 + 137);
}

#[test]
fn pasv_skips_numbers_that_are_not_the_group() {
    let a = scan_pasv("227 Mode 2 of 3 (1,2,3,4,5,6)").unwrap();
    assert_eq!(a.ip, Ipv4Addr::new(1, 2, 3, 4));
    assert_eq!(a.port, 5 * 256 + 6);
}

#[test]
fn pasv_address_is_reported_even_when_foreign() {
    // Callers connect to the control peer, not to this address.
    let a = scan_pasv("227 Entering Passive Mode (8,8,8,8,39,16)").unwrap();
    assert_eq!(a.ip, Ipv4Addr::new(8, 8, 8, 8));
    assert_eq!(a.port, 10_000);
}

#[test]
fn pasv_malformed_replies_are_rejected() {
    for text in [
        "227 Entering Passive Mode\r\n",
        "227 Entering Passive Mode (127,0,0,1,4)\r\n",
        "227 Entering Passive Mode (127,0,0,1,256,1)\r\n",
        "227 Entering Passive Mode (127,0,0,1,0,0)\r\n",
        "227 Entering Passive Mode (127,0,0,1,1000,1)\r\n",
        "227 Entering Passive Mode (127,0,0,1,,1)\r\n",
        "227 Entering Passive Mode (127.0.0.1:4000)\r\n",
    ] {
        let e = parse_pasv(&one(text)).unwrap_err();
        assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR, "{text}");
        assert_eq!(e.reply(), Some(text));
        assert!(e.to_string().starts_with("malformed 227 reply"), "{e}");
    }
}

#[test]
fn pasv_refused_maps_through_the_reply_mapping() {
    let e = parse_pasv(&one("425 Cannot open passive connection\r\n")).unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_CANNOT_CONNECT);
    let e = parse_pasv(&one("500 PASV not understood\r\n")).unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR);
}

// ---- EPSV ----

#[test]
fn epsv_standard_reply() {
    let p = parse_epsv(&one("229 Entering Extended Passive Mode (|||6446|)\r\n")).unwrap();
    assert_eq!(p, 6446);
}

#[test]
fn epsv_other_delimiter() {
    assert_eq!(scan_epsv("229 ok (!!!65535!)"), Some(65_535));
    assert_eq!(scan_epsv("229 (x) then (|||21|)"), Some(21));
}

#[test]
fn epsv_malformed_replies_are_rejected() {
    for text in [
        "229 Entering Extended Passive Mode\r\n",
        "229 Entering Extended Passive Mode (|||65536|)\r\n",
        "229 Entering Extended Passive Mode (|||0|)\r\n",
        "229 Entering Extended Passive Mode (|||6446)\r\n",
        "229 Entering Extended Passive Mode (||6446|)\r\n",
        "229 Entering Extended Passive Mode (|2|::1|6446|)\r\n",
        "229 Entering Extended Passive Mode (1114|)\r\n",
        "229 Entering Extended Passive Mode (|||-1|)\r\n",
        "229 Entering Extended Passive Mode (|||123456|)\r\n",
    ] {
        let e = parse_epsv(&one(text)).unwrap_err();
        assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR, "{text}");
        assert_eq!(e.reply(), Some(text));
        assert!(e.to_string().starts_with("malformed 229 reply"), "{e}");
    }
}

#[test]
fn epsv_refused_maps_through_the_reply_mapping() {
    let e = parse_epsv(&one("500 'EPSV': command not understood.\r\n")).unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(e.reply(), Some("500 'EPSV': command not understood.\r\n"));
}

#[test]
fn passive_scanners_never_panic_on_truncations() {
    let pasv = "227 Entering Passive Mode (192,168,100,200,255,255).";
    let epsv = "229 Entering Extended Passive Mode (|||65535|)";
    for n in 0..=pasv.len() {
        let _ = scan_pasv(&pasv[..n]);
    }
    for n in 0..=epsv.len() {
        let _ = scan_epsv(&epsv[..n]);
    }
    assert_eq!(scan_pasv(pasv).unwrap().port, 65_535);
}
