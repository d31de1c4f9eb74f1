// Injected before any page script (Page.addScriptToEvaluateOnNewDocument): reports every
// cookie write, localStorage/sessionStorage key set and IndexedDB database opened, with the
// calling script's URL, line and column, taken from the stack.
(() => {
  const report = (api, text, stored) => {
    let stack = '';
    try { throw new Error(); } catch (e) { stack = String(e.stack || ''); }
    let url = '', line = 0, col = 0;
    // The first frame with a URL is the caller: this hook's own frames have none.
    for (const l of stack.split('\n').slice(1)) {
      const m = l.match(/((?:https?|file):\/\/[^\s()]+):(\d+):(\d+)\)?\s*$/);
      if (m) { url = m[1]; line = +m[2]; col = +m[3]; break; }
    }
    try {
      window.__cookiescanCookie(JSON.stringify({ api, text, url, line, col, page: location.href, stored: !!stored }));
    } catch (_) { /* the binding is missing in this context: nothing to report to */ }
  };
  const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  // Whether the jar holds the name right after the write: a refused write leaves nothing.
  // A cookie for another path is not readable here; the scan then asks the store.
  const kept = (doc, text) => {
    try {
      const name = text.split(';')[0].split('=')[0].trim();
      return name !== '' && ('; ' + d.get.call(doc)).includes('; ' + name + '=');
    } catch (_) { return false; }
  };
  if (d && d.set) {
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(v) {
        const text = String(v);
        try { d.set.call(this, v); } finally { report('document.cookie', text, kept(this, text)); }
      },
    });
  }
  if (globalThis.CookieStore && CookieStore.prototype.set) {
    const set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      let t = '';
      if (typeof a === 'string') t = a + '=' + b;
      else if (a && a.name !== undefined) {
        t = a.name + '=' + a.value;
        if (a.expires) t += '; expires=' + new Date(a.expires).toUTCString();
        if (a.domain) t += '; domain=' + a.domain;
        if (a.path) t += '; path=' + a.path;
        if (a.sameSite) t += '; samesite=' + a.sameSite;
      }
      report('cookie-store', t);
      return set.apply(this, arguments);
    };
  }
  if (globalThis.Storage && Storage.prototype.setItem) {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      let api = 'session-storage';
      try { if (this === globalThis.localStorage) api = 'local-storage'; } catch (_) { /* denied */ }
      report(api, String(k));
      return setItem.apply(this, arguments);
    };
  }
  if (globalThis.IDBFactory && IDBFactory.prototype.open) {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (name) {
      report('indexeddb', String(name));
      return open.apply(this, arguments);
    };
  }
})();
