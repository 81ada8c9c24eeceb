//! `preview --out DIR`: the gallery as static files.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::links::{App, Links, safe_name};
use super::pages::Page;
use super::{CSS, Gallery, Which};
use crate::config::Settings;

/// `preview --out DIR`: the index, and per template × locale × application the message page,
/// the raw HTML, the text part and the `.eml`; per template and application a compare page;
/// per template and locale a page comparing the defaults with every template set.
pub fn export(settings: Settings, out: &Path) -> anyhow::Result<i32> {
    let gallery = Gallery::new(settings, false)?;
    let written = gallery.export_to(out)?;
    eprintln!("gallery: {written} files written to {}", out.display());
    Ok(0)
}

impl Gallery {
    /// Writes the static gallery into `out`; returns the number of files.
    pub fn export_to(&self, out: &Path) -> anyhow::Result<usize> {
        let write = |rel: &str, bytes: &[u8]| -> anyhow::Result<()> {
            let path: PathBuf = out.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
        };
        let unwrap = |page: Page| page.unwrap_or_else(|(_, body)| body);
        let mut count = 0;
        write("assets/gallery.css", CSS.as_bytes())?;
        write(
            "index.html",
            unwrap(self.index_page(Links::Static, "")).as_bytes(),
        )?;
        count += 2;
        let snap = self.snapshot();
        let pipeline = &snap.pipeline;
        for name in pipeline.renderer().templates().keys() {
            if !pipeline.renderer().sets().is_empty() {
                for l in pipeline.catalog().locales() {
                    let which = Which {
                        across: Some("sets".to_owned()),
                        locales: Some(l.tag.clone()),
                        ..Which::default()
                    };
                    let page = unwrap(self.compare_page(Links::Static, "../", name, &which, ""));
                    write(&Links::Static.compare_sets(name, &l.tag), page.as_bytes())?;
                    count += 1;
                }
            }
            for (i, app) in self.apps(pipeline, name).iter().enumerate() {
                let slug = app.slug(i);
                let which = match app {
                    App::Sample(s) => Which {
                        sample: Some(s.clone()),
                        ..Which::default()
                    },
                    App::Client(c) => Which {
                        client: c.client_id.clone(),
                        ..Which::default()
                    },
                    App::Set(name) => Which {
                        set: Some(name.clone()),
                        ..Which::default()
                    },
                };
                let compare = unwrap(self.compare_page(Links::Static, "../", name, &which, &slug));
                write(&Links::Static.compare(name, app, &slug), compare.as_bytes())?;
                count += 1;
                for l in pipeline.catalog().locales() {
                    let page = unwrap(self.message_page(
                        Links::Static,
                        "../../",
                        name,
                        &l.tag,
                        &which,
                        &slug,
                    ));
                    write(
                        &Links::Static.message(name, &l.tag, app, &slug),
                        page.as_bytes(),
                    )?;
                    count += 1;
                    if let Ok(p) = self.prepare(pipeline, name, &l.tag, app) {
                        let base = format!("{}/{}/{slug}", safe_name(name), safe_name(&l.tag));
                        write(
                            &format!("{base}.raw.html"),
                            with_csp_meta(&p.rendered.html).as_bytes(),
                        )?;
                        write(&format!("{base}.txt"), p.rendered.text.as_bytes())?;
                        write(&format!("{base}.eml"), &p.message.formatted())?;
                        count += 3;
                    }
                }
            }
        }
        Ok(count)
    }
}

/// What a static raw page may load, as a `<meta>` (a file has no headers): images and inline
/// styles, no scripts. `sandbox` and `frame-ancestors` do not work in a `<meta>`; the gallery
/// pages frame these files with the `sandbox` attribute.
const RAW_META_CSP: &str = "default-src 'none'; img-src https: http: data:; \
     style-src 'unsafe-inline'; font-src https: data:; script-src 'none'; form-action 'none'";

/// `html` with the CSP `<meta>` first in its `<head>` (before anything it governs), or first
/// of all when there is no `<head>`.
fn with_csp_meta(html: &str) -> String {
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{RAW_META_CSP}\">");
    let lower = html.to_ascii_lowercase();
    let at = lower
        .find("<head")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    format!("{}{meta}{}", &html[..at], &html[at..])
}
