//! Everything the rules look at, with the cookie ↔ declaration matching done once.

use super::{ComplianceSettings, DeclIndex, Match};
use crate::knowledge::{Category, ClassifiedCookie};
use crate::policy::{DeclaredCookie, Ignore, PolicyError};

pub struct Context<'a> {
    pub cookies: &'a [ClassifiedCookie],
    pub declared: &'a [DeclaredCookie],
    pub ignores: &'a [Ignore],
    /// Whether a policy was given at all (rules about declarations only run then).
    pub has_policy: bool,
    pub settings: &'a ComplianceSettings,
    /// `matches[i]` covers `cookies[i]`.
    pub matches: Vec<Match>,
    pub index: DeclIndex,
    /// Browser mode: what the consent passes found (None for static scans).
    pub consent: Option<&'a crate::observe::ConsentReport>,
}

impl<'a> Context<'a> {
    pub fn new(
        cookies: &'a [ClassifiedCookie],
        declared: &'a [DeclaredCookie],
        ignores: &'a [Ignore],
        has_policy: bool,
        settings: &'a ComplianceSettings,
    ) -> Result<Context<'a>, PolicyError> {
        let index = DeclIndex::new(declared, ignores)?;
        let matches = cookies.iter().map(|c| index.find(c)).collect();
        Ok(Context {
            cookies,
            declared,
            ignores,
            has_policy,
            settings,
            matches,
            index,
            consent: None,
        })
    }

    pub fn with_consent(mut self, consent: Option<&'a crate::observe::ConsentReport>) -> Self {
        self.consent = consent;
        self
    }

    /// Cookies the rules judge: every observed cookie not covered by an `[[ignore]]` entry,
    /// with its declaration if any.
    pub fn judged(
        &self,
    ) -> impl Iterator<Item = (&'a ClassifiedCookie, Option<&'a DeclaredCookie>)> + '_ {
        self.cookies
            .iter()
            .zip(&self.matches)
            .filter_map(|(c, m)| match m {
                Match::Ignored(_) => None,
                Match::Declared(i) => Some((c, self.declared.get(*i))),
                Match::None => Some((c, None)),
            })
    }

    /// The category a regulator would go by: the database's when it knows the cookie, else
    /// the declared one, else the heuristic guess.
    pub fn effective_category(c: &ClassifiedCookie, decl: Option<&DeclaredCookie>) -> Category {
        if c.classification.is_known() {
            return c.classification.category;
        }
        decl.and_then(|d| d.category)
            .unwrap_or(c.classification.category)
    }
}
