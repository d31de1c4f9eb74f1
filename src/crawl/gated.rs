//! Scripts a consent manager's configuration loads once a service is released (a
//! tarteaucitron custom service's `tarteaucitron.addScript(url)`): the static crawl fetches
//! and reads them like the page's own, marked with the service that releases them.

use url::Url;

use crate::scripts::{Gate, Gating};

/// The URLs the service definitions in one script load, resolved against the page, with
/// their gate. A manager's own library is skipped: its catalogue names hundreds of services
/// the site never enables.
pub(super) fn configured_loads(
    script_url: Option<&Url>,
    code: &str,
    page: &Url,
) -> Vec<(Url, Gate)> {
    let gating = Gating::builtin();
    let defs = gating.services(code);
    if defs.iter().all(|d| d.loads.is_empty())
        || gating
            .library_of(script_url.map(Url::as_str), code)
            .is_some()
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for def in defs {
        for raw in &def.loads {
            let Ok(mut url) = page.join(raw.trim()) else {
                continue;
            };
            if !matches!(url.scheme(), "http" | "https") {
                continue;
            }
            url.set_fragment(None);
            let gate = Gate {
                manager: def.manager.clone(),
                released_by: def.key.clone(),
                service: Some(def.key.clone()),
                category: None,
            };
            out.push((url, gate));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_service_names_the_script_it_loads() {
        let page = Url::parse("http://a.test/shop/").unwrap();
        let code = "tarteaucitron.services.heat = { key: 'heat', type: 'analytic', js: function () { tarteaucitron.addScript('/js/heat.js'); } };";
        let loads = configured_loads(None, code, &page);
        assert_eq!(loads.len(), 1);
        assert_eq!(loads[0].0.as_str(), "http://a.test/js/heat.js");
        assert_eq!(loads[0].1.service.as_deref(), Some("heat"));
        // The catalogue's own services are never fetched.
        let catalogue = Url::parse("http://a.test/tarteaucitron.services.js").unwrap();
        assert!(configured_loads(Some(&catalogue), code, &page).is_empty());
    }
}
