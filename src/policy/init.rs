//! `cookiescan init`: a commented starter `cookiescan.toml`, or one that declares what a
//! finished scan observed (to review, not to rubber-stamp).

use std::fmt::Write;

use crate::knowledge::ClassifiedCookie;

const HEAD: &str = r#"# cookiescan.toml: what `cookiescan scan` checks in this repository.
# Flags given on the command line win over these settings. Unknown keys are errors.

[scan]
# urls = ["https://www.example.org/"]   # start URL(s)
# scope = "domain"                       # host | domain | any
# max_pages = 500
# max_depth = 10
# include = ['^https://www\.example\.org/']   # regexes; only URLs matching one are crawled
# exclude = ['/logout']
# concurrency = 8
# per_host_concurrency = 4
# rate = 2.0                             # requests per second per host
# timeout = 15.0                         # seconds per request
# max_body = "10M"
# max_subresources_per_page = 500         # new images, scripts, ... fetched per page; 0 = no cap
# max_subresources = 10000               # sub-resources fetched per scan; 0 = no cap
# ignore_robots = false
# revisit = true                         # visit the first pages twice: cookies renewed on every visit
# policy = "docs/cookie-policy.html"     # also read declarations from a policy page, CSV or TOML

[output]
# formats = ["summary"]
# output = "cookiescan-report.json"

[compliance]
fail_on = "error"                        # error | warning | info | never: what makes the exit code 1
# max_lifetime_days = { analytics = 395, marketing = 395 }

# One [[cookie]] table per declared cookie. Use exactly one of:
#   name = "csrftoken"          the exact name
#   prefix = "_pk_id."          names starting with it
#   pattern = '^_ga_[A-Z0-9]+$' a regular expression
# category is necessary, functional, analytics, marketing or unclassified (or a word policies
# use for them: "Strictly necessary", "Statistics", "Publicité"…).
"#;

const EXAMPLE: &str = r#"
# [[cookie]]
# name = "csrftoken"
# category = "necessary"
# provider = "Django"
# purpose = "Protects forms against cross-site request forgery."
# lifetime = "1 year"

# Cookies the rules must not judge. The reason is mandatory.
# [[ignore]]
# name = "__cf_bm"
# reason = "Set by our CDN's bot protection; covered by the hosting contract."
"#;

/// The commented starter file.
pub fn starter(url: Option<&str>) -> String {
    let mut s = HEAD.to_string();
    if let Some(u) = url {
        s = s.replacen(
            "# urls = [\"https://www.example.org/\"]   # start URL(s)",
            &format!("urls = [{}]", quote(u)),
            1,
        );
    }
    s.push_str(EXAMPLE);
    s
}

/// A starter file declaring every cookie a scan observed, with what the knowledge base says
/// about each, for the site's owner to review.
pub fn from_observed(url: Option<&str>, cookies: &[ClassifiedCookie]) -> String {
    let mut s = HEAD.to_string();
    if let Some(u) = url {
        s = s.replacen(
            "# urls = [\"https://www.example.org/\"]   # start URL(s)",
            &format!("urls = [{}]", quote(u)),
            1,
        );
    }
    let _ = writeln!(
        s,
        "\n# Declared from a scan: review every entry (category, purpose) before committing."
    );
    for c in cookies {
        let (r, k) = (&c.record, &c.classification);
        let _ = writeln!(s, "\n[[cookie]]");
        if r.name.is_empty() {
            // `name = ""` does not load: only a pattern can declare the nameless cookie.
            let _ = writeln!(s, "# the nameless cookie (a Set-Cookie line without '=')");
            let _ = writeln!(s, "pattern = \"^$\"");
        } else {
            let _ = writeln!(s, "name = {}", quote(&r.name));
        }
        let _ = writeln!(s, "domain = {}", quote(&r.domain));
        let _ = writeln!(s, "category = {}", quote(k.category.as_str()));
        if let Some(v) = &k.vendor {
            let _ = writeln!(s, "provider = {}", quote(v));
        }
        if let Some(p) = &k.purpose {
            let _ = writeln!(s, "purpose = {}", quote(p));
        }
        let _ = writeln!(
            s,
            "lifetime = {}",
            quote(&declared_lifetime(r.lifetime_secs))
        );
        if !k.is_known() {
            let _ = writeln!(s, "# category guessed ({}): check it", k.reason);
        }
    }
    s
}

/// A lifetime as a declaration states it, exact to the unit that divides it.
fn declared_lifetime(secs: Option<i64>) -> String {
    match secs {
        None => "session".to_string(),
        Some(s) if s > 0 && s % 86_400 == 0 => format!("{} days", s / 86_400),
        Some(s) if s > 0 && s % 3_600 == 0 => format!("{} hours", s / 3_600),
        Some(s) => format!("{} minutes", (s.max(0) + 59) / 60),
    }
}

fn quote(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}
