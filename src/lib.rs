//! cookiescan: audit the cookies a website sets.
//!
//! Data flows one way: [`crawl`] fetches pages and sub-resources and yields
//! [`observe::Observation`]s; [`observe`] aggregates them into [`observe::CookieRecord`]s;
//! [`knowledge`] classifies them; [`compliance`] judges them against the [`policy`];
//! [`report`] renders a [`report::Report`]. [`config`] turns flags and `cookiescan.toml` into
//! a checked scan setup, and [`scan`] runs the whole pipeline.
pub mod batch;
pub mod browser;
pub mod compliance;
pub mod config;
pub mod cookies;
pub mod crawl;
pub mod declare;
pub mod demo;
pub mod digest;
mod error;
pub mod evidence;
pub mod exit_codes;
pub mod fixture;
pub mod har;
pub mod knowledge;
pub mod observe;
pub mod policy;
pub mod report;
pub mod scan;
pub mod scripts;
pub mod signals;

pub use error::Error;
