//! What a tab saw, turned into the crawl's plain data: one [`Observation`] per cookie sighting.

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use crate::cookies::{parse_set_cookie, SameSite};
use crate::observe::{
    looks_random, Attribution, ConsentPhase, Observation, ObservedCookie, ResourceKind, Source,
};
use crate::scripts::{Api, Evidence, Method};

/// The `Set-Cookie` lines of one response, with the ones the browser refused and why.
#[derive(Debug, Clone)]
pub struct NetCookies {
    /// The response's URL; empty until its request is seen (events may come out of order).
    pub url: String,
    pub request_id: String,
    /// What made the request (see [`initiator`]).
    pub initiator: Option<String>,
    pub status: u16,
    pub phase: ConsentPhase,
    /// After a choice: the page where the choice covering this response was made.
    pub choice_page: Option<Url>,
    /// (line, refusal reasons when refused)
    pub lines: Vec<(String, Option<String>)>,
}

impl NetCookies {
    /// From `Network.responseReceivedExtraInfo`, the only event with the raw `Set-Cookie`.
    pub fn from_extra_info(
        p: &Value,
        url: String,
        initiator: Option<String>,
        phase: ConsentPhase,
    ) -> Option<NetCookies> {
        let headers = p["headers"].as_object()?;
        let raw = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        if raw.is_empty() {
            return None;
        }
        let blocked: Vec<(String, String)> = p["blockedCookies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| {
                let reasons: Vec<&str> = b["blockedReasons"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                (
                    b["cookieLine"].as_str().unwrap_or_default().to_owned(),
                    reasons.join(", "),
                )
            })
            .collect();
        let lines = raw
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let why = blocked
                    .iter()
                    .find(|(b, _)| b == l)
                    .map(|(_, r)| format!("Chromium refused it: {r}"));
                (l.to_owned(), why)
            })
            .collect();
        Some(NetCookies {
            url,
            request_id: String::new(),
            initiator,
            status: p["statusCode"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0),
            phase,
            choice_page: None,
            lines,
        })
    }
}

/// What made a request, from `Network.requestWillBeSent`'s `initiator`: the first stack frame
/// with a URL for a script (`script URL:line:column`, 1-based), the document and line for
/// the HTML parser, and the bare type otherwise (`other` is a navigation).
pub fn initiator(request: &Value) -> Option<String> {
    let i = &request["initiator"];
    let kind = i["type"].as_str()?;
    let at = |url: &str, line: &Value, col: Option<&Value>| {
        let line = line.as_u64().map_or(0, |l| l + 1);
        match col.and_then(Value::as_u64) {
            Some(c) => format!("{kind} {url}:{line}:{}", c + 1),
            None => format!("{kind} {url}:{line}"),
        }
    };
    let frame = i["stack"]["callFrames"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["url"].as_str().is_some_and(|u| !u.is_empty()));
    Some(match (kind, frame, i["url"].as_str()) {
        (_, Some(f), _) => at(
            f["url"].as_str().unwrap_or_default(),
            &f["lineNumber"],
            Some(&f["columnNumber"]),
        ),
        ("other", None, _) => "navigation".to_owned(),
        (_, None, Some(u)) => at(u, &i["lineNumber"], None),
        (_, None, None) => kind.to_owned(),
    })
}

/// A cookie write a page script made, reported by the injected hook.
#[derive(Debug, Clone)]
pub struct JsWrite {
    pub api: String,
    pub text: String,
    pub script_url: String,
    pub line: u32,
    pub column: u32,
    pub frame_url: String,
    pub phase: ConsentPhase,
    pub choice_page: Option<Url>,
    /// The hook read the name back from `document.cookie` right after the write.
    pub visible: bool,
}

impl JsWrite {
    pub fn from_payload(payload: &str, phase: ConsentPhase) -> Option<JsWrite> {
        // The page can call the binding itself: anything malformed is ignored.
        let v: Value = serde_json::from_str(payload).ok()?;
        let num = |k: &str| {
            v[k].as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0)
        };
        Some(JsWrite {
            api: v["api"].as_str()?.to_owned(),
            text: v["text"].as_str()?.to_owned(),
            script_url: v["url"].as_str().unwrap_or_default().to_owned(),
            line: num("line"),
            column: num("col"),
            frame_url: v["page"].as_str().unwrap_or_default().to_owned(),
            phase,
            choice_page: None,
            visible: v["stored"].as_bool().unwrap_or(false),
        })
    }
}

/// A cookie's identity in the browser's store: name, domain without its leading dot, path.
pub fn store_key(name: &str, domain: &str, path: &str) -> String {
    format!(
        "{name}\u{0}{}\u{0}{path}",
        domain.trim_start_matches('.').to_ascii_lowercase()
    )
}

/// The [`store_key`] of a cookie as `Storage.getCookies` (or `setCookies`) spells it.
pub fn store_key_of(c: &Value) -> String {
    store_key(
        c["name"].as_str().unwrap_or(""),
        c["domain"].as_str().unwrap_or(""),
        c["path"].as_str().unwrap_or(""),
    )
}

/// Why a tab's page is credited with a stored cookie: the last of its own sightings that
/// left the cookie in the store.
#[derive(Debug, Clone)]
pub struct Explained {
    pub phase: ConsentPhase,
    pub choice_page: Option<Url>,
    pub attribution: Attribution,
    pub response_url: Url,
    pub initiator: Option<String>,
}

/// A write or header that asks the browser to delete the cookie: nothing is stored.
pub const DELETION: &str = "a deletion (expiry in the past): nothing stored";
/// A script's write that left nothing in the browser's jar.
pub const NOT_STORED: &str = "not stored: the browser kept nothing for this script write";

pub struct Capture<'a> {
    pub page: &'a Url,
    pub keep_values: bool,
    pub now: OffsetDateTime,
}

impl Capture<'_> {
    /// One observation per `Set-Cookie` line of a response; returns the store keys of the
    /// lines the browser kept (neither refused nor a deletion).
    pub fn net(&self, n: &NetCookies, out: &mut Vec<Observation>) -> Vec<(String, Explained)> {
        let mut kept = Vec::new();
        let Ok(url) = Url::parse(&n.url) else {
            return kept;
        };
        for (line, refused) in &n.lines {
            let Ok(parsed) = parse_set_cookie(line) else {
                continue;
            };
            let resource = if url == *self.page {
                ResourceKind::Page
            } else {
                ResourceKind::Other
            };
            let cookie = ObservedCookie::from_set_cookie(&parsed, &url, self.now, self.keep_values);
            let deletion = cookie.lifetime_secs.is_some_and(|l| l <= 0);
            let rejected = refused
                .clone()
                .or_else(|| deletion.then(|| DELETION.to_owned()));
            if rejected.is_none() {
                kept.push((
                    store_key(&cookie.name, &cookie.domain, &cookie.path),
                    Explained {
                        phase: n.phase,
                        choice_page: n.choice_page.clone(),
                        attribution: Attribution::Response,
                        response_url: url.clone(),
                        initiator: n.initiator.clone(),
                    },
                ));
            }
            out.push(Observation {
                cookie,
                page_url: self.page.clone(),
                response_url: url.clone(),
                status: n.status,
                hop: 0,
                resource,
                source: Source::Browser,
                time: self.now,
                rejected,
                problems: parsed.problems.clone(),
                script: None,
                phase: Some(n.phase),
                initiator: n.initiator.clone(),
                choice_page: n.choice_page.clone(),
                attribution: Some(Attribution::Response),
            });
        }
        kept
    }

    /// A script's cookie write. `in_store` says whether the store holds a cookie of that key
    /// once the page settled; a write neither the hook nor the store saw kept is refused.
    pub fn js_write(
        &self,
        w: &JsWrite,
        in_store: impl Fn(&str) -> bool,
        out: &mut Vec<Observation>,
    ) -> Option<(String, Explained)> {
        let frame = Url::parse(&w.frame_url).unwrap_or_else(|_| self.page.clone());
        let parsed = parse_set_cookie(&w.text).ok()?;
        let inline = w.script_url.is_empty() || w.script_url == w.frame_url;
        let location = if inline {
            format!("{frame} inline")
        } else {
            w.script_url.clone()
        };
        // The snippet shows the attributes, never the value.
        let attrs = w.text.split_once(';').map_or("", |(_, a)| a.trim());
        let snippet: String = format!("{}=…; {attrs}", parsed.name)
            .chars()
            .take(120)
            .collect();
        let api = if w.api == "cookie-store" {
            Api::CookieStore
        } else {
            Api::DocumentCookie
        };
        let cookie = ObservedCookie::from_set_cookie(&parsed, &frame, self.now, self.keep_values);
        let key = store_key(&cookie.name, &cookie.domain, &cookie.path);
        let rejected = if cookie.lifetime_secs.is_some_and(|l| l <= 0) {
            Some(DELETION.to_owned())
        } else if w.visible || in_store(&key) {
            None
        } else {
            Some(NOT_STORED.to_owned())
        };
        let response_url = Url::parse(&w.script_url).unwrap_or(frame);
        let kept = rejected.is_none().then(|| {
            (
                key,
                Explained {
                    phase: w.phase,
                    choice_page: w.choice_page.clone(),
                    attribution: Attribution::Script,
                    response_url: response_url.clone(),
                    initiator: None,
                },
            )
        });
        out.push(Observation {
            cookie,
            page_url: self.page.clone(),
            response_url,
            status: 0,
            hop: 0,
            resource: ResourceKind::Script,
            source: Source::Browser,
            time: self.now,
            rejected,
            problems: parsed.problems.clone(),
            script: Some(Evidence {
                location,
                line: w.line,
                column: w.column,
                snippet,
                method: Method::Observed,
                api,
                confidence: 1.0,
                note: None,
            }),
            phase: Some(w.phase),
            initiator: None,
            choice_page: w.choice_page.clone(),
            attribution: Some(Attribution::Script),
        });
        kept
    }

    /// A cookie from the browser's store (`Storage.getCookies`), credited to this page for
    /// the reason `why` gives.
    pub fn stored(&self, c: &Value, why: &Explained, out: &mut Vec<Observation>) {
        let Some(name) = c["name"].as_str() else {
            return;
        };
        let value = c["value"].as_str().unwrap_or_default();
        let raw_domain = c["domain"].as_str().unwrap_or_default();
        let session = c["session"].as_bool().unwrap_or(true);
        let lifetime = (!session)
            .then(|| c["expires"].as_f64())
            .flatten()
            .map(|e| e as i64 - self.now.unix_timestamp());
        let same_site = match c["sameSite"].as_str() {
            Some("Strict") => Some(SameSite::Strict),
            Some("Lax") => Some(SameSite::Lax),
            Some("None") => Some(SameSite::None),
            _ => None,
        };
        let domain = raw_domain.trim_start_matches('.').to_ascii_lowercase();
        out.push(Observation {
            cookie: ObservedCookie {
                name: name.to_owned(),
                value: self.keep_values.then(|| value.to_owned()),
                value_len: value.len(),
                value_looks_random: looks_random(value),
                host_only: !raw_domain.starts_with('.'),
                domain,
                path: c["path"].as_str().unwrap_or("/").to_owned(),
                lifetime_secs: lifetime,
                lifetime_known: true,
                secure: c["secure"].as_bool().unwrap_or(false),
                http_only: c["httpOnly"].as_bool().unwrap_or(false),
                same_site,
                partitioned: c.get("partitionKey").is_some_and(|k| !k.is_null()),
                stored_lifetime_secs: lifetime,
            },
            page_url: self.page.clone(),
            response_url: why.response_url.clone(),
            status: 0,
            hop: 0,
            resource: ResourceKind::Other,
            source: Source::Browser,
            time: self.now,
            rejected: None,
            problems: Vec::new(),
            script: None,
            phase: Some(why.phase),
            initiator: why.initiator.clone(),
            choice_page: why.choice_page.clone(),
            attribution: Some(why.attribution),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cap(page: &Url) -> Capture<'_> {
        Capture {
            page,
            keep_values: false,
            now: OffsetDateTime::now_utc(),
        }
    }

    fn response(lines: &[(&str, Option<&str>)], phase: ConsentPhase) -> NetCookies {
        NetCookies {
            url: "http://cdn.ads.test/px.gif".into(),
            request_id: "1".into(),
            initiator: None,
            status: 200,
            phase,
            choice_page: None,
            lines: lines
                .iter()
                .map(|(l, r)| ((*l).to_owned(), r.map(str::to_owned)))
                .collect(),
        }
    }

    #[test]
    fn only_lines_the_browser_kept_explain_a_stored_cookie() {
        let page = Url::parse("http://www.a.test/blog/").unwrap();
        let n = response(
            &[
                ("uid=1; Domain=.ads.test; Path=/", None),
                (
                    "wid=2; SameSite=None; Secure",
                    Some("Chromium refused it: SecureOnly"),
                ),
                ("old=; Max-Age=0", None),
            ],
            ConsentPhase::AfterReject,
        );
        let mut out = Vec::new();
        let kept = cap(&page).net(&n, &mut out);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, store_key("uid", ".ads.test", "/"));
        assert_eq!(
            kept[0].0,
            store_key_of(&json!({"name": "uid", "domain": ".ads.test", "path": "/"}))
        );
        assert_eq!(kept[0].1.attribution, Attribution::Response);
        let refused: Vec<_> = out.iter().filter_map(|o| o.rejected.as_deref()).collect();
        assert_eq!(refused, ["Chromium refused it: SecureOnly", DELETION]);
        // Refused or deleted cookies are in no phase of the aggregate.
        let records = crate::observe::aggregate(&out, "www.a.test");
        let wid = records.iter().find(|r| r.name == "wid").unwrap();
        assert!(wid.phases.is_empty() && wid.rejected.is_some());
        let uid = records.iter().find(|r| r.name == "uid").unwrap();
        assert_eq!(uid.phases.len(), 1);
        assert_eq!(uid.phase_pages[0].page, page);
    }

    #[test]
    fn a_script_write_that_left_nothing_is_not_stored() {
        let page = Url::parse("http://www.a.test/about").unwrap();
        let write = |text: &str, visible: bool| JsWrite {
            api: "document.cookie".into(),
            text: text.into(),
            script_url: "http://www.a.test/app.js".into(),
            line: 1,
            column: 1,
            frame_url: page.to_string(),
            phase: ConsentPhase::BeforeConsent,
            choice_page: None,
            visible,
        };
        let mut out = Vec::new();
        let c = cap(&page);
        assert!(c
            .js_write(&write("ab=b; Secure", false), |_| false, &mut out)
            .is_none());
        assert_eq!(out[0].rejected.as_deref(), Some(NOT_STORED));
        // Read back at once by the hook, or found in the store later: stored.
        assert!(c
            .js_write(&write("ab=b", true), |_| false, &mut out)
            .is_some());
        let stored = c.js_write(
            &write("cd=1; path=/", false),
            |k| k == store_key("cd", "www.a.test", "/"),
            &mut out,
        );
        assert_eq!(
            stored.map(|(_, e)| e.attribution),
            Some(Attribution::Script)
        );
        // A deletion stores nothing, whatever the store holds.
        assert!(c
            .js_write(&write("cd=; max-age=0; path=/", false), |_| true, &mut out)
            .is_none());
        assert_eq!(out.last().unwrap().rejected.as_deref(), Some(DELETION));
    }

    #[test]
    fn initiators_name_the_script_frame_the_parser_line_or_the_navigation() {
        let script = json!({"initiator": {"type": "script", "stack": {"callFrames": [
            {"url": "", "lineNumber": 0, "columnNumber": 0},
            {"url": "http://t.test/track.js", "lineNumber": 9, "columnNumber": 4}]}}});
        assert_eq!(
            initiator(&script).as_deref(),
            Some("script http://t.test/track.js:10:5")
        );
        let parser =
            json!({"initiator": {"type": "parser", "url": "http://a.test/", "lineNumber": 2}});
        assert_eq!(
            initiator(&parser).as_deref(),
            Some("parser http://a.test/:3")
        );
        let nav = json!({"initiator": {"type": "other"}});
        assert_eq!(initiator(&nav).as_deref(), Some("navigation"));
        assert_eq!(initiator(&json!({})), None);
    }
}
