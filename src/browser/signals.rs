//! What a page tells its vendors, read in each pass: the TC string an IAB TCF consent manager
//! gives a vendor that asks through `__tcfapi` (or the `__tcfapiLocator` frame) and keeps in
//! a cookie, and the Consent Mode state of the Google tag hits the page sends.

use std::collections::HashMap;

use std::time::Duration;

use serde_json::{json, Value};
use url::Url;

use super::tab::Tab;
use crate::observe::consent_mode::{params, table, ConsentModeState};
use crate::observe::tcf::{self, TcString};
use crate::observe::{ConsentPhase, ConsentSignals, GoogleHit, TcfSeen, TcfSource};

/// Calls `ping` and `addEventListener` as a vendor's script would, directly or through the
/// locator frame's postMessage protocol, and resolves with the first answer (or nothing after
/// a short wait). A page without a CMP answers at once: no delay.
const TCF_PROBE: &str = r#"(() => new Promise((resolve) => {
  const out = { found: false };
  let done = false;
  const finish = () => { if (!done) { done = true; resolve(out); } };
  let call = null;
  if (typeof window.__tcfapi === 'function') {
    call = (cmd, param, cb) => window.__tcfapi(cmd, 2, cb, param);
  } else {
    let w = window, host = null;
    for (let i = 0; i < 10 && w; i++) {
      try { if (w.frames['__tcfapiLocator']) { host = w; break; } } catch (e) {}
      if (w === window.top) break;
      w = w.parent;
    }
    if (!host) { finish(); return; }
    const pending = {};
    let n = 0;
    window.addEventListener('message', (ev) => {
      let d = ev.data;
      if (typeof d === 'string') { try { d = JSON.parse(d); } catch (e) { return; } }
      const r = d && d.__tcfapiReturn;
      if (r && pending[r.callId]) pending[r.callId](r.returnValue, r.success);
    });
    call = (cmd, param, cb) => {
      const callId = '__cookiescan' + (n++);
      pending[callId] = cb;
      host.postMessage({ __tcfapiCall: { command: cmd, parameter: param, version: 2, callId } }, '*');
    };
  }
  out.found = true;
  setTimeout(finish, 1500);
  try {
    call('ping', undefined, (p) => {
      if (p && typeof p === 'object') { out.cmpStatus = String(p.cmpStatus || ''); out.gdprApplies = p.gdprApplies; }
    });
    call('addEventListener', undefined, (tc, ok) => {
      if (!ok || !tc || typeof tc !== 'object' || done) return;
      out.eventStatus = String(tc.eventStatus || '');
      if (typeof tc.tcString === 'string') out.tcString = tc.tcString.slice(0, 65536);
      if (typeof tc.gdprApplies === 'boolean') out.gdprApplies = tc.gdprApplies;
      try { if (tc.listenerId !== undefined && tc.listenerId !== null) call('removeEventListener', tc.listenerId, () => {}); } catch (e) {}
      finish();
    });
  } catch (e) { finish(); }
}))()"#;

/// The longest one read may take; the probe itself gives up waiting for a callback at 1.5 s.
const PROBE_LIMIT: Duration = Duration::from_secs(2);

/// Asks the page's TCF CMP for its TC string, once per phase of the tab: before the page's
/// banner is answered, and again after.
pub async fn read_tcf_api(tab: &mut Tab, keep_values: bool) {
    let phase = tab.phase;
    if tab
        .tcf
        .iter()
        .any(|t| t.phase == phase && t.source == TcfSource::Api)
    {
        return;
    }
    let t0 = std::time::Instant::now();
    let Some(v) = probe(tab).await else {
        return;
    };
    tracing::debug!(
        found = v["found"].as_bool(),
        took_ms = t0.elapsed().as_millis(),
        "TCF probe"
    );
    if v["found"].as_bool() != Some(true) {
        return;
    }
    let text = |k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let tc = text("tcString");
    let mut seen = seen(TcfSource::Api, phase, tc.as_deref(), keep_values);
    seen.cmp_status = text("cmpStatus");
    seen.event_status = text("eventStatus");
    seen.gdpr_applies = v["gdprApplies"].as_bool();
    if tc.is_none() {
        seen.error = Some("the CMP answered without a TC string".into());
    }
    tab.tcf.push(seen);
}

/// Runs the probe with a hard limit: it calls the page's own `__tcfapi`, which may block
/// (a hostile `for (;;) {}`): Chromium stops the evaluation, and we stop waiting, after it.
async fn probe(tab: &Tab) -> Option<Value> {
    let call = tab.cdp.call(
        Some(&tab.session),
        "Runtime.evaluate",
        json!({
            "expression": TCF_PROBE,
            "returnByValue": true,
            "awaitPromise": true,
            "timeout": PROBE_LIMIT.as_millis() as u64,
        }),
    );
    match tokio::time::timeout(PROBE_LIMIT + Duration::from_millis(500), call).await {
        Ok(Ok(r)) => Some(r["result"]["value"].clone()),
        Ok(Err(_)) => None,
        Err(_) => {
            tab.cdp
                .send(Some(&tab.session), "Runtime.terminateExecution", json!({}));
            None
        }
    }
}

/// TC strings held in cookies this tab's own responses or scripts stored (`explained`):
/// `euconsent-v2`, or any cookie whose value decodes as a plausible TC string.
pub fn read_tcf_cookies(
    tab: &mut Tab,
    in_store: &HashMap<String, &Value>,
    explained: &[String],
    keep_values: bool,
) {
    for key in explained {
        let Some(c) = in_store.get(key) else { continue };
        let name = c["name"].as_str().unwrap_or_default();
        let value = c["value"].as_str().unwrap_or_default();
        let named = name.eq_ignore_ascii_case("euconsent-v2");
        let plausible = tcf::decode(value).is_ok_and(|t| looks_real(&t));
        if !(named || plausible) || value.is_empty() {
            continue;
        }
        let mut s = seen(TcfSource::Cookie, tab.phase, Some(value), keep_values);
        s.cookie = Some(name.to_owned());
        tab.tcf.push(s);
    }
}

/// A cookie value that decodes by chance is not a TC string: real ones were created after
/// TCF v2 began (2019) and not in the future, updated after they were created, name a
/// language in letters, a CMP, a vendor list and a policy version that exists.
fn looks_real(t: &TcString) -> bool {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + 86_400;
    (1_546_300_800..=now).contains(&t.created)
        && (t.created..=now).contains(&t.last_updated)
        && t.consent_language.chars().all(|c| c.is_ascii_uppercase())
        && t.cmp_id > 0
        && t.vendor_list_version > 0
        && (2..=5).contains(&t.policy_version)
}

fn seen(source: TcfSource, phase: ConsentPhase, tc: Option<&str>, keep_values: bool) -> TcfSeen {
    let decoded = tc.map(tcf::decode);
    TcfSeen {
        phase,
        source,
        cookie: None,
        cmp_status: None,
        event_status: None,
        gdpr_applies: None,
        error: decoded
            .as_ref()
            .and_then(|d| d.as_ref().err())
            .map(ToString::to_string),
        decoded: decoded.and_then(Result::ok),
        tc_string: tc.filter(|_| keep_values).map(str::to_owned),
        pages: Vec::new(),
    }
}

/// A request to a Google measurement or ads endpoint, with its consent state; None for any
/// other request.
pub fn google_hit(url: &str, phase: ConsentPhase) -> Option<GoogleHit> {
    let u = Url::parse(url).ok()?;
    let t = table();
    let endpoint = t.endpoint(&u)?;
    let (gcs, gcd) = params(&u);
    let state = if gcs.is_none() && gcd.is_none() {
        ConsentModeState::default()
    } else {
        t.state(gcs.as_deref(), gcd.as_deref())
    };
    Some(GoogleHit {
        phase,
        endpoint: endpoint.name.clone(),
        target: format!("{}{}", u.host_str().unwrap_or_default(), u.path()),
        gcs,
        gcd,
        state,
        requests: 0,
        pages: Vec::new(),
    })
}

/// The page showed its own banner: what it told vendors so far came before the choice.
pub fn relabel_before_consent(tab: &mut Tab) {
    for t in &mut tab.tcf {
        t.phase = ConsentPhase::BeforeConsent;
    }
    for h in &mut tab.hits {
        h.phase = ConsentPhase::BeforeConsent;
    }
}

/// Adds what the tab saw to the pass's signals, credited to its page.
pub fn absorb(tab: &Tab, page: &Url, into: &mut ConsentSignals) {
    for t in &tab.tcf {
        into.add_tcf(t.clone(), page.as_str());
    }
    for h in &tab.hits {
        into.add_hit(h.clone(), page.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::consent_mode::ConsentState;

    #[test]
    fn a_google_hit_keeps_its_state_but_not_its_query() {
        let h = google_hit(
            "http://www.google-analytics.com:8080/g/collect?v=2&cid=123.456&gcs=G100&gcd=11p1p1p1p5",
            ConsentPhase::BeforeConsent,
        )
        .expect("a GA4 hit");
        assert_eq!(h.target, "www.google-analytics.com/g/collect");
        assert_eq!(h.state.ad_user_data, ConsentState::Denied);
        assert!(!serde_json::to_string(&h).unwrap().contains("123.456"));
        assert!(google_hit(
            "http://www.a.test/g/collect?gcs=G111",
            ConsentPhase::AfterAccept
        )
        .is_none());
        assert!(google_hit("not a url", ConsentPhase::AfterAccept).is_none());
    }

    #[test]
    fn only_plausible_tc_strings_are_read_from_unnamed_cookies() {
        let real = tcf::decode("CQuhNtAQuhNtAEsACBENCWEgAAAAAELAAAqIAAAACIAA").unwrap();
        assert!(looks_real(&real));
        let mut t = real.clone();
        t.created = 1_000_000_000; // 2001
        assert!(!looks_real(&t));
        let mut t = real.clone();
        t.last_updated = t.created - 1;
        assert!(!looks_real(&t));
        let mut t = real.clone();
        t.policy_version = 9;
        assert!(!looks_real(&t));
        let mut t = real;
        t.consent_language = "E?".into();
        assert!(!looks_real(&t));
    }

    #[test]
    fn a_tc_string_is_kept_only_with_values() {
        let s = "COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA";
        let without = seen(TcfSource::Api, ConsentPhase::AfterReject, Some(s), false);
        assert!(without.tc_string.is_none() && without.decoded.is_some());
        let with = seen(TcfSource::Api, ConsentPhase::AfterReject, Some(s), true);
        assert_eq!(with.tc_string.as_deref(), Some(s));
        let bad = seen(
            TcfSource::Cookie,
            ConsentPhase::AfterReject,
            Some("xx"),
            false,
        );
        assert!(bad.decoded.is_none() && bad.error.is_some());
    }
}
