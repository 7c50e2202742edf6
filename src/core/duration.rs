//! Durations as users type them on the command line (`90s`, `10m`, `1h30m`, `500ms`).

use std::time::Duration;

/// Parse a duration of one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h`, `d`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let rule = "a duration such as 30s, 10m, 1h30m or 500ms";
    if text.is_empty() {
        return Err(format!("expected {rule}"));
    }
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    if text.starts_with('-') {
        return Err(format!("{text:?} is negative; expected {rule}"));
    }
    let mut rest = text;
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("{text:?} is not {rule}"));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("{text:?} is too large"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let part = match &rest[..unit_len] {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n * 60),
            "h" => Duration::from_secs(n * 3600),
            "d" => Duration::from_secs(n * 86400),
            "" => return Err(format!("{text:?} has no unit; expected {rule}")),
            other => {
                return Err(format!(
                    "{text:?} has an unknown unit {other:?}; expected {rule}"
                ));
            }
        };
        total += part;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

/// The shortest way to write `d` back (`1m30s`), for messages.
pub fn format(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let mut secs = d.as_secs();
    let mut out = String::new();
    for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("2d"), Ok(Duration::from_secs(172800)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_with_the_rule() {
        assert!(parse("10").unwrap_err().contains("has no unit"));
        assert!(parse("5y").unwrap_err().contains("unknown unit \"y\""));
        assert!(parse("s").unwrap_err().contains("30s, 10m"));
        assert!(parse("-1h").unwrap_err().contains("\"-1h\" is negative"));
    }

    #[test]
    fn formats_back() {
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_millis(250)), "250ms");
    }
}
