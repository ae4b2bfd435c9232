//! The scan's as-of date, which pin expirations are compared with: given
//! (`--as-of`, `as_of` in the config) or the date of the HEAD commit.
//! Never the wall clock, so a report is the same whenever it is made.

use std::path::Path;

/// Checks a `YYYY-MM-DD` date and returns it as written.
pub fn parse(text: &str) -> Result<String, String> {
    let invalid = || format!("`{text}` is not a date written YYYY-MM-DD");
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(invalid());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(invalid());
    }
    let (month, day): (u32, u32) = (
        month.parse().map_err(|_| invalid())?,
        day.parse().map_err(|_| invalid())?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(invalid());
    }
    Ok(text.to_string())
}

/// The UTC date of the HEAD commit of the repository holding `root`;
/// `None` outside a repository or without a commit.
pub fn head_commit_date(root: &Path) -> Option<String> {
    commit_date(&gix::discover(root).ok()?, "HEAD")
}

/// The UTC date of the commit `rev` names (`diff` dates each side by its
/// own commit); `None` when it names none.
pub fn commit_date(repo: &gix::Repository, rev: &str) -> Option<String> {
    let commit = repo
        .rev_parse_single(rev)
        .ok()?
        .object()
        .ok()?
        .peel_to_commit()
        .ok()?;
    Some(utc_date(commit.time().ok()?.seconds))
}

/// `YYYY-MM-DD` of a Unix time (days-from-civil inverted, H. Hinnant).
fn utc_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse("2025-06-30").as_deref(), Ok("2025-06-30"));
        for bad in [
            "2025-6-30",
            "2025-13-01",
            "2025-00-10",
            "30-06-2025",
            "today",
            "2025-06-30T00:00",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unix_times_to_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_735_689_599), "2024-12-31");
        assert_eq!(utc_date(-1), "1969-12-31");
    }

    #[test]
    fn no_date_outside_a_repository() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A temporary folder may sit inside a repository on some machines;
        // then the date is still well-formed.
        if let Some(date) = head_commit_date(dir.path()) {
            assert!(parse(&date).is_ok(), "{date}");
        }
    }
}
