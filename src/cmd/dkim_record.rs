//! `mailroom dkim-record`: the TXT records that publish the configured DKIM keys, read from
//! the same settings the worker signs with, so what is published matches what is signed.

use std::io::Write as _;

use crate::cli::{DkimRecordArgs, RecordFormat};
use crate::config::{ConfigError, Settings};
use crate::dkim::Record;

pub fn run(args: DkimRecordArgs, settings: Settings) -> anyhow::Result<i32> {
    let Some(dkim) = &settings.dkim else {
        return Err(ConfigError::Value {
            key: "MAILROOM_DKIM_KEY".to_owned(),
            message: "not set: there is no key to publish".to_owned(),
        }
        .into());
    };
    let records = dkim.records();
    let out = match args.format {
        RecordFormat::Zone => records.iter().map(zone_line).collect::<String>(),
        RecordFormat::Json => {
            let list: Vec<_> = records
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name,
                        "value": r.value,
                        "key_file": r.path.display().to_string(),
                        "algorithm": r.algorithm.to_string(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list)?;
            s.push('\n');
            s
        }
    };
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(0)
}

/// One record as a zone file writes it: a comment naming the key, then the record with its
/// value in strings of at most 255 bytes (the limit of one DNS character-string; a resolver
/// joins them). The value is base64 and ASCII tags, so any cut is on a character boundary.
fn zone_line(r: &Record) -> String {
    let strings: Vec<String> = r
        .value
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    format!(
        "; {} ({})\n{}. IN TXT ( {} )\n",
        r.path.display(),
        r.algorithm,
        r.name,
        strings.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::Algorithm;

    #[test]
    fn a_long_value_is_split_into_strings_of_255_bytes() {
        let value = format!("v=DKIM1; k=rsa; p={}", "A".repeat(392));
        let r = Record {
            name: "s1._domainkey.example.com".to_owned(),
            value: value.clone(),
            path: "k.pem".into(),
            algorithm: Algorithm::Rsa { bits: 2048 },
        };
        let line = zone_line(&r);
        assert!(line.starts_with(
            "; k.pem (RSA-SHA256, 2048 bits)\ns1._domainkey.example.com. IN TXT ( \""
        ));
        let strings: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert_eq!(strings.len(), 2);
        assert_eq!(strings[0].len(), 255);
        assert_eq!(strings.concat(), value);
    }
}
