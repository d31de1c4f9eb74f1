//! What a scan saw ([`Exchange`]s) written as HAR 1.2: one page group per visited page
//! (static mode) or per consent pass (browser mode), every `Cookie` and `Set-Cookie` header
//! and the `cookies` arrays filled. Cookie values are redacted unless values were asked for.

use std::collections::HashMap;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::model::{
    Cache, Content, Cookie, Creator, Entry, Har, Header, Log, Page, PageTimings, Request, Response,
    Timings,
};
use super::redact::Redactor;
use crate::cookies::{parse_set_cookie, SameSite};
use crate::observe::{looks_random, Exchange};

/// Builds the HAR of `exchanges`, in the order their requests started. `user_cookies` names
/// the cookies the user gave the scan, which its `Cookie` headers carry.
pub fn to_har(exchanges: &[Exchange], include_values: bool, user_cookies: &[String]) -> Har {
    let mut order: Vec<&Exchange> = exchanges.iter().collect();
    order.sort_by(|a, b| (a.started, a.url.as_str()).cmp(&(b.started, b.url.as_str())));
    let redactor = Redactor::new(exchanges, include_values);
    let mut pages: Vec<Page> = Vec::new();
    let mut ids: HashMap<&str, String> = HashMap::new();
    let entries = order
        .iter()
        .map(|e| {
            let id = ids.entry(e.group.as_str()).or_insert_with(|| {
                let id = format!("page_{}", pages.len() + 1);
                pages.push(Page {
                    started_date_time: iso(e.started),
                    id: id.clone(),
                    title: redactor.url(&e.group),
                    page_timings: PageTimings::default(),
                    comment: None,
                });
                id
            });
            entry(e, id.clone(), &redactor)
        })
        .collect();
    Har {
        log: Log {
            version: "1.2".to_owned(),
            creator: Creator {
                name: "cookiescan".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            browser: None,
            pages,
            entries,
            comment: (!include_values).then(|| {
                "Cookie values are redacted (cookiescan --include-values keeps them).".to_owned()
            }),
            user_cookies: user_cookies.to_vec(),
        },
    }
}

fn entry(e: &Exchange, pageref: String, r: &Redactor) -> Entry {
    let t = &e.timings;
    Entry {
        pageref: Some(pageref),
        started_date_time: iso(e.started),
        time: t.total(),
        request: request(e, r),
        response: response(e, r),
        cache: Cache::default(),
        timings: Timings {
            blocked: t.blocked.unwrap_or(-1.0),
            dns: t.dns.unwrap_or(-1.0),
            connect: t.connect.unwrap_or(-1.0),
            send: t.send.max(0.0),
            wait: t.wait.max(0.0),
            receive: t.receive.max(0.0),
            ssl: t.ssl.unwrap_or(-1.0),
        },
        server_ip_address: None,
        comment: None,
        resource_type: Some(resource_type(e).to_owned()),
        cookiescan_page: Some(r.url(e.page_url.as_str())),
        cookiescan_kind: Some(e.resource),
        error: e.error.clone(),
    }
}

fn request(e: &Exchange, r: &Redactor) -> Request {
    let cookies = e
        .request_header("cookie")
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| {
            let pair = pair.trim();
            let (name, value) = pair.split_once('=').unwrap_or(("", pair));
            (!pair.is_empty()).then(|| r.cookie(name.trim(), value.trim(), Cookie::default()))
        })
        .collect();
    Request {
        method: e.method.clone(),
        // Trackers put cookie values in query strings (a client id in a pixel's URL).
        url: r.url(e.url.as_str()),
        http_version: e.http_version.clone(),
        cookies,
        headers: headers(&e.request_headers, r),
        query_string: e
            .url
            .query_pairs()
            .map(|(n, v)| Header {
                name: n.into_owned(),
                value: r.body(&v),
            })
            .collect(),
        headers_size: -1,
        body_size: 0,
    }
}

fn response(e: &Exchange, r: &Redactor) -> Response {
    let cookies = e
        .response_header("set-cookie")
        .filter_map(|line| parse_set_cookie(line).ok())
        .map(|c| {
            let attrs = Cookie {
                path: c.path.clone(),
                domain: c.domain.clone(),
                expires: expires(&c, e.started),
                http_only: Some(c.http_only),
                secure: Some(c.secure),
                same_site: c.same_site.map(|s| {
                    match s {
                        SameSite::Strict => "Strict",
                        SameSite::Lax => "Lax",
                        SameSite::None => "None",
                    }
                    .to_owned()
                }),
                ..Cookie::default()
            };
            r.cookie(&c.name, &c.value, attrs)
        })
        .collect();
    let size = e
        .body_size
        .map_or(-1, |s| i64::try_from(s).unwrap_or(i64::MAX));
    Response {
        // HAR has no "no response": tools write 0, as Firefox does for a failed request.
        status: e.status.map_or(0, i64::from),
        status_text: e.status_text.clone(),
        http_version: if e.status.is_some() {
            e.http_version.clone()
        } else {
            String::new()
        },
        cookies,
        headers: headers(&e.response_headers, r),
        content: Content {
            size: size.max(0),
            mime_type: e.mime_type.clone(),
            text: e.body.as_deref().map(|b| r.body(b)),
            encoding: None,
            comment: None,
        },
        redirect_url: r.url(e.redirect_url.as_deref().unwrap_or_default()),
        headers_size: -1,
        body_size: size,
    }
}

fn headers(list: &[(String, String)], r: &Redactor) -> Vec<Header> {
    list.iter()
        .map(|(n, v)| Header {
            name: n.clone(),
            value: r.header(n, v),
        })
        .collect()
}

/// When the cookie expires, Max-Age counted from the response's time.
fn expires(c: &crate::cookies::SetCookie, at: OffsetDateTime) -> Option<String> {
    let end = match c.max_age {
        Some(secs) => at.checked_add(time::Duration::seconds(secs))?,
        None => c.expires?,
    };
    Some(iso(end))
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Chrome's names for the kinds of resource, which DevTools shows in its type column.
fn resource_type(e: &Exchange) -> &'static str {
    use crate::observe::ResourceKind as K;
    match e.resource {
        K::Page | K::Iframe => "document",
        K::Script => "script",
        K::Stylesheet => "stylesheet",
        K::Image => "image",
        K::Media => "media",
        K::Robots | K::Sitemap | K::Other => "other",
    }
}

/// The hints classification reads from a value, for a cookie whose value is redacted.
pub(super) fn value_hints(value: &str, c: &mut Cookie) {
    c.value_length = Some(value.len());
    c.value_looks_random = Some(looks_random(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{ResourceKind, Timings};
    use url::Url;

    fn exchange(group: &str, url: &str, set_cookie: &str, at: i64) -> Exchange {
        let url = Url::parse(url).unwrap();
        Exchange {
            group: group.into(),
            page_url: url.clone(),
            resource: ResourceKind::Page,
            started: OffsetDateTime::from_unix_timestamp(at).unwrap(),
            method: "GET".into(),
            url,
            http_version: "HTTP/1.1".into(),
            request_headers: Vec::new(),
            status: Some(200),
            status_text: "OK".into(),
            response_headers: vec![("set-cookie".into(), set_cookie.into())],
            mime_type: "text/html".into(),
            body_size: Some(0),
            body: None,
            redirect_url: None,
            timings: Timings {
                wait: 2.0,
                receive: 1.0,
                ..Timings::default()
            },
            error: None,
        }
    }

    #[test]
    fn entries_follow_request_order_in_one_page_per_group() {
        let har = to_har(
            &[
                exchange("b", "http://a.test/b", "x=1", 20),
                exchange("a", "http://a.test/", "id=abcdef; Max-Age=60", 10),
                exchange("a", "http://a.test/c", "y=2", 30),
            ],
            false,
            &[],
        );
        let refs: Vec<_> = har.log.entries.iter().map(|e| e.pageref.clone()).collect();
        assert_eq!(
            refs,
            [
                Some("page_1".into()),
                Some("page_2".into()),
                Some("page_1".into())
            ]
        );
        let titles: Vec<_> = har.log.pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["a", "b"]);
        let first = &har.log.entries[0];
        assert_eq!(first.time, 3.0);
        let c = &first.response.cookies[0];
        // Max-Age counts from the response: 10 s after the epoch, plus 60.
        assert_eq!(c.expires.as_deref(), Some("1970-01-01T00:01:10Z"));
        assert_eq!((c.value.as_str(), c.value_length), ("[redacted]", Some(6)));
    }
}
