//! The publishable cookie declaration: the table of cookies a site shows in its cookie
//! policy, built from a finished [`Report`](crate::report::Report) by [`declare`] (a stage after
//! compliance) and written by one [`Renderer`] per format, in six languages ([`Lang`]).
//! [`check`] compares a published declaration with a fresh one.
mod build;
mod check;
mod cookieconsent;
mod html;
mod js;
mod json;
mod klaro;
mod markdown;
mod words;

use serde::Serialize;

use crate::knowledge::Category;
use crate::observe::Party;

pub use build::declare;
pub use check::{check, Drift, DriftKind};
pub use cookieconsent::CookieConsentRenderer;
pub use html::{HtmlFragmentRenderer, HtmlPageRenderer};
pub use json::JsonRenderer;
pub use klaro::KlaroRenderer;
pub use markdown::MarkdownRenderer;
pub use words::{Lang, Span, Words};

/// A cookie declaration in one language: the consent manager found, then one section per
/// category in [`Category::ALL`] order (empty ones left out).
#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    pub lang: Lang,
    /// Host of the scanned site.
    pub site: String,
    /// When the scan finished ("2026-12-06 13:05 UTC").
    pub scanned: String,
    pub consent_manager: Option<String>,
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub words: Words,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub category: Category,
    /// The category's heading in the declaration's language.
    pub title: String,
    pub items: Vec<Item>,
}

/// One row: a cookie, a family of cookies (`_pk_id.*`) or a web storage key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// As the site sets it, or `stem*` for a family the database knows by its prefix.
    pub name: String,
    pub family: bool,
    pub provider: Option<String>,
    pub purpose: Option<String>,
    /// The language the purpose is written in; differs from the declaration's when no
    /// translation exists (then `purpose_fallback` is true).
    pub purpose_lang: Option<String>,
    pub purpose_fallback: bool,
    pub expiry: Expiry,
    /// The expiry in words of the declaration's language.
    pub lifetime: String,
    #[serde(rename = "type")]
    pub kind: ItemKind,
    /// The type in words of the declaration's language.
    pub type_label: String,
    pub domain: String,
    pub party: Party,
    pub party_label: String,
}

/// How long an item is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "secs")]
pub enum Expiry {
    Session,
    /// The longest lifetime the site asked for, in seconds.
    After(i64),
    /// Web storage with no expiry (localStorage, IndexedDB).
    UntilCleared,
    /// Known only from a tracker signature: no lifetime was seen.
    Unknown,
}

impl Expiry {
    /// Seconds (`None` for a session) when the expiry is a cookie lifetime that can be
    /// compared with a published one.
    pub fn comparable(self) -> Option<Option<i64>> {
        match self {
            Expiry::Session => Some(None),
            Expiry::After(s) => Some(Some(s)),
            Expiry::UntilCleared | Expiry::Unknown => None,
        }
    }
}

/// How an item is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Set by a `Set-Cookie` response header.
    HttpCookie,
    /// Written by JavaScript (`document.cookie`).
    ScriptCookie,
    LocalStorage,
    SessionStorage,
    #[serde(rename = "indexeddb")]
    IndexedDb,
}

impl ItemKind {
    pub fn is_cookie(self) -> bool {
        matches!(self, ItemKind::HttpCookie | ItemKind::ScriptCookie)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeclareError {
    #[error("could not render the {format} declaration: {detail}")]
    Render {
        format: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Data(String),
}

/// Renders a declaration in one format. A new format is one new file and one
/// [`DeclareFormat`] arm.
pub trait Renderer {
    fn render(&self, d: &Declaration) -> Result<Vec<u8>, DeclareError>;
}

/// The formats `cookiescan declare --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DeclareFormat {
    /// An HTML fragment to embed in a cookie policy page (a <section> with tables).
    Html,
    /// A complete HTML page.
    Page,
    /// GitHub-flavoured Markdown.
    #[value(alias = "md")]
    Markdown,
    /// The declaration as data.
    Json,
    /// vanilla-cookieconsent v3: the `sections` of `language.translations.<lang>.preferencesModal`, with their cookie tables.
    Cookieconsent,
    /// Klaro: the `services` of a klaroConfig, with their cookies.
    Klaro,
}

impl DeclareFormat {
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            DeclareFormat::Html => Box::new(HtmlFragmentRenderer),
            DeclareFormat::Page => Box::new(HtmlPageRenderer),
            DeclareFormat::Markdown => Box::new(MarkdownRenderer),
            DeclareFormat::Json => Box::new(JsonRenderer),
            DeclareFormat::Cookieconsent => Box::new(CookieConsentRenderer),
            DeclareFormat::Klaro => Box::new(KlaroRenderer),
        }
    }

    /// The format a file name asks for (`.html` → a full page, `.md`, `.json`); `None` for
    /// others.
    pub fn from_extension(ext: &str) -> Option<DeclareFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(DeclareFormat::Page),
            "md" | "markdown" => Some(DeclareFormat::Markdown),
            "json" => Some(DeclareFormat::Json),
            _ => None,
        }
    }
}

/// The files `demo --output-dir` writes beside the report.
pub const DEMO_FILES: [(&str, DeclareFormat); 2] = [
    ("declaration.html", DeclareFormat::Page),
    ("declaration.md", DeclareFormat::Markdown),
];
