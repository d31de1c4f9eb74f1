//! `--shard I/N`: a stable hash-partition of the site list, so N machines (a Kubernetes
//! Indexed Job, a GitHub Actions matrix, a Slurm array) each scan a disjoint part and
//! together scan every site once, whatever the order of the list or the machine.

use std::str::FromStr;

/// Shard `index` of `count` (0-based index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether `site` (a [`super::Target::site`] key) belongs to this shard.
    pub fn contains(&self, site: &str) -> bool {
        fnv1a(site.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }
}

/// FNV-1a, written out: std's hasher is randomly seeded and may change between Rust versions,
/// and a shard must not move when one machine runs a newer build.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard '{s}' must be I/N with 0 <= I < N, e.g. 0/3");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_sites() {
        let sites: Vec<String> = (0..300).map(|i| format!("https://s{i}.test/")).collect();
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for site in &sites {
            assert_eq!(shards.iter().filter(|s| s.contains(site)).count(), 1);
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| sites.iter().filter(|x| s.contains(x)).count())
            .collect();
        assert!(sizes.iter().all(|n| *n > 60), "{sizes:?}");
        // Fixed forever: a site's shard never moves between versions.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shard_flags_are_checked() {
        assert_eq!("1/3".parse(), Ok(Shard { index: 1, count: 3 }));
        assert!("3/3".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
