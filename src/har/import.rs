//! A HAR (ours, or one recorded by hand in Chrome or Firefox DevTools) turned into what a
//! crawl yields, so the rest of the pipeline runs unchanged: every `Set-Cookie` line becomes
//! a sighting (stored into a jar at the entry's time, so refusals match a scan's), cookies
//! only ever seen in `Cookie` request headers become sightings of their own, and the scripts
//! in response bodies (external and inline) go to static analysis.

use std::collections::{HashMap, HashSet};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use url::Url;

use super::model::{Entry, Har};
use super::redact::REDACTED;
use crate::cookies::{name_excerpt, parse_set_cookie, Jar};
use crate::observe::{
    Attribution, CrawlOutcome, MalformedCookie, Observation, ObservedCookie, PageVisit,
    ResourceKind, ResourceVisit, ScriptBody, Source, Warning, WarningKind,
};

/// Script text kept for analysis, all scripts together (as a crawl's `max_script_bytes`).
const MAX_SCRIPT_BYTES: usize = 64 * 1024 * 1024;

/// What a HAR holds, as a crawl would have reported it.
pub struct Imported {
    pub outcome: CrawlOutcome,
    /// The first page: the site the report is about.
    pub site: Url,
}

/// One entry, located: its URL, page, kind and time.
struct At<'a> {
    entry: &'a Entry,
    url: Url,
    page: Url,
    kind: ResourceKind,
    time: OffsetDateTime,
    hop: usize,
    /// Its page is not known yet: the first document of its page group (Firefox titles a
    /// page with the document's title, not its URL).
    grouped: bool,
}

/// Reads `har`; None when it holds no http(s) entry at all.
pub fn import(har: &Har, keep_values: bool) -> Option<Imported> {
    let mut out = CrawlOutcome::starting_now();
    let located = locate(har);
    let first = located.first()?;
    out.started_at = first.time;
    out.finished_at = located
        .iter()
        .map(|a| a.time + time::Duration::milliseconds(a.entry.time.max(0.0) as i64))
        .max()
        .unwrap_or(first.time);
    let site = located
        .iter()
        .find(|a| a.kind == ResourceKind::Page)
        .map_or_else(|| first.page.clone(), |a| a.page.clone());
    let mut jar = Jar::new();
    let mut script_bytes = 0;
    for at in &located {
        set_cookies(at, &mut jar, keep_values, &mut out);
        visit(at, &mut out);
        scripts(at, &mut script_bytes, &mut out);
    }
    sent_cookies(&located, &har.log.user_cookies, keep_values, &mut out);
    Some(Imported { outcome: out, site })
}

/// Entries in the order their requests started, with their page, kind and redirect hop.
/// Entries that are not http(s) (`data:`, `blob:`, extensions) are left out.
fn locate(har: &Har) -> Vec<At<'_>> {
    let page_urls: HashMap<&str, Url> = har
        .log
        .pages
        .iter()
        .filter_map(|p| http_url(&p.title).map(|u| (p.id.as_str(), u)))
        .collect();
    let mut located = Vec::new();
    for entry in &har.log.entries {
        let Some(url) = http_url(&entry.request.url) else {
            continue;
        };
        let time = OffsetDateTime::parse(&entry.started_date_time, &Rfc3339)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let page = entry
            .cookiescan_page
            .as_deref()
            .and_then(http_url)
            .or_else(|| {
                entry
                    .pageref
                    .as_deref()
                    .and_then(|r| page_urls.get(r).cloned())
            });
        let kind = entry.cookiescan_kind.unwrap_or_else(|| kind_of(entry));
        located.push(At {
            entry,
            grouped: page.is_none() && entry.pageref.is_some(),
            page: page.unwrap_or_else(|| url.clone()),
            url,
            kind,
            time,
            hop: 0,
        });
    }
    located.sort_by_key(|a| a.time);
    first_documents(&mut located);
    // A redirect's target is the next hop of the same fetch.
    let mut next_hop: HashMap<String, usize> = HashMap::new();
    for a in &mut located {
        a.hop = next_hop.remove(a.url.as_str()).unwrap_or(0);
        let target = &a.entry.response.redirect_url;
        if !target.is_empty() {
            if let Ok(t) = a.url.join(target) {
                next_hop.insert(t.to_string(), a.hop + 1);
            }
        }
    }
    located
}

/// Entries whose page group names no URL belong to the group's first document.
fn first_documents(located: &mut [At<'_>]) {
    let mut first: HashMap<&str, Url> = HashMap::new();
    for a in located.iter() {
        if let (true, Some(r)) = (a.grouped && a.kind == ResourceKind::Page, &a.entry.pageref) {
            first.entry(r.as_str()).or_insert_with(|| a.url.clone());
        }
    }
    for a in located.iter_mut().filter(|a| a.grouped) {
        if let Some(page) = a.entry.pageref.as_deref().and_then(|r| first.get(r)) {
            a.page = page.clone();
        }
    }
}

fn http_url(s: &str) -> Option<Url> {
    Url::parse(s)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// What kind of resource a foreign HAR's entry is: Chrome's `_resourceType`, else the type.
fn kind_of(e: &Entry) -> ResourceKind {
    let mime = e.response.content.mime_type.to_ascii_lowercase();
    let t = e.resource_type.as_deref().unwrap_or_default();
    let has = |s: &str| mime.contains(s);
    match t {
        "document" => ResourceKind::Page,
        "script" => ResourceKind::Script,
        "stylesheet" => ResourceKind::Stylesheet,
        "image" => ResourceKind::Image,
        "media" => ResourceKind::Media,
        "" if has("html") => ResourceKind::Page,
        "" if has("javascript") || has("ecmascript") => ResourceKind::Script,
        "" if has("css") => ResourceKind::Stylesheet,
        "" if mime.starts_with("image/") => ResourceKind::Image,
        "" if mime.starts_with("audio/") || mime.starts_with("video/") => ResourceKind::Media,
        _ => ResourceKind::Other,
    }
}

/// Every `Set-Cookie` of the response (from its headers; from its `cookies` array when a
/// tool left the headers out), stored into the jar at the entry's time.
fn set_cookies(at: &At<'_>, jar: &mut Jar, keep_values: bool, out: &mut CrawlOutcome) {
    let r = &at.entry.response;
    let mut lines: Vec<String> = r
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
        // Some tools join a response's Set-Cookie lines into one header, one per line.
        .flat_map(|h| h.value.lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.is_empty() {
        lines = r.cookies.iter().map(|c| line_of(c, at.time)).collect();
    }
    jar.set_fixed_time(at.time);
    let status = u16::try_from(r.status).unwrap_or(0);
    for line in lines {
        let mut parsed = match parse_set_cookie(&line) {
            Ok(p) => p,
            Err(e) => {
                malformed(at, &line, &e.to_string(), out);
                continue;
            }
        };
        let rejected = jar.store(&parsed, &at.url).err().map(|r| r.reason);
        let mut cookie = ObservedCookie::from_set_cookie(&parsed, &at.url, at.time, keep_values);
        if parsed.value == REDACTED {
            hints(
                &mut cookie,
                r.cookies.iter().find(|c| c.name == parsed.name),
            );
        }
        out.observations.push(Observation {
            cookie,
            page_url: at.page.clone(),
            response_url: at.url.clone(),
            status,
            hop: at.hop,
            resource: at.kind,
            source: Source::Http,
            time: at.time,
            rejected,
            problems: std::mem::take(&mut parsed.problems),
            script: None,
            phase: None,
            initiator: None,
            choice_page: None,
            attribution: None,
        });
    }
}

/// A redacted value: the length and randomness our own HAR kept for it, else unknown.
fn hints(cookie: &mut ObservedCookie, from: Option<&super::model::Cookie>) {
    cookie.value = None;
    let from = from.filter(|c| c.value == REDACTED);
    cookie.value_len = from.and_then(|c| c.value_length).unwrap_or(0);
    cookie.value_looks_random = from.and_then(|c| c.value_looks_random).unwrap_or(false);
}

/// A `cookies` array element as the `Set-Cookie` line that would have set it.
fn line_of(c: &super::model::Cookie, at: OffsetDateTime) -> String {
    let mut line = format!("{}={}", c.name, c.value);
    let mut attr = |s: String| {
        line.push_str("; ");
        line.push_str(&s);
    };
    if let Some(p) = &c.path {
        attr(format!("Path={p}"));
    }
    if let Some(d) = &c.domain {
        attr(format!("Domain={d}"));
    }
    if let Some(end) = c
        .expires
        .as_deref()
        .and_then(|e| OffsetDateTime::parse(e, &Rfc3339).ok())
    {
        attr(format!("Max-Age={}", (end - at).whole_seconds()));
    }
    if c.secure == Some(true) {
        attr("Secure".into());
    }
    if c.http_only == Some(true) {
        attr("HttpOnly".into());
    }
    if let Some(s) = &c.same_site {
        attr(format!("SameSite={s}"));
    }
    line
}

fn malformed(at: &At<'_>, line: &str, reason: &str, out: &mut CrawlOutcome) {
    let excerpt = name_excerpt(line);
    out.warnings.push(Warning::new(
        WarningKind::MalformedSetCookie,
        Some(&at.url),
        format!(
            "ignored a Set-Cookie header starting '{}': {reason}",
            excerpt.escape_debug()
        ),
    ));
    out.malformed.push(MalformedCookie {
        page_url: at.page.clone(),
        response_url: at.url.clone(),
        excerpt,
        reason: reason.to_owned(),
    });
}

/// The entry as a page visited or a sub-resource fetched.
fn visit(at: &At<'_>, out: &mut CrawlOutcome) {
    let r = &at.entry.response;
    let status = u16::try_from(r.status).ok().filter(|s| *s > 0);
    let cookies_set = out
        .observations
        .iter()
        .rev()
        .take_while(|o| o.response_url == at.url && o.time == at.time)
        .count();
    let error = at.entry.error.clone().or_else(|| {
        status
            .is_none()
            .then(|| format!("no response was recorded for {}", at.url))
    });
    if at.kind == ResourceKind::Page && at.url == at.page {
        out.pages.push(PageVisit {
            url: at.url.clone(),
            depth: 0,
            found_on: None,
            status,
            final_url: None,
            redirects: Vec::new(),
            content_type: Some(r.content.mime_type.clone()).filter(|m| !m.is_empty()),
            bytes: usize::try_from(r.content.size).unwrap_or(0),
            cookies_set,
            error,
            skipped: None,
        });
    } else {
        out.resources.push(ResourceVisit {
            url: at.url.clone(),
            kind: at.kind,
            page_url: at.page.clone(),
            status,
            cookies_set,
            error,
            // A HAR records what was loaded, not the markup that held it back.
            gate: None,
        });
    }
}

/// Scripts for static analysis: a script response's text, and the inline scripts of a page.
fn scripts(at: &At<'_>, bytes: &mut usize, out: &mut CrawlOutcome) {
    let content = &at.entry.response.content;
    let Some(text) = content.text.as_deref() else {
        return;
    };
    if content.encoding.is_some() {
        // Base64: binary bodies, not scripts or pages.
        return;
    }
    let mut keep = |url: Option<Url>, inline_index: Option<usize>, code: String| {
        *bytes += code.len();
        if *bytes <= MAX_SCRIPT_BYTES {
            out.scripts.push(ScriptBody {
                url,
                page_url: at.page.clone(),
                inline_index,
                code,
                gate: None,
            });
        }
    };
    match at.kind {
        ResourceKind::Script => keep(Some(at.url.clone()), None, text.to_owned()),
        ResourceKind::Page | ResourceKind::Iframe
            if crate::crawl::is_html(Some(&content.mime_type), text.as_bytes()) =>
        {
            let found = crate::crawl::extract(text, &at.url);
            for (i, code) in found.inline_scripts.into_iter().enumerate() {
                keep(None, Some(i + 1), code);
            }
        }
        _ => {}
    }
}

/// Cookies the browser sent (`Cookie` request headers) that no response in the HAR set: set
/// by a script, or before the recording started. One sighting each, on the first request
/// that carried it; its lifetime is unknown.
/// Cookies the user gave a cookiescan scan (`user`) are not the site's: left out.
fn sent_cookies(located: &[At<'_>], user: &[String], keep_values: bool, out: &mut CrawlOutcome) {
    let mut known: HashSet<String> = out
        .observations
        .iter()
        .map(|o| o.cookie.name.clone())
        .chain(user.iter().cloned())
        .collect();
    let found = crate::observe::script_findings(&out.scripts, &[]);
    known.extend(found.observations.into_iter().map(|o| o.cookie.name));
    for at in located {
        for (name, value) in request_cookies(at.entry) {
            if !known.insert(name.clone()) {
                continue;
            }
            let Ok(parsed) = parse_set_cookie(&format!("{name}={value}; Path=/")) else {
                continue;
            };
            let mut cookie =
                ObservedCookie::from_set_cookie(&parsed, &at.url, at.time, keep_values);
            if value == REDACTED {
                hints(&mut cookie, None);
            }
            cookie.lifetime_known = false;
            out.observations.push(Observation {
                cookie,
                page_url: at.page.clone(),
                response_url: at.url.clone(),
                status: 0,
                hop: at.hop,
                resource: at.kind,
                source: Source::Browser,
                time: at.time,
                rejected: None,
                problems: Vec::new(),
                script: None,
                phase: None,
                initiator: Some("sent in a Cookie header; no response in the HAR set it".into()),
                choice_page: None,
                attribution: Some(Attribution::Store),
            });
        }
    }
}

/// (name, value) of every cookie the request sent: its `Cookie` headers, else its `cookies`.
fn request_cookies(e: &Entry) -> Vec<(String, String)> {
    let from_headers: Vec<(String, String)> = e
        .request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
        .flat_map(|h| h.value.split(';'))
        .filter_map(|p| {
            let p = p.trim();
            let (n, v) = p.split_once('=')?;
            (!n.trim().is_empty()).then(|| (n.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    if !from_headers.is_empty() {
        return from_headers;
    }
    e.request
        .cookies
        .iter()
        .map(|c| (c.name.clone(), c.value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn har(entries: &str) -> Har {
        serde_json::from_str(&format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "t", "version": "1"}}, "entries": [{entries}]}}}}"#
        ))
        .unwrap()
    }

    fn entry(url: &str, req_headers: &str, resp_headers: &str, cookies: &str) -> String {
        format!(
            r#"{{"startedDateTime": "2026-01-01T00:00:00Z", "time": 1,
                "request": {{"method": "GET", "url": "{url}", "headers": [{req_headers}]}},
                "response": {{"status": 200, "headers": [{resp_headers}], "cookies": [{cookies}],
                              "content": {{"size": 0, "mimeType": "text/html"}}}}}}"#
        )
    }

    #[test]
    fn a_har_without_set_cookie_headers_is_read_from_its_cookie_arrays() {
        // Chrome's sanitized export drops the headers; some tools keep only the arrays.
        let h = har(&entry(
            "https://a.test/",
            "",
            "",
            r#"{"name": "sid", "value": "x", "path": "/", "domain": ".a.test",
                "expires": "2026-01-02T00:00:00Z", "secure": true, "sameSite": "Lax"}"#,
        ));
        let out = import(&h, false).unwrap().outcome;
        let c = &out.observations[0].cookie;
        assert_eq!((c.name.as_str(), c.domain.as_str()), ("sid", "a.test"));
        assert_eq!(c.lifetime_secs, Some(86_400));
        assert!(c.secure && !c.host_only);
    }

    #[test]
    fn a_redacted_value_keeps_the_hints_our_har_wrote() {
        let h = har(&entry(
            "https://a.test/",
            "",
            r#"{"name": "Set-Cookie", "value": "sid=[redacted]; Path=/"}"#,
            r#"{"name": "sid", "value": "[redacted]", "_valueLength": 32, "_valueLooksRandom": true}"#,
        ));
        let out = import(&h, true).unwrap().outcome;
        let c = &out.observations[0].cookie;
        assert_eq!((c.value.as_deref(), c.value_len), (None, 32));
        assert!(c.value_looks_random);
    }

    #[test]
    fn only_cookies_no_response_set_come_from_cookie_headers() {
        let first = entry(
            "https://a.test/",
            "",
            r#"{"name": "Set-Cookie", "value": "sid=1; Path=/"}"#,
            "",
        );
        let second = entry(
            "https://a.test/next",
            r#"{"name": "Cookie", "value": "sid=1; old=2"}"#,
            "",
            "",
        );
        let out = import(&har(&format!("{first},{second}")), false)
            .unwrap()
            .outcome;
        let names: Vec<(&str, bool)> = out
            .observations
            .iter()
            .map(|o| (o.cookie.name.as_str(), o.cookie.lifetime_known))
            .collect();
        assert_eq!(names, [("sid", true), ("old", false)]);
    }

    #[test]
    fn floats_and_nulls_where_har_has_numbers_and_strings_are_read() {
        let h = har(r#"{"startedDateTime": "2026-01-01T00:00:00Z", "time": 1.5,
            "request": {"method": "GET", "url": "https://a.test/", "headersSize": 10.0, "bodySize": null,
                        "headers": [{"name": "Cookie", "value": null}]},
            "response": {"status": 200.0, "headersSize": null, "bodySize": -1,
                         "headers": [{"name": "Set-Cookie", "value": "a=1"}],
                         "content": {"size": 3.0, "mimeType": "text/html"}}}"#);
        let out = import(&h, false).unwrap().outcome;
        assert_eq!(out.observations.len(), 1);
        assert_eq!(out.pages[0].status, Some(200));
    }

    #[test]
    fn a_har_of_only_data_urls_is_empty() {
        assert!(import(&har(&entry("data:text/plain,x", "", "", "")), false).is_none());
    }
}
