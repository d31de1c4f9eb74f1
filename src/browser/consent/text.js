// Text rules (data/consent_buttons.toml) run in the page: find the banner's visible buttons by
// their label, optionally click one. `RULES` is replaced by the rules as JSON.
((rules) => {
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const fits = (text, labels) => labels.some((l) => {
    const label = norm(l);
    return text === label || (label.length >= 6 && text.includes(label) && text.length <= 60);
  });
  const visible = (e) => {
    const r = e.getClientRects();
    const s = getComputedStyle(e);
    return r.length > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const all = Array.from(document.querySelectorAll(
    'button, a, [role=button], input[type=button], input[type=submit]'))
    .filter(visible);
  const label = (e) => norm(e.value || e.innerText || e.textContent || e.getAttribute('aria-label'));
  const reject = all.find((e) => fits(label(e), rules.reject));
  const accept = all.find((e) => fits(label(e), rules.accept));
  const m = rules.managers.find((m) => { try { return document.querySelector(m.selector); } catch (_) { return false; } });
  let clicked = null;
  const target = rules.click === 'reject' ? reject : rules.click === 'accept' ? accept : null;
  if (target) { target.click(); clicked = label(target); }
  return { manager: m ? m.name : null, reject: !!reject, accept: !!accept, clicked };
})(RULES)
