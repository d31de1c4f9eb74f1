//! HAR 1.2 (<http://www.softwareishard.com/blog/har-12-spec/>) as serde types. Written with
//! every field the spec requires; read leniently, since Chrome, Firefox and other tools each
//! leave out or add different ones. Fields starting with `_` are custom, as the spec allows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Har {
    pub log: Log,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Log {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub creator: Creator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<Creator>,
    #[serde(default)]
    pub pages: Vec<Page>,
    pub entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Ours: cookies the user gave the scan (`--cookie`, `--cookie-file`). They are in the
    /// `Cookie` headers but are not the site's, so `analyze` does not report them.
    #[serde(
        default,
        rename = "_cookiescanUserCookies",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_cookies: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Creator {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    #[serde(default)]
    pub started_date_time: String,
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub page_timings: PageTimings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageTimings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_content_load: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_load: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pageref: Option<String>,
    #[serde(default)]
    pub started_date_time: String,
    #[serde(default, deserialize_with = "millis")]
    pub time: f64,
    pub request: Request,
    pub response: Response,
    #[serde(default)]
    pub cache: Cache,
    #[serde(default)]
    pub timings: Timings,
    #[serde(
        default,
        rename = "serverIPAddress",
        skip_serializing_if = "Option::is_none"
    )]
    pub server_ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Chrome's resource type (`document`, `script`, `image`...).
    #[serde(
        default,
        rename = "_resourceType",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_type: Option<String>,
    /// Ours: the page whose visit made the request (a page group can hold many pages).
    #[serde(
        default,
        rename = "_cookiescanPage",
        skip_serializing_if = "Option::is_none"
    )]
    pub cookiescan_page: Option<String>,
    /// Ours: what kind of resource the scan fetched it as.
    #[serde(
        default,
        rename = "_cookiescanKind",
        skip_serializing_if = "Option::is_none"
    )]
    pub cookiescan_kind: Option<crate::observe::ResourceKind>,
    /// Ours: why no response came.
    #[serde(default, rename = "_error", skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    #[serde(default)]
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub http_version: String,
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub query_string: Vec<Header>,
    #[serde(default = "unknown", deserialize_with = "number")]
    pub headers_size: i64,
    #[serde(default = "unknown", deserialize_with = "number")]
    pub body_size: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    #[serde(deserialize_with = "number")]
    pub status: i64,
    #[serde(default)]
    pub status_text: String,
    #[serde(default)]
    pub http_version: String,
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub content: Content,
    #[serde(default, rename = "redirectURL")]
    pub redirect_url: String,
    #[serde(default = "unknown", deserialize_with = "number")]
    pub headers_size: i64,
    #[serde(default = "unknown", deserialize_with = "number")]
    pub body_size: i64,
}

/// A header, or a query-string parameter (the same two fields).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// ISO 8601; absent for a session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    /// Ours, when the value is redacted: its length and whether it looked random, the two
    /// hints classification uses, so `analyze` classifies a redacted HAR as the scan did.
    #[serde(
        default,
        rename = "_valueLength",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_length: Option<usize>,
    #[serde(
        default,
        rename = "_valueLooksRandom",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_looks_random: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    #[serde(default, deserialize_with = "number")]
    pub size: i64,
    #[serde(default)]
    pub mime_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Nothing is cached: every scan starts with an empty cache.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cache {}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    #[serde(default = "unknown_ms")]
    pub blocked: f64,
    #[serde(default = "unknown_ms")]
    pub dns: f64,
    #[serde(default = "unknown_ms")]
    pub connect: f64,
    #[serde(default)]
    pub send: f64,
    #[serde(default)]
    pub wait: f64,
    #[serde(default)]
    pub receive: f64,
    #[serde(default = "unknown_ms")]
    pub ssl: f64,
}

/// Tools differ: an integer, a float (`12.0`) or null (unknown, -1).
fn number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.map_or(-1, |n| n as i64))
}

/// Milliseconds, or null (unknown: 0).
fn millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(0.0))
}

/// A string, or null (some tools write a missing value so).
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn unknown() -> i64 {
    -1
}

fn unknown_ms() -> f64 {
    -1.0
}
