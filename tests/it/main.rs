//! Integration tests: one binary, one module per area.

mod broker;
mod cli;
mod deploy;
mod directory;
mod dkim;
mod faults;
mod gallery;
mod helpers;
mod hostile;
mod inert;
mod mailer;
mod metrics;
mod props;
mod reload;
mod render;
mod secrets;
mod security;
mod serve;
mod sets;
mod worker;
mod workload;
