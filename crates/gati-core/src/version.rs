//! A pack's version and how long it stays fresh.
//!
//! Versions are numbers separated by dots (`2026.11.0`), compared number by number, so that a
//! school's app can tell a newer pack from an older one without guessing: `2026.12.0` is newer
//! than `2026.11.3`, and `2026.10.0` newer than `2026.9.0`, which text order would get wrong.

use std::cmp::Ordering;
use std::fmt;

use chrono::{Days, Months, NaiveDate};

/// A pack version: one or more numbers separated by dots. Missing trailing numbers count as
/// zero, so `2026.11` and `2026.11.0` are the same version.
#[derive(Debug, Clone)]
pub struct PackVersion {
    parts: Vec<u64>,
    text: String,
}

/// The most numbers a version may have: enough for any scheme in use, few enough to read.
const MAX_PARTS: usize = 6;

impl PackVersion {
    /// Reads `text`, or says in words what is wrong with it.
    pub fn parse(text: &str) -> Result<PackVersion, String> {
        let example = "numbers separated by dots, such as 2026.11.0";
        let parts = text
            .split('.')
            .map(|p| {
                if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    p.parse().ok()
                }
            })
            .collect::<Option<Vec<u64>>>()
            .ok_or_else(|| format!("the version must be {example}"))?;
        if parts.len() > MAX_PARTS {
            return Err(format!(
                "the version has more than {MAX_PARTS} numbers; use {example}"
            ));
        }
        Ok(PackVersion {
            parts,
            text: text.to_string(),
        })
    }

    /// The version to suggest after this one: for a version of the form YEAR.MONTH.N, this
    /// month's first release when the month has moved on, otherwise the last number plus one.
    pub fn next(&self, today: NaiveDate) -> String {
        use chrono::Datelike;
        let (year, month) = (
            u64::from(today.year().unsigned_abs()),
            u64::from(today.month()),
        );
        let dated = self.parts.len() == 3
            && (2000..3000).contains(&self.parts[0])
            && (1..=12).contains(&self.parts[1]);
        if dated && (year, month) > (self.parts[0], self.parts[1]) {
            return format!("{year}.{month}.0");
        }
        let mut parts = self.parts.clone();
        if let Some(last) = parts.last_mut() {
            *last += 1;
        }
        parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }

    fn part(&self, i: usize) -> u64 {
        self.parts.get(i).copied().unwrap_or(0)
    }
}

impl Ord for PackVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (0..self.parts.len().max(other.parts.len()))
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for PackVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PackVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for PackVersion {}

impl fmt::Display for PackVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// How long after it was built a pack counts as getting old: `stale_after` in `pack.toml`,
/// written as a number and a unit ("6 months", "90 days", "1 year").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreshFor {
    Days(u32),
    Months(u32),
}

impl FreshFor {
    pub fn parse(text: &str) -> Result<FreshFor, String> {
        let wrong = || {
            format!(
                "`{}` is not a length of time; write a number and days, weeks, months or years, such as \"6 months\"",
                crate::printable::echo(text)
            )
        };
        let mut words = text.split_whitespace();
        let (Some(number), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(wrong());
        };
        let n: u32 = number
            .parse()
            .ok()
            .filter(|n| (1..=1200).contains(n))
            .ok_or_else(wrong)?;
        match unit.trim_end_matches('s') {
            "day" => Ok(FreshFor::Days(n)),
            "week" => Ok(FreshFor::Days(n * 7)),
            "month" => Ok(FreshFor::Months(n)),
            "year" => Ok(FreshFor::Months(n * 12)),
            _ => Err(wrong()),
        }
    }

    /// The first day on which a pack built on `built` counts as old.
    pub fn stale_from(self, built: NaiveDate) -> NaiveDate {
        match self {
            FreshFor::Days(n) => built.checked_add_days(Days::new(n.into())),
            FreshFor::Months(n) => built.checked_add_months(Months::new(n)),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(text: &str) -> PackVersion {
        PackVersion::parse(text).unwrap()
    }

    #[test]
    fn the_next_version_follows_the_month_or_counts_on() {
        let day = |y, m| NaiveDate::from_ymd_opt(y, m, 5).unwrap();
        assert_eq!(v("2026.11.0").next(day(2026, 12)), "2026.12.0");
        assert_eq!(v("2026.12.0").next(day(2026, 12)), "2026.12.1");
        assert_eq!(v("2026.12.4").next(day(2026, 11)), "2026.12.5");
        assert_eq!(v("1.4").next(day(2026, 12)), "1.5");
        for (text, today) in [("2026.11.0", day(2027, 1)), ("3", day(2026, 1))] {
            assert!(PackVersion::parse(&v(text).next(today)).unwrap() > v(text));
        }
    }

    #[test]
    fn versions_compare_number_by_number() {
        assert!(v("2026.12.0") > v("2026.11.3"));
        assert!(v("2026.10.0") > v("2026.9.0"));
        assert_eq!(v("2026.11"), v("2026.11.0"));
        assert!(v("2") > v("1.99"));
        for bad in [
            "",
            "2026..1",
            "v1",
            "1.0-beta",
            " 1",
            "1.",
            "1234567890",
            "1.2.3.4.5.6.7",
        ] {
            assert!(PackVersion::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn freshness_is_a_number_and_a_unit() {
        let built = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            FreshFor::parse("6 months").unwrap().stale_from(built),
            day(2027, 5, 25)
        );
        assert_eq!(
            FreshFor::parse("1 year").unwrap().stale_from(built),
            day(2027, 11, 25)
        );
        assert_eq!(
            FreshFor::parse("2 weeks").unwrap().stale_from(built),
            day(2026, 12, 9)
        );
        assert_eq!(
            FreshFor::parse("90 days").unwrap().stale_from(built),
            day(2027, 2, 23)
        );
        for bad in [
            "",
            "6",
            "months",
            "six months",
            "0 days",
            "6 fortnights",
            "6 months ago",
        ] {
            assert!(FreshFor::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_a_version_or_a_reason(text in any::<String>()) {
            let _ = PackVersion::parse(&text);
            let _ = FreshFor::parse(&text);
        }

        #[test]
        fn order_agrees_with_the_numbers(a in proptest::collection::vec(0u64..1000, 1..4),
                                         b in proptest::collection::vec(0u64..1000, 1..4)) {
            let text = |p: &[u64]| p.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
            let pad = |p: &[u64]| { let mut p = p.to_vec(); p.resize(4, 0); p };
            prop_assert_eq!(v(&text(&a)).cmp(&v(&text(&b))), pad(&a).cmp(&pad(&b)));
        }
    }
}
