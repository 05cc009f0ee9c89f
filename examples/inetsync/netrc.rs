//! A minimal netrc reader: `machine NAME login USER password PASS`, `default`.

#[derive(Default)]
struct Block {
    default: bool,
    login: Option<String>,
    password: Option<String>,
}

/// Credentials for `host` from netrc text: the first `machine` entry for it, else `default`.
pub fn lookup(text: &str, host: &str) -> Option<(String, Option<String>)> {
    let mut blocks: Vec<Block> = Vec::new();
    // `None` while inside a `machine` block for another host.
    let mut current: Option<Block> = None;
    let mut tokens = text.split_whitespace();
    while let Some(tok) = tokens.next() {
        match tok {
            "machine" => {
                blocks.extend(current.take());
                let name = tokens.next().unwrap_or_default();
                if name.eq_ignore_ascii_case(host) {
                    current = Some(Block::default());
                }
            }
            "default" => {
                blocks.extend(current.take());
                current = Some(Block {
                    default: true,
                    ..Block::default()
                });
            }
            "login" | "password" | "account" => {
                let v = tokens.next().map(str::to_owned);
                if let Some(b) = current.as_mut() {
                    match tok {
                        "login" => b.login = v,
                        "password" => b.password = v,
                        _ => {}
                    }
                }
            }
            // A macro runs to the next empty line, which whitespace splitting loses: nothing
            // after it is trusted.
            "macdef" => break,
            _ => {}
        }
    }
    blocks.extend(current);
    let pick = blocks
        .iter()
        .find(|b| !b.default)
        .or_else(|| blocks.iter().find(|b| b.default))?;
    Some((pick.login.clone()?, pick.password.clone()))
}

/// Reads credentials for `host` from `path`, or from `$NETRC`, or `~/.netrc`.
pub fn credentials(path: Option<&std::path::Path>, host: &str) -> Option<(String, Option<String>)> {
    let file = match path {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os("NETRC") {
            Some(p) => p.into(),
            None => std::path::PathBuf::from(std::env::var_os("HOME")?).join(".netrc"),
        },
    };
    let text = std::fs::read_to_string(file).ok()?;
    lookup(&text, host)
}

#[cfg(test)]
mod tests {
    use super::lookup;

    #[test]
    fn machine_entries_win_over_default() {
        let t = "machine other login o password op\n\
                 default login anon password guest\n\
                 machine 127.0.0.1 login me password pw\n";
        assert_eq!(
            lookup(t, "127.0.0.1"),
            Some(("me".into(), Some("pw".into())))
        );
        assert_eq!(lookup(t, "x"), Some(("anon".into(), Some("guest".into()))));
        assert_eq!(lookup("machine a login b", "a"), Some(("b".into(), None)));
        assert_eq!(lookup("machine a password p", "b"), None);
    }
}
