//! The command line (clap derive). Help texts come from the doc comments.

// Those comments are written for `--help`, where `<TEMPLATE>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mailroom: localized transactional emails from user events.
///
/// Configuration comes from a TOML file (--config, MAILROOM_CONFIG, or ./mailroom.toml when it
/// exists) and MAILROOM_* environment variables, which win over the file.
#[derive(Debug, Parser)]
#[command(name = "mailroom", version, propagate_version = true, after_help = env_help())]
pub struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = crate::config::CONFIG_ENV, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

fn env_help() -> String {
    crate::config::help_text()
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Consume events from RabbitMQ and send them through SMTP (the worker), or, with
    /// --events/--outbox, process a newline-delimited JSON file into an outbox folder.
    ///
    /// The worker stops on SIGTERM or SIGINT: it stops consuming, lets in-flight emails finish
    /// (MAILROOM_SHUTDOWN_TIMEOUT), and exits 0. Every MAILROOM_* variable is listed below.
    #[command(after_help = env_help())]
    Run(RunArgs),
    /// Receive events over HTTP (POST /v1/events, Auth0's Custom Email Provider, Supabase's
    /// Send Email Hook) and queue each one with a publisher confirm, or, with --outbox, render
    /// and write it.
    ///
    /// Listens on MAILROOM_HTTP_ADDR; beyond loopback it needs MAILROOM_INGEST_TOKEN. Also
    /// serves /healthz, /readyz and /metrics. SIGTERM stops accepting, lets requests in flight
    /// finish (MAILROOM_SHUTDOWN_TIMEOUT) and exits 0; SIGHUP reloads templates.
    #[command(after_help = env_help())]
    Serve(ServeArgs),
    /// Publish newline-delimited JSON events to the events queue (with publisher confirms).
    Publish(PublishArgs),
    /// Show exactly what would be sent for an event, or for a template's sample in a locale.
    Preview(PreviewArgs),
    /// Load every template and catalog, render every template × locale × sample, report problems.
    ///
    /// Exit status: 0 clean (or warnings only), 1 on errors, 2 when the check could not run.
    Check(CheckArgs),
    /// Print the DNS records that publish the DKIM keys (MAILROOM_DKIM_KEY, _SELECTOR,
    /// _DOMAIN), one TXT record per key, so receivers can verify the signatures.
    DkimRecord(DkimRecordArgs),
}

#[derive(Debug, Args)]
pub struct DkimRecordArgs {
    #[arg(long, value_enum, default_value_t = RecordFormat::Zone)]
    pub format: RecordFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    /// Zone-file lines (BIND syntax), the value split into quoted strings of at most 255
    /// bytes as DNS requires.
    Zone,
    /// A JSON array of {name, value, key_file, algorithm}, the value whole (for DNS APIs and
    /// Terraform).
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Newline-delimited JSON events to process (`-` for standard input).
    #[arg(long, value_name = "FILE", requires = "outbox")]
    pub events: Option<PathBuf>,

    /// Folder that receives one .eml per email, and rejected.jsonl for lines that were refused.
    #[arg(long, value_name = "DIR", requires = "events")]
    pub outbox: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// No broker: render each accepted event and write it to DIR as one .eml (as `run
    /// --outbox` does), answering `"status": "written"`.
    #[arg(long, value_name = "DIR")]
    pub outbox: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Newline-delimited JSON events (`-` for standard input); each line becomes one message.
    #[arg(long, value_name = "FILE")]
    pub events: PathBuf,

    /// Publish at most this many events per second, evenly spaced (default: as fast as the
    /// broker confirms), e.g. to replay a dead-letter file without flooding the SMTP server.
    #[arg(long, value_name = "PER_SECOND", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub rate: Option<u32>,

    /// Write `INDEX UNIX_NANOS` per event (0-based index among the non-empty lines, the moment
    /// it was handed to the broker), for latency measurements.
    #[arg(long, value_name = "FILE")]
    pub timestamps: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreviewFormat {
    /// Headers of interest, subject and the text part.
    Text,
    /// The HTML part, CSS inlined.
    Html,
    /// The exact RFC 5322 message that would be sent.
    Eml,
    /// Subject, HTML, text, locale and the negotiation step, as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// Template to preview with its own sample data (instead of --event).
    #[arg(
        value_name = "TEMPLATE",
        conflicts_with = "event",
        required_unless_present_any = ["event", "serve", "out"]
    )]
    pub template: Option<String>,

    /// Locale for TEMPLATE (negotiated like a user's `lang`: `fr-CA` shows `fr`).
    #[arg(long, value_name = "LANG", requires = "template")]
    pub locale: Option<String>,

    /// Sample of TEMPLATE to use: a file name in templates/<TEMPLATE>/samples/ (default: the first).
    #[arg(long, value_name = "NAME", requires = "template")]
    pub sample: Option<String>,

    /// Template set for TEMPLATE: a folder in templates/sets/ or a file in
    /// locales/<lang>/sets/ (default: the one the sample's client_metadata.template_set names).
    #[arg(long, value_name = "SET", requires = "template")]
    pub set: Option<String>,

    /// An event (JSON) to preview exactly as the worker would process it (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
    pub format: PreviewFormat,

    /// Serve the gallery of every template × locale × application on ADDR (default
    /// 127.0.0.1:8025), reloading as templates and translations change.
    #[arg(
        long,
        value_name = "ADDR",
        num_args = 0..=1,
        default_missing_value = "127.0.0.1:8025",
        conflicts_with_all = ["template", "event", "out"]
    )]
    pub serve: Option<std::net::SocketAddr>,

    /// Write the whole gallery as static files into DIR (index.html plus HTML, text and .eml
    /// for every template × locale × application), e.g. as a CI artifact.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["template", "event"])]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Templates folder (default: from configuration, else ./templates).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Locales folder (default: from configuration, else ./locales).
    #[arg(long, value_name = "DIR")]
    pub locales: Option<PathBuf>,

    /// How the report is printed.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people: one line per problem, the coverage table, the verdict.
    Text,
    /// One JSON object: verdict, counts, every diagnostic with file and line, coverage, CSS.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), so each problem is an
    /// annotation on its line; then the verdict.
    Github,
}
