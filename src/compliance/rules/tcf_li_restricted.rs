use super::signals::{tc_strings, tcf_where, Grouped};
use super::Rule;
use crate::compliance::{Context, Finding, RuleInfo, Severity};
use crate::observe::id_list;

pub struct TcfLegitimateInterestRestricted;

/// Purposes TCF v2.2 allows only with consent: 3 and 4 (personalised advertising profile and
/// selection), 5 and 6 (personalised content profile and selection).
const CONSENT_ONLY: [u8; 4] = [3, 4, 5, 6];

const INFO: RuleInfo = RuleInfo {
    id: "tcf-legitimate-interest-restricted",
    severity: Severity::Error,
    title: "TC string claims legitimate interest for purposes 3-6",
    help: "TCF v2.2 removed legitimate interest as a legal basis for purposes 3 to 6 (personalised advertising and content profiles and their use): vendors may process them only with consent. The TC string's PurposesLITransparency field sets one of these purposes. Update the CMP to TCF v2.2 and ask for consent for these purposes instead.",
};

impl Rule for TcfLegitimateInterestRestricted {
    fn info(&self) -> RuleInfo {
        INFO
    }
    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut g = Grouped::default();
        for (pass, seen, tc) in tc_strings(ctx) {
            let bad: Vec<u8> = tc
                .purposes_li
                .iter()
                .copied()
                .filter(|p| CONSENT_ONLY.contains(p))
                .collect();
            if bad.is_empty() {
                continue;
            }
            let msg = format!(
                "The TC string of CMP {} claims legitimate interest for purpose(s) {}, which TCF v2.2 allows only with consent.",
                tc.cmp_id,
                id_list(&bad, 4)
            );
            g.add(msg, tcf_where(pass, seen), seen.pages.first());
        }
        g.findings(INFO)
    }
}
