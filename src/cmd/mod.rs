//! One file per subcommand. Each takes parsed arguments and settings, does its job, and returns
//! an exit code or an error for `main` to map.

pub mod check;
pub mod dkim_record;
pub mod preview;
pub mod publish;
pub mod run;

use std::io::Read;
use std::path::Path;

use anyhow::Context as _;

/// Reads a whole file, or standard input for `-`.
pub(crate) fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        Ok(buf)
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    }
}
