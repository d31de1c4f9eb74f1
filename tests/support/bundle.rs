//! Generates webpack-style minified bundles for the size/speed tests and the
//! benchmark: module wrappers full of functions, strings, templates, regexes,
//! objects and classes, with a cookie or storage write every few modules.

/// Deterministic so test failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "button", "modal", "carousel", "price", "cart", "checkout", "menu", "header", "footer",
    "slide", "tab", "panel", "item", "product", "search", "filter", "sort", "image", "lazy",
    "video", "form", "input", "error", "success", "toggle",
];

fn module(r: &mut Lcg, i: usize, cookie_every: usize, out: &mut String) {
    let w = |r: &mut Lcg| WORDS[r.next(WORDS.len())];
    let (a, b, c) = (w(r), w(r), w(r));
    out.push_str(&format!("function(e,t,n){{\"use strict\";var r=n({}),o=n({}),i=\"{a}-{b}\",s={{name:\"{c}\",id:{i},cls:\"js-{a}\",opts:{{delay:{},loop:!0,auto:!1}}}};", r.next(500), r.next(500), r.next(900)));
    out.push_str(&format!("function a(e,t){{if(!e)return null;for(var n=0;n<e.length;n++)if(e[n].id===t)return e[n];return e.filter(function(e){{return e.{b}>t}})[0]||null}}"));
    out.push_str(&format!("var u=function(e){{return`<div class=\"${{i}} {c}\" data-id=\"${{e.id}}\">${{e.{a}||\"\"}}</div>`}},l=/^[a-z{i}]+\\/(\\d+)$/i;"));
    out.push_str(&format!("class c extends o.Component{{constructor(e){{super(e),this.state={{open:!1,count:{}}},this.{a}=this.{a}.bind(this)}}{a}(){{this.setState(e=>({{open:!e.open}}))}}render(){{return r.createElement(\"div\",{{className:i}},u(this.props))}}}}", r.next(9)));
    out.push_str(&format!("t.{a}{i}=a,t.render=u,t.default=c,t.re=l,e.exports.{b}=function(e,t){{return e&&t?e+\"/{c}/\"+t:\"\"}};"));
    if cookie_every > 0 && i.is_multiple_of(cookie_every) {
        match r.next(3) {
            0 => out.push_str(&format!("document.cookie=\"gen_{i}=\"+encodeURIComponent(s.name)+\";path=/;max-age=\"+864e2*{};", r.next(30) + 1)),
            1 => out.push_str(&format!("window.localStorage.setItem(\"gen_ls_{i}\",JSON.stringify(s));")),
            _ => out.push_str(&format!("var p=\"gen_pref_{i}\";document.cookie=`${{p}}=${{i}}; SameSite=Lax; path=/`;")),
        }
    }
    out.push('}');
}

/// About `target_bytes` of minified code; a write in every `cookie_every`-th
/// module (0: none). Returns the code and the number of writes in it.
pub fn minified_bundle(target_bytes: usize, cookie_every: usize) -> (String, usize) {
    let mut r = Lcg(0x5eed);
    let mut out = String::with_capacity(target_bytes + 4096);
    out.push_str("!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e,n.c=t,n(n.s=0)}([");
    let mut i = 0;
    while out.len() < target_bytes {
        if i > 0 {
            out.push(',');
        }
        module(&mut r, i, cookie_every, &mut out);
        i += 1;
    }
    out.push_str("]);");
    let writes = if cookie_every == 0 {
        0
    } else {
        i.div_ceil(cookie_every)
    };
    (out, writes)
}
