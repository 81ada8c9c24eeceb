//! The file's two tables: `[routes]` (event type → template) and `[brand]` (the default
//! branding).

use std::collections::BTreeMap;

use crate::text::clip;

use super::{BrandDefaults, ConfigError, Draft, Origin, bad};

pub(super) fn routes(d: &mut Draft, at: &Origin<'_>, v: toml::Value) -> Result<(), ConfigError> {
    let toml::Value::Table(table) = v else {
        return Err(bad(
            at.name,
            format!(
                "expected a table of event type = template, found `{}`",
                clip(&v.to_string(), 80)
            ),
        ));
    };
    let mut routes = BTreeMap::new();
    for (event, template) in table {
        let toml::Value::String(template) = template else {
            return Err(bad(
                &format!("{}.\"{event}\"", at.name),
                format!(
                    "expected a template name, found `{}`",
                    clip(&template.to_string(), 80)
                ),
            ));
        };
        routes.insert(event, template);
    }
    // A table replaces the defaults: a deployment lists every route it wants.
    d.settings.routes = routes;
    Ok(())
}

pub(super) fn brand(d: &mut Draft, at: &Origin<'_>, v: toml::Value) -> Result<(), ConfigError> {
    d.settings.brand = v
        .try_into::<BrandDefaults>()
        .map_err(|e| bad(at.name, e.to_string().trim_end().to_owned()))?;
    Ok(())
}
