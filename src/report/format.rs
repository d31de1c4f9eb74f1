//! Numbers and dates as people read them.

use time::OffsetDateTime;

pub fn human_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// "2026-11-24 18:08 UTC": minutes are enough for a scan date, and UTC avoids guessing the
/// reader's zone.
pub fn human_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates_read_naturally() {
        assert_eq!(human_duration(950), "950 ms");
        assert_eq!(human_duration(12_340), "12.3 s");
        let t = OffsetDateTime::from_unix_timestamp(1_764_000_000).unwrap();
        assert_eq!(human_date(t), "2025-11-24 16:00 UTC");
    }
}
