//! A name oracle standing in for the knowledge base: the seed policies' names plus common
//! cookies of analytics, advertising, consent and CMS tools, exact names and prefixes as a
//! cookie database lists them. Not tuned so that only the expected joins work.

#![allow(dead_code)]

use cookiescan::policy::ListOracle;

pub const EXACT: &[&str] = &[
    // Seen in the seeds (visitor_uuid and cookies_preferences deliberately absent: unknown
    // names must still come through).
    "django_language",
    "csrftoken",
    "sessionid",
    "_zlcmid",
    "wp-wpml_current_language",
    "session_id",
    "frontend_lang",
    "VISITOR_INFO1_LIVE",
    "VISITOR_PRIVACY_METADATA",
    "YSC",
    // Google, Meta, Microsoft, LinkedIn, Pinterest, TikTok
    "_ga",
    "_gid",
    "_gat",
    "_gcl_au",
    "NID",
    "IDE",
    "test_cookie",
    "1P_JAR",
    "CONSENT",
    "SID",
    "HSID",
    "APISID",
    "SAPISID",
    "SSID",
    "__Secure-3PAPISID",
    "_fbp",
    "_fbc",
    "fr",
    "MUID",
    "_uetsid",
    "_uetvid",
    "_clck",
    "_clsk",
    "CLID",
    "li_gc",
    "lidc",
    "bcookie",
    "bscookie",
    "UserMatchHistory",
    "AnalyticsSyncHistory",
    "lang",
    "_pin_unauth",
    "_ttp",
    // Hotjar, HubSpot, Stripe, Cloudflare, AWS, platforms
    "_hjid",
    "_hjIncludedInSessionSample",
    "hubspotutk",
    "__hstc",
    "__hssrc",
    "__hssc",
    "__stripe_mid",
    "__stripe_sid",
    "__cf_bm",
    "cf_clearance",
    "_cfuvid",
    "AWSALB",
    "AWSALBCORS",
    "PHPSESSID",
    "JSESSIONID",
    "ASP.NET_SessionId",
    "wordpress_test_cookie",
    "pll_language",
    "tk_ai",
    // Consent managers
    "axeptio_cookies",
    "axeptio_authorized_vendors",
    "didomi_token",
    "euconsent-v2",
    "OptanonConsent",
    "OptanonAlertBoxClosed",
    "CookieConsent",
    "cookieyes-consent",
];

pub const PREFIXES: &[&str] = &[
    "_pk_id.",
    "_pk_ses.",
    "_pk_ref.",
    "_pk_cvar.",
    "_pk_hsr.",
    "wordpress_gdpr_",
    "wordpress_logged_in_",
    "wordpress_sec_",
    "wp-settings-",
    "wp-settings-time-",
    "comment_author_",
    "_ga_",
    "_hjSessionUser_",
    "_hjSession_",
    "intercom-id-",
    "intercom-session-",
    "cookielawinfo-checkbox-",
    "mp_",
];

pub fn oracle() -> ListOracle {
    ListOracle::new(EXACT.iter().copied(), PREFIXES.iter().copied())
}

use cookiescan::policy::{extract, DeclMatch, DeclaredCookie, DocKind, Extraction};

pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn extract_fixture(name: &str) -> Extraction {
    extract(&fixture(name), DocKind::Auto, name, &oracle())
}

/// name (with `*` appended for prefixes), category, provider, domains: what tests compare.
pub type Row = (String, Option<&'static str>, Option<String>, Vec<String>);

pub fn rows(cookies: &[DeclaredCookie]) -> Vec<Row> {
    cookies
        .iter()
        .map(|c| {
            let name = match c.match_kind {
                DeclMatch::Exact => c.name.clone(),
                DeclMatch::Prefix => format!("{}*", c.name),
                DeclMatch::Pattern => format!("pattern:{}", c.name),
                DeclMatch::Regex => format!("regex:{}", c.name),
            };
            (
                name,
                c.category.map(|c| c.as_str()),
                c.provider.clone(),
                c.domains.clone(),
            )
        })
        .collect()
}

pub fn row(name: &str, cat: Option<&'static str>, provider: Option<&str>, domains: &[&str]) -> Row {
    (
        name.to_string(),
        cat,
        provider.map(String::from),
        domains.iter().map(|d| d.to_string()).collect(),
    )
}

pub fn assert_rows(got: &[DeclaredCookie], want: &[Row]) {
    let got = rows(got);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "cookie #{i}");
    }
    assert_eq!(got.len(), want.len(), "got {got:#?}");
}
