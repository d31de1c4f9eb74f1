//! The crawl's progress as a spinner on stderr (hidden when stderr is not a terminal).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use url::Url;

pub struct Bar(ProgressBar);

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        let bar = ProgressBar::new_spinner();
        if quiet || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} pages · {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(bar)
    }
}

impl cookiescan::crawl::Progress for Bar {
    fn page_done(&self, url: &Url, pages_done: usize, _pages_known: usize) {
        self.0.set_position(pages_done as u64);
        self.0.set_message(url.to_string());
    }

    fn finished(&self) {
        self.0.finish_and_clear();
    }
}
