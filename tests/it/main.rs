//! Integration tests: one binary, one module per area.

mod cli;
mod helpers;
mod hostile;
mod props;
mod render;
mod workload;
