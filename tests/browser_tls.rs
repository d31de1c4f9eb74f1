//! https in both modes: a first-party http page embeds a third-party https iframe whose
//! certificate is a throw-away self-signed one made here, so it loads only with `--insecure`
//! (Chromium's `--ignore-certificate-errors`, reqwest's accept-invalid-certs). The cross-site
//! iframe runs out of process: the browser sees it through `Target.setAutoAttach`.
mod browser_support;
mod util;

use browser_support::*;
use cookiescan::browser::{BrowserOptions, ConsentMode};
use cookiescan::fixture::{FixtureServer, SiteSpec, TlsIdentity};
use cookiescan::observe::WarningKind;
use cookiescan::observe::{Party, Source};
use cookiescan::report::Report;

const SITE: &str = "www.site.test";
const WIDGETS: &str = "widgets.thirdparty.test";

/// A self-signed certificate for `hosts`, made for this test run only.
fn identity(hosts: &[&str]) -> TlsIdentity {
    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let made = rcgen::generate_simple_self_signed(names).expect("rcgen makes a certificate");
    TlsIdentity {
        cert_chain: vec![made.cert.der().to_vec()],
        key_pkcs8: made.signing_key.serialize_der(),
    }
}

/// The iframe's document sets `tp` in its response, its inline script writes `tp_js`, and a
/// pixel it loads sets `tp_px`: the last two exist only for a browser attached to the frame.
fn site() -> SiteSpec {
    let page = "<!doctype html><html><body><h1>Site</h1>\n<iframe src=\"https://widgets.thirdparty.test:{https_port}/frame\"></iframe>\n</body></html>";
    let secure = "SameSite=None; Secure; Path=/; Max-Age=86400";
    let mut frame = route(
        Some(WIDGETS),
        "/frame",
        HTML,
        format!("<!doctype html><p>widget</p><img src=\"/px.gif\">\n<script>document.cookie = 'tp_js=1; {secure}';</script>"),
    );
    frame.set_cookie = vec![
        format!("tp=w7f3a9c2e; {secure}"),
        // CHIPS: kept in a jar partitioned by the embedding site.
        format!("tp_chips=1; {secure}; Partitioned"),
    ];
    let mut pixel = route(Some(WIDGETS), "/px.gif", "image/gif", String::new());
    pixel.set_cookie = vec![format!("tp_px=1; {secure}")];
    SiteSpec {
        hosts: vec![SITE.into(), WIDGETS.into()],
        routes: vec![frame, pixel, route(Some(SITE), "/", HTML, page.into())],
    }
}

async fn serve() -> FixtureServer {
    FixtureServer::start_tls(site(), &identity(&[SITE, WIDGETS]))
        .await
        .expect("fixture server starts with https")
}

fn frame_url(server: &FixtureServer) -> String {
    format!(
        "{}/frame",
        server.https_origin(WIDGETS).expect("an https port")
    )
}

fn insecure(on: bool) -> BrowserOptions {
    BrowserOptions {
        insecure: on,
        ..options(ConsentMode::None)
    }
}

/// The certificate warning of a static scan that was not `--insecure`.
fn certificate_warning(r: &Report, url: &str) -> bool {
    r.warnings.iter().any(|w| {
        w.kind == WarningKind::Transport
            && w.url.as_deref() == Some(url)
            && w.message.to_ascii_lowercase().contains("certificate")
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_insecure_records_the_https_iframe_cookie_as_third_party() {
    let server = serve().await;
    let r = browse(&server, SITE, &insecure(true)).await;
    let tp = util::cookie(&r, "tp").expect("the https iframe's Set-Cookie is recorded");
    assert_eq!(tp.party, Party::Third, "{tp:?}");
    assert_eq!(tp.domain, WIDGETS);
    assert!(tp.sources.contains(&Source::Browser), "{tp:?}");
    assert!(tp.secure);
    assert_eq!(tp.rejected, None, "over https it is accepted");
    // The header itself was seen on the network, from the frame's https response (Chromium
    // reports the frame's navigation on the page's session).
    let frame = frame_url(&server);
    assert!(
        tp.sightings
            .iter()
            .any(|s| s.source == Source::Browser && s.response_url.as_str() == frame),
        "{:?}",
        tp.sightings
    );
    // Only a session attached to the out-of-process frame (Target.setAutoAttach) sees the
    // frame's own requests and its scripts: without it, tp_px is only in the cookie store,
    // with the page as its response, and tp_js is not seen at all.
    let px = util::cookie(&r, "tp_px").expect("the frame's pixel cookie is recorded");
    assert!(
        px.sightings.iter().any(|s| s.source == Source::Browser
            && s.response_url.path() == "/px.gif"
            && s.response_url.scheme() == "https"),
        "{:?}",
        px.sightings
    );
    assert_eq!(px.rejected, None);
    let js = util::cookie(&r, "tp_js").expect("the frame's script write is caught");
    let ev = js.script_evidence.first().expect("with its location");
    assert_eq!(ev.location, format!("{frame} inline"), "{ev:?}");
    assert_eq!(js.party, Party::Third);
    assert_eq!(server.hits(WIDGETS, "/frame"), 1);
    // A partitioned cookie is in the store too, and marked so.
    let chips = util::cookie(&r, "tp_chips").expect("the partitioned cookie is recorded");
    assert!(chips.partitioned, "{chips:?}");
    assert_eq!(chips.rejected, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_without_insecure_does_not_load_the_https_iframe() {
    let server = serve().await;
    let r = browse(&server, SITE, &insecure(false)).await;
    assert_eq!(r.pages.first().and_then(|p| p.status), Some(200));
    for name in ["tp", "tp_js", "tp_px"] {
        assert!(util::cookie(&r, name).is_none(), "{name}: {:?}", r.cookies);
    }
    // Chromium refused the certificate in the handshake: no request reached the server.
    assert_eq!(server.hits(WIDGETS, "/frame"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn static_insecure_fetches_the_https_iframe_and_without_it_warns() {
    let server = serve().await;
    let mut config = util::config(&server, SITE, "/");
    config.insecure = true;
    let r = util::scan(&config).await;
    let tp = util::cookie(&r, "tp").expect("the https iframe is fetched with --insecure");
    assert!(tp.sources.contains(&Source::Http), "{tp:?}");
    assert_eq!(tp.party, Party::Third);
    assert_eq!(tp.rejected, None);
    assert!(!certificate_warning(&r, &frame_url(&server)));

    config.insecure = false;
    let r = util::scan(&config).await;
    assert!(util::cookie(&r, "tp").is_none());
    assert!(
        certificate_warning(&r, &frame_url(&server)),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.pages.first().and_then(|p| p.status), Some(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_insecure_reaches_the_https_iframe() {
    let server = serve().await;
    let run = |insecure: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cookiescan"));
        c.args(["scan", "--quiet", "--fail-on", "never", "--format", "json"]);
        if insecure {
            c.arg("--insecure");
        }
        for r in server.resolve_args() {
            c.args(["--resolve", &r]);
        }
        c.arg(format!("{}/", server.origin(SITE)));
        c
    };
    for on in [true, false] {
        let mut c = run(on);
        let out = tokio::task::spawn_blocking(move || c.output())
            .await
            .expect("joined")
            .expect("the binary runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
        let has_tp = report["cookies"]
            .as_array()
            .expect("cookies")
            .iter()
            .any(|c| c["name"] == "tp");
        assert_eq!(has_tp, on, "--insecure {on}");
    }
}
