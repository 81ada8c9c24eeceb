//! The key table as users read it: the configuration part of `--help`, and README's
//! configuration table (a test holds README to it).

use super::keys::{Apply, KEYS, Key, Shown};

/// The key as written in the file: `queue`, or `[routes]` for a table.
fn file_key(key: &Key) -> Option<String> {
    key.file.map(|f| match key.apply {
        Apply::Table(_) => format!("[{f}]"),
        _ => f.to_owned(),
    })
}

/// The configuration part of `--help`: every variable, then the keys only the file has.
pub fn help_text() -> String {
    let mut s =
        String::from("Configuration (environment variables win over the keys of the TOML file):\n");
    let line = |s: &mut String, name: &str, key: &Key| {
        let mut notes = Vec::new();
        match (key.env, file_key(key)) {
            (Some(_), Some(f)) => notes.push(format!("file key `{f}`")),
            (Some(_), None) if !matches!(key.apply, Apply::ConfigFile) => {
                notes.push("environment only".to_owned());
            }
            _ => {}
        }
        match key.default {
            Shown::Value(v) => notes.push(format!("default `{v}`")),
            Shown::Described(d) => notes.push(format!("default: {d}")),
            Shown::Unset => {}
        }
        if key.secret {
            notes.push("secret".to_owned());
        }
        s.push_str(&format!(
            "  {name:<30} {} ({})\n",
            key.help,
            notes.join("; ")
        ));
    };
    for key in KEYS {
        if let Some(env) = key.env {
            line(&mut s, env, key);
        }
    }
    s.push_str("File only:\n");
    for key in KEYS.iter().filter(|k| k.env.is_none()) {
        line(&mut s, &file_key(key).unwrap_or_default(), key);
    }
    s.trim_end().to_owned()
}

/// README's configuration table: one row per key.
pub fn readme_table() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let code = |s: &str| format!("`{}`", cell(s));
    let mut t =
        String::from("| variable | file key | default | what it sets |\n|---|---|---|---|\n");
    for key in KEYS {
        let env = key.env.map_or("—".to_owned(), code);
        let file = file_key(key).map_or("—".to_owned(), |f| code(&f));
        let mut default = match key.default {
            Shown::Value(v) => code(v),
            Shown::Described(d) => cell(d),
            Shown::Unset => "—".to_owned(),
        };
        if key.secret {
            default.push_str(" (secret)");
        }
        t.push_str(&format!(
            "| {env} | {file} | {default} | {} |\n",
            cell(key.help)
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// README's "## Configuration" table, as written.
    fn readme_rows() -> String {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md is readable");
        let section = readme
            .split("\n## ")
            .find(|s| s.starts_with("Configuration\n"))
            .expect("README has a `## Configuration` section");
        section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    #[test]
    fn readme_lists_exactly_the_configuration_keys() {
        let want = readme_table();
        assert!(
            readme_rows() == want,
            "README.md's configuration table differs from the key table; it should read:\n\n{want}"
        );
    }

    #[test]
    fn help_lists_every_variable_and_every_file_only_key() {
        let help = help_text();
        for key in KEYS {
            let name = key
                .env
                .map(str::to_owned)
                .or_else(|| file_key(key))
                .unwrap();
            assert!(
                help.lines()
                    .any(|l| l.trim_start().starts_with(&format!("{name} "))),
                "{name} is missing from:\n{help}"
            );
        }
        assert!(help.contains(
            "  MAILROOM_QUEUE                 events queue; also names `<queue>.dlq` and `<queue>.retry.<delay>` (file key `queue`; default `mailroom.events`)\n"
        ), "{help}");
    }
}
