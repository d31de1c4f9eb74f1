//! Cookies as browsers see them: RFC 6265bis Set-Cookie parsing, the cookie-date algorithm, a
//! jar that stores and replays cookies as a browser would, and first/third-party by
//! registrable domain.
//!
//! Flow: `parse_set_cookie` (per line; Err = the browser ignores the line) → `check_acceptance`
//! (would the browser store it from that URL?) → `Jar::store` / `Jar::cookie_header`.

mod accept;
pub mod date;
pub mod domain;
pub mod jar;
pub mod parse;

pub use date::parse_cookie_date;
pub use domain::{is_third_party, registrable_domain};
pub use jar::{check_acceptance, Jar, Rejection, StoredCookie};
pub use parse::{name_excerpt, parse_set_cookie, ParseError, SameSite, SetCookie};
