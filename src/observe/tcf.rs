//! IAB TCF v2 TC strings (v2.0 to v2.2 share one layout): the core segment decoded into the
//! fields an auditor reads. Our own decoder: `lib_tcstring` 0.5 rejects IAB's own published
//! example strings whose later segments carry base64 padding, and reads bits past the end of a
//! short string. Nothing here panics on a hostile string; vendor sets are bounded by the
//! 16-bit vendor id, whatever the string claims.

use serde::{Deserialize, Serialize};

/// Longest TC string we decode; real ones are a few hundred characters to a few KB.
const MAX_LEN: usize = 64 * 1024;

/// The core segment of a TC string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TcString {
    pub version: u8,
    /// When the string was created and last updated, in seconds since 1970 (UTC).
    pub created: i64,
    pub last_updated: i64,
    pub cmp_id: u16,
    pub cmp_version: u16,
    pub consent_screen: u8,
    pub consent_language: String,
    pub vendor_list_version: u16,
    /// TCF policy version: 2 for TCF v2.0/2.1, 4 for v2.2, 5 for v2.3.
    pub policy_version: u8,
    pub is_service_specific: bool,
    /// Special features the visitor opted in to (1 precise geolocation, 2 device scanning).
    pub special_features: Vec<u8>,
    pub purposes_consent: Vec<u8>,
    /// Purposes the CMP disclosed under legitimate interest (the visitor did not object).
    pub purposes_li: Vec<u8>,
    pub purpose_one_treatment: bool,
    pub publisher_cc: String,
    pub vendors_consent: Vec<u16>,
    pub vendors_li: Vec<u16>,
}

impl TcString {
    /// Whether the string grants any purpose, vendor or special feature by consent.
    pub fn any_consent(&self) -> bool {
        !(self.purposes_consent.is_empty()
            && self.vendors_consent.is_empty()
            && self.special_features.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcfError {
    #[error("the TC string is empty")]
    Empty,
    #[error("the TC string is longer than {MAX_LEN} characters")]
    TooLong,
    /// The character is not kept: the string is a cookie's value.
    #[error("the TC string holds a character that is not base64url")]
    NotBase64,
    #[error("the TC string ends before its field {0}")]
    Truncated(&'static str),
    #[error("the TC string is version {0}, not 2")]
    Version(u8),
    #[error("the TC string's vendor range {0}-{1} runs backwards or starts at 0")]
    BadRange(u16, u16),
}

/// Decodes the core segment (the part before the first '.') of a TC string.
pub fn decode(s: &str) -> Result<TcString, TcfError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(TcfError::Empty);
    }
    if s.len() > MAX_LEN {
        return Err(TcfError::TooLong);
    }
    let core = s.split('.').next().unwrap_or_default();
    let mut r = Bits::new(core)?;
    let version = r.uint(6, "Version")? as u8;
    if version != 2 {
        return Err(TcfError::Version(version));
    }
    let created = deciseconds(r.uint(36, "Created")?);
    let last_updated = deciseconds(r.uint(36, "LastUpdated")?);
    let cmp_id = r.uint(12, "CmpId")? as u16;
    let cmp_version = r.uint(12, "CmpVersion")? as u16;
    let consent_screen = r.uint(6, "ConsentScreen")? as u8;
    let consent_language = r.letters(2, "ConsentLanguage")?;
    let vendor_list_version = r.uint(12, "VendorListVersion")? as u16;
    let policy_version = r.uint(6, "TcfPolicyVersion")? as u8;
    let is_service_specific = r.flag("IsServiceSpecific")?;
    let _use_non_standard_texts = r.flag("UseNonStandardTexts")?;
    let special_features = r.bitfield(12, "SpecialFeatureOptIns")?;
    let purposes_consent = r.bitfield(24, "PurposesConsent")?;
    let purposes_li = r.bitfield(24, "PurposesLITransparency")?;
    let purpose_one_treatment = r.flag("PurposeOneTreatment")?;
    let publisher_cc = r.letters(2, "PublisherCC")?;
    let vendors_consent = r.vendors("VendorConsents")?;
    let vendors_li = r.vendors("VendorLegitimateInterests")?;
    Ok(TcString {
        version,
        created,
        last_updated,
        cmp_id,
        cmp_version,
        consent_screen,
        consent_language,
        vendor_list_version,
        policy_version,
        is_service_specific,
        special_features: small(special_features),
        purposes_consent: small(purposes_consent),
        purposes_li: small(purposes_li),
        purpose_one_treatment,
        publisher_cc,
        vendors_consent,
        vendors_li,
    })
}

/// Created/LastUpdated count deciseconds since 1970.
fn deciseconds(v: u64) -> i64 {
    i64::try_from(v / 10).unwrap_or(i64::MAX)
}

/// Ids of bitfields of at most 24 bits fit in a byte.
fn small(ids: Vec<u16>) -> Vec<u8> {
    ids.into_iter()
        .filter_map(|i| u8::try_from(i).ok())
        .collect()
}

/// The segment's bits, most significant first, six per base64url character.
struct Bits {
    sextets: Vec<u8>,
    at: usize,
}

impl Bits {
    fn new(segment: &str) -> Result<Bits, TcfError> {
        // Some encoders pad with '=' or use the standard alphabet; both are read.
        let sextets = segment
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                'A'..='Z' => Ok(c as u8 - b'A'),
                'a'..='z' => Ok(c as u8 - b'a' + 26),
                '0'..='9' => Ok(c as u8 - b'0' + 52),
                '-' | '+' => Ok(62),
                '_' | '/' => Ok(63),
                _ => Err(TcfError::NotBase64),
            })
            .collect::<Result<Vec<u8>, _>>()?;
        Ok(Bits { sextets, at: 0 })
    }

    fn len(&self) -> usize {
        self.sextets.len() * 6
    }

    fn bit(&mut self, field: &'static str) -> Result<bool, TcfError> {
        let s = self
            .sextets
            .get(self.at / 6)
            .ok_or(TcfError::Truncated(field))?;
        let b = (s >> (5 - self.at % 6)) & 1 == 1;
        self.at += 1;
        Ok(b)
    }

    fn flag(&mut self, field: &'static str) -> Result<bool, TcfError> {
        self.bit(field)
    }

    fn uint(&mut self, width: usize, field: &'static str) -> Result<u64, TcfError> {
        if self.at + width > self.len() {
            return Err(TcfError::Truncated(field));
        }
        let mut v = 0u64;
        for _ in 0..width {
            v = (v << 1) | u64::from(self.bit(field)?);
        }
        Ok(v)
    }

    /// Two-letter codes: each letter is 6 bits, 0 = 'A'. A value past 'Z' becomes '?'.
    fn letters(&mut self, n: usize, field: &'static str) -> Result<String, TcfError> {
        (0..n)
            .map(|_| {
                let v = self.uint(6, field)? as u8;
                Ok(if v < 26 { char::from(b'A' + v) } else { '?' })
            })
            .collect()
    }

    /// A bitfield of `width` bits: bit i (0-based) set means id i + 1.
    fn bitfield(&mut self, width: usize, field: &'static str) -> Result<Vec<u16>, TcfError> {
        if self.at + width > self.len() {
            return Err(TcfError::Truncated(field));
        }
        let mut ids = Vec::new();
        for i in 0..width {
            if self.bit(field)? {
                ids.push(u16::try_from(i + 1).unwrap_or(u16::MAX));
            }
        }
        Ok(ids)
    }

    /// A vendor section: MaxVendorId, IsRangeEncoding, then a bitfield or a list of ranges.
    fn vendors(&mut self, field: &'static str) -> Result<Vec<u16>, TcfError> {
        let max = self.uint(16, field)? as usize;
        if !self.flag(field)? {
            return self.bitfield(max, field);
        }
        // Ranges may overlap or repeat: merged first, so the result is bounded by the 16-bit
        // ids and the work by the number of entries, whatever the string claims.
        let entries = self.uint(12, field)?;
        let mut ranges = Vec::new();
        for _ in 0..entries {
            let is_range = self.flag(field)?;
            let start = self.uint(16, field)? as u16;
            let end = if is_range {
                self.uint(16, field)? as u16
            } else {
                start
            };
            if start == 0 || end < start {
                return Err(TcfError::BadRange(start, end));
            }
            ranges.push((start, end));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::new();
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(s) <= u32::from(last.1) + 1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Ok(merged.into_iter().flat_map(|(s, e)| s..=e).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected values below are IAB Tech Lab's own, from the reference Java decoder's
    // tests: github.com/InteractiveAdvertisingBureau/iabtcf-java,
    // iabtcf-decoder/src/test/java/com/iabtcf/decoder/TCStringV2Test.java.

    #[test]
    fn iab_example_core_fields() {
        let t = decode("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA").unwrap();
        assert_eq!(t.version, 2);
        // 2020-01-26T17:01:00Z and 2021-02-02T17:01:00Z.
        assert_eq!(t.created, 1_580_058_060);
        assert_eq!(t.last_updated, 1_612_285_260);
        assert_eq!((t.cmp_id, t.cmp_version, t.consent_screen), (675, 2, 1));
        assert_eq!(t.vendor_list_version, 15);
        assert_eq!(t.policy_version, 2);
        assert_eq!(t.consent_language, "EN");
        assert_eq!(t.publisher_cc, "AA");
        assert!(!t.is_service_specific && t.purpose_one_treatment);
        assert_eq!(t.special_features, vec![1]);
        assert_eq!(t.purposes_consent, vec![2, 10]);
        assert_eq!(t.purposes_li, vec![2, 9]);
    }

    #[test]
    fn iab_example_vendor_bitfields() {
        let t = decode(
            "COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA",
        )
        .unwrap();
        assert_eq!(t.purposes_consent, vec![3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(t.vendors_consent, vec![23, 37, 47, 48, 53, 65, 98]);
        assert_eq!(t.vendors_li, vec![37, 47, 48, 53, 65, 98, 129]);
    }

    #[test]
    fn iab_example_with_padded_later_segments() {
        let t = decode("COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA.cAAAAAAAITg=").unwrap();
        assert_eq!(t.vendors_consent, vec![23, 37, 47, 48, 53, 65, 98]);
    }

    #[test]
    fn iab_example_range_encodings() {
        let li = decode("COv__-wOv__-wC2AAAENAPCgAAAAAAAAAAAAA_wAQA_gEBABAEAAAA").unwrap();
        assert_eq!(li.vendors_li, vec![128]);
        let two = decode("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAYFfAV-BVkAGBVYFWAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw").unwrap();
        assert_eq!(two.vendors_consent, vec![702, 703]);
        let one = decode("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAQFfgUbABAUaAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw").unwrap();
        assert_eq!(one.vendors_consent, vec![703]);
        let p = decode("COwxsONOwxsONKpAAAENAdCAAMAAAAAAAAAAAAAAAAAA").unwrap();
        assert!(p.purposes_consent.starts_with(&[1, 2]));
    }

    /// The strings of fixtures/sites/consent_signals.toml, as IAB Tech Lab's own JavaScript
    /// library (npm @iabtechlabtcf/core 1.5.21, `TCString.decode`) reads them.
    #[test]
    fn v2_2_strings_agree_with_the_iab_javascript_library() {
        let accept = decode("CQuhNtAQuhNtAEsACBENCWEoAP_gAELAAAqIF5wAoAAgAEAvMAAiAAAA").unwrap();
        assert_eq!((accept.cmp_id, accept.cmp_version), (300, 2));
        assert_eq!(
            (accept.policy_version, accept.vendor_list_version),
            (4, 150)
        );
        assert_eq!(accept.created, 1_796_032_800); // 2026-11-30T10:00:00Z
        assert_eq!(accept.purposes_consent, (1..=11).collect::<Vec<u8>>());
        assert_eq!(accept.purposes_li, vec![2, 7, 9, 10]);
        assert_eq!(accept.vendors_consent, vec![1, 2, 755]);
        assert_eq!(accept.vendors_li, vec![2]);
        assert_eq!(accept.special_features, vec![1]);
        assert_eq!(accept.publisher_cc, "FR");
        let bad = decode("CQuhNtAQuhNtAEsACBENCWCgALAAADAAAAqIF5wAQF5gAAAA").unwrap();
        assert_eq!(bad.policy_version, 2);
        assert_eq!(bad.purposes_consent, vec![1, 3, 4]);
        assert_eq!(bad.purposes_li, vec![3, 4]);
        assert_eq!(bad.vendors_consent, vec![755]);
        let empty = decode("CQuhNtAQuhNtAEsACBENCWEgAAAAAAAAAAqIAAAAAAAA").unwrap();
        assert!(!empty.any_consent() && empty.purposes_li.is_empty());
    }

    /// Every prefix of a real string, and junk of every kind, is an error or a value, never
    /// a panic; a range claiming every vendor 65 535 times stays one bounded set.
    #[test]
    fn hostile_strings_never_panic() {
        let real =
            "COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA";
        for i in 0..=real.len() {
            let _ = decode(&real[..i]);
        }
        for s in [
            "",
            " ",
            ".",
            "....",
            "C",
            "C=",
            "====",
            "💥",
            "C\u{0}",
            "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA",
            "C/////////////////////////////////////////////////////////////////////",
        ] {
            let _ = decode(s);
        }
        assert_eq!(decode(&"C".repeat(MAX_LEN + 1)), Err(TcfError::TooLong));
        assert_eq!(
            decode("BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA"),
            Err(TcfError::Version(1))
        );
        // A core whose vendor section is range-encoded with 4095 entries of 1-65535.
        let mut bits = String::from("000010");
        bits.push_str(&"0".repeat(36 * 2 + 12 + 12 + 6 + 12 + 12));
        bits.push_str("000100"); // policy 4
        bits.push_str(&"0".repeat(2 + 12 + 24 + 24 + 1 + 12));
        bits.push_str(&format!("{:016b}1{:012b}", 65535, 4095));
        for _ in 0..4095 {
            bits.push_str(&format!("1{:016b}{:016b}", 1, 65535));
        }
        let t = decode(&to_base64url(&bits)).unwrap_err();
        // The LI section is missing: the string is cut, but reading it stayed bounded.
        assert_eq!(t, TcfError::Truncated("VendorLegitimateInterests"));
        bits.push_str(&format!("{:016b}0", 0));
        let t = decode(&to_base64url(&bits)).unwrap();
        assert_eq!(t.vendors_consent.len(), 65535);
        assert_eq!(t.policy_version, 4);
        // A range that runs backwards is refused.
        let mut back = bits[..bits.len() - 4095 * 33 - 17 - 12].to_owned();
        back.push_str(&format!("{:012b}1{:016b}{:016b}", 1, 9, 3));
        back.push_str(&format!("{:016b}0", 0));
        assert_eq!(decode(&to_base64url(&back)), Err(TcfError::BadRange(9, 3)));
    }

    /// Fuzz-ish: 5,000 pseudo-random strings in the TC alphabet, most starting as a v2 core
    /// would, decode to a value or an error, never a panic, and never list more vendors than
    /// ids exist.
    #[test]
    fn random_strings_never_panic() {
        const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=";
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..5000 {
            let len = (next() % 400) as usize;
            let mut s: String = (0..len)
                .map(|_| char::from(ALPHA[(next() % ALPHA.len() as u64) as usize]))
                .collect();
            if i % 4 != 0 {
                s.insert(0, 'C');
            }
            if let Ok(t) = decode(&s) {
                assert!(t.vendors_consent.len() <= 65535 && t.vendors_li.len() <= 65535);
            }
        }
    }

    /// Test helper: a bit string as base64url, zero-padded to whole characters.
    fn to_base64url(bits: &str) -> String {
        const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut b = bits.to_owned();
        while !b.len().is_multiple_of(6) {
            b.push('0');
        }
        b.as_bytes()
            .chunks(6)
            .map(|c| {
                let v = u8::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap();
                char::from(ALPHA[usize::from(v)])
            })
            .collect()
    }
}
