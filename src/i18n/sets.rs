//! Template sets' messages: `locales/<lang>/sets/<set>.ftl` layered over the locale's own
//! files, and what such an override reaches.
//!
//! A set's catalog is the default one with the set's file added last in each locale, its
//! messages replacing the defaults of the same id. Lookups then go, per message: the set in
//! the locale, the locale, the set in the source locale, the source locale (PRODUCT.md,
//! "Per-application templates"). The bundles share the parsed resources with the default
//! catalog, so a set costs what its own files hold plus one map entry per message.

use std::collections::BTreeSet;

use super::bundle::new_bundle;
use super::pseudo::pseudo_locale;
use super::{Catalog, Locale, Markup};
use crate::diagnostic::Diagnostic;

impl Catalog {
    /// The catalog template set `set` renders with: each locale's own resources, then the
    /// set's file for that locale (if any), whose entries replace the defaults. A set message
    /// using a variable its default does not is reported as for translations, naming the set
    /// file and line. The default catalog when the set has no messages.
    pub fn layered(&self, set: &str, diags: &mut Vec<Diagnostic>) -> Option<Catalog> {
        let files = self.sets.get(set)?;
        let mut locales: Vec<Locale> = self
            .locales
            .iter()
            .enumerate()
            .filter(|(_, base)| !base.pseudo)
            .map(|(index, base)| {
                let own = files.iter().find(|f| f.locale == index);
                let mut text = new_bundle(&base.id, Markup::Text);
                let mut html = new_bundle(&base.id, Markup::Html);
                let mut resources = base.resources.clone();
                resources.extend(own.map(|f| f.resource.clone()));
                for r in &resources {
                    // Errors were reported when the default files were loaded; overriding is
                    // how the set's entries take the place of the defaults.
                    text.add_resource_overriding(r.clone());
                    html.add_resource_overriding(r.clone());
                }
                let mut infos: Vec<_> = own.map(|f| f.info.clone()).into_iter().collect();
                infos.extend(base.files.iter().cloned());
                Locale {
                    id: base.id.clone(),
                    tag: base.tag.clone(),
                    dir: base.dir,
                    text,
                    html,
                    files: infos,
                    resources,
                    pseudo: false,
                    datetimes: base.datetimes.clone(),
                }
            })
            .collect();
        // The pseudo-locales show the set's source messages too.
        for base in self.locales.iter().filter(|l| l.pseudo) {
            let pseudo = pseudo_locale(&base.tag, &locales[self.source]);
            locales.push(pseudo);
        }
        let layered = Catalog {
            locales,
            source: self.source,
            sets: Default::default(),
        };
        self.check_set_variables(set, &layered, diags);
        Some(layered)
    }

    /// A set message may use only the variables of the message it replaces: in the source
    /// locale the default message, elsewhere the source message the set renders with (the
    /// set's own, else the default).
    fn check_set_variables(&self, set: &str, layered: &Catalog, diags: &mut Vec<Diagnostic>) {
        let source = self.source();
        for file in &self.sets[set] {
            let reference = if file.locale == self.source {
                source
            } else {
                layered.source()
            };
            for (id, (line, vars)) in &file.info.messages {
                let Some((_, _, known)) = reference.definition(id) else {
                    continue;
                };
                for v in vars.difference(known) {
                    diags.push(Diagnostic::error(
                        file.info.path.clone(),
                        Some(*line),
                        format!(
                            "message `{id}` uses ${v}, which the message it replaces in `{}` does not (it has: {})",
                            source.tag,
                            super::load::list_or_none(known)
                        ),
                    ));
                }
            }
        }
    }

    /// Every message and term whose text differs in set `set`: the set's own entries, and
    /// every entry that references one of those, through any number of references.
    pub fn affected_by(&self, set: &str) -> BTreeSet<String> {
        let mut affected: BTreeSet<String> = self
            .sets
            .get(set)
            .into_iter()
            .flatten()
            .flat_map(|f| f.info.refs.keys().cloned())
            .collect();
        let all_files = self
            .locales
            .iter()
            .flat_map(|l| l.files.iter())
            .chain(self.sets.get(set).into_iter().flatten().map(|f| &f.info));
        let edges: Vec<(&String, &BTreeSet<String>)> =
            all_files.flat_map(|f| f.refs.iter()).collect();
        loop {
            let before = affected.len();
            for (id, refs) in &edges {
                if !affected.contains(*id) && refs.iter().any(|r| affected.contains(r)) {
                    affected.insert((*id).clone());
                }
            }
            if affected.len() == before {
                return affected;
            }
        }
    }
}
