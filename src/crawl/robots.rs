//! robots.txt per origin (texting_robots), fetched once, through the same fetcher so its
//! `Set-Cookie` headers are recorded like any other.

use std::collections::HashMap;
use std::sync::Arc;

use texting_robots::Robot;
use url::Url;

use super::fetch::{Fetched, Fetcher};
use crate::observe::ResourceKind;
use crate::observe::{Warning, WarningKind};

/// The product token we match in robots.txt groups.
pub const ROBOTS_AGENT: &str = "cookiescan";

/// Why a page robots.txt disallows is listed but not visited.
pub(crate) const DISALLOWED: &str =
    "disallowed by robots.txt (use --ignore-robots to scan it anyway)";

#[derive(Default)]
pub struct RobotsCache {
    by_origin: HashMap<String, Option<Arc<Robot>>>,
}

impl RobotsCache {
    /// robots.txt for `url`'s origin, fetching it the first time. None = everything allowed.
    /// The fetch result (cookies, warnings) is returned to be recorded by the caller.
    pub async fn get(
        &mut self,
        fetcher: &Fetcher,
        url: &Url,
    ) -> (Option<Arc<Robot>>, Option<Fetched>) {
        let origin = url.origin().ascii_serialization();
        if let Some(r) = self.by_origin.get(&origin) {
            return (r.clone(), None);
        }
        let Ok(robots_url) = url.join("/robots.txt") else {
            return (None, None);
        };
        let mut fetched = fetcher
            .fetch(&robots_url, &robots_url, ResourceKind::Robots, true)
            .await;
        let robot = match fetched.status {
            Some(200..=299) => match Robot::new(ROBOTS_AGENT, &fetched.body) {
                Ok(r) => Some(Arc::new(r)),
                Err(e) => {
                    fetched.warnings.push(Warning::new(
                        WarningKind::Robots,
                        Some(&robots_url),
                        format!("could not read {robots_url} ({e}); crawling as if it allowed everything"),
                    ));
                    None
                }
            },
            Some(s) if s >= 500 => {
                fetched.warnings.push(Warning::new(
                    WarningKind::Robots,
                    Some(&robots_url),
                    format!("{robots_url} answered {s}; crawling as if it allowed everything"),
                ));
                None
            }
            _ => None,
        };
        self.by_origin.insert(origin, robot.clone());
        (robot, Some(fetched))
    }
}
