//! What `cookie-after-reject` and `cookie-after-withdrawal` share: a cookie that is not
//! necessary, in the browser's store in a phase after a choice, credited to the first page it
//! was stored on, with where it was stored and where the choice was made as evidence.

use super::about;
use crate::compliance::{Context, Finding, RuleInfo};
use crate::knowledge::Category;
use crate::observe::{ConsentPhase, PhasePage};

/// One finding per non-necessary cookie present in `phase`. `message` gets the cookie's name
/// and category; `where_` says where one sighting was stored and which choice covered it.
pub fn present_after(
    ctx: &Context,
    phase: ConsentPhase,
    info: RuleInfo,
    message: impl Fn(&str, Category) -> String,
    where_: fn(&PhasePage) -> String,
) -> Vec<Finding> {
    ctx.judged()
        .filter(|(c, _)| c.record.phases.contains(&phase))
        .filter_map(|(c, decl)| {
            let cat = Context::effective_category(c, decl);
            (cat != Category::Necessary).then(|| {
                let mut f = about(info, c, message(&c.record.name, cat));
                let pages = c.record.phase_pages.iter().filter(|p| p.phase == phase);
                if let Some(first) = pages.clone().next() {
                    f.page = Some(first.page.to_string());
                }
                let mut evidence: Vec<String> = pages.take(3).map(where_).collect();
                evidence.append(&mut f.evidence);
                f.evidence = evidence;
                f
            })
        })
        .collect()
}
