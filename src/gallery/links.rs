//! How gallery pages name each other: by server route (`t/TEMPLATE/LOCALE?sample=…`) or by
//! relative file path in a static export, for each sample application ([`App`]).

use std::sync::Arc;

use percent_encoding::utf8_percent_encode;

use crate::event::Client;

/// One sample application: a sample file of the template, or a directory client.
#[derive(Debug, Clone)]
pub(super) enum App {
    Sample(String),
    Client(Arc<Client>),
    /// The template's first sample rendered with this template set.
    Set(String),
}

impl App {
    pub(super) fn label(&self) -> String {
        match self {
            App::Sample(name) => format!("sample {name}"),
            App::Client(c) => format!(
                "{} ({})",
                c.name.as_deref().unwrap_or("unnamed client"),
                c.client_id.as_deref().unwrap_or("-")
            ),
            App::Set(name) => format!("template set {name}"),
        }
    }

    /// `?sample=…` / `?client=…` for server links.
    pub(super) fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        match self {
            App::Sample(name) => q.append_pair("sample", name),
            App::Client(c) => q.append_pair("client", c.client_id.as_deref().unwrap_or("")),
            App::Set(name) => q.append_pair("set", name),
        };
        q.finish()
    }

    /// A file-name-safe name for static export.
    pub(super) fn slug(&self, index: usize) -> String {
        match self {
            App::Sample(name) => format!("sample-{}", safe_name(name)),
            App::Client(_) => format!("client-{index}"),
            App::Set(name) => format!("set-{}", safe_name(name)),
        }
    }
}

/// `s` with everything but ASCII letters, digits, `-` and `_` replaced by `_`: a file name.
pub(super) fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn seg(s: &str) -> String {
    utf8_percent_encode(s, crate::directory::PATH_SEGMENT).to_string()
}

/// How pages link to each other: server routes, or relative files.
#[derive(Clone, Copy)]
pub(super) enum Links {
    Server,
    Static,
}

impl Links {
    pub(super) fn index(self) -> String {
        match self {
            Links::Server => String::new(),
            Links::Static => "index.html".into(),
        }
    }
    pub(super) fn message(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("t/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.html", safe_name(t), safe_name(l)),
        }
    }
    pub(super) fn raw(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("raw/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.raw.html", safe_name(t), safe_name(l)),
        }
    }
    pub(super) fn eml(self, t: &str, l: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("eml/{}/{}?{}", seg(t), seg(l), app.query()),
            Links::Static => format!("{}/{}/{slug}.eml", safe_name(t), safe_name(l)),
        }
    }
    pub(super) fn json(self, t: &str, l: &str, app: &App) -> Option<String> {
        match self {
            Links::Server => Some(format!(
                "api/render?template={}&locale={}&{}",
                seg(t),
                seg(l),
                app.query()
            )),
            Links::Static => None,
        }
    }
    pub(super) fn compare(self, t: &str, app: &App, slug: &str) -> String {
        match self {
            Links::Server => format!("compare/{}?{}", seg(t), app.query()),
            Links::Static => format!("{}/compare-{slug}.html", safe_name(t)),
        }
    }
    /// The defaults and every template set side by side, in locale `l`.
    pub(super) fn compare_sets(self, t: &str, l: &str) -> String {
        match self {
            Links::Server => format!("compare/{}?across=sets&locales={}", seg(t), seg(l)),
            Links::Static => format!("{}/compare-sets-{}.html", safe_name(t), safe_name(l)),
        }
    }
}
