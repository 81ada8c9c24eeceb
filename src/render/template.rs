//! What one template folder is, once read: its name, files, manifest and samples. `load`
//! fills these in and `css` plans from them; they live here so that neither imports the other.

use std::path::PathBuf;

use serde::Serialize;

use crate::event::DataField;

/// Files every template folder must have.
pub const REQUIRED_FILES: &[&str] = &["subject.txt", "body.html"];

/// `template.toml`: what a template needs from an event.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Manifest {
    /// Fields of `data` without which the template cannot render.
    pub requires: Vec<DataField>,
    /// One line for people browsing templates.
    pub description: Option<String>,
}

/// One template folder.
#[derive(Debug, Clone)]
pub struct TemplateInfo {
    pub name: String,
    pub dir: PathBuf,
    pub has_text: bool,
    pub manifest: Manifest,
    /// `samples/*.json`, sorted: events for `preview` and `check`.
    pub samples: Vec<PathBuf>,
}
