//! The words of time: months, weekdays, units, numbers, parts of the day
//! and seasons. All lookups take a lower-cased word.

use chrono::Weekday;

/// A unit of calendar time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Weekend,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    /// The TIMEX3 duration of `n` units ("P30D", "PT5H"); `None` is the
    /// unspecified amount of "years", "hours-long".
    pub(super) fn duration(self, n: Option<u32>) -> String {
        let n = n.map_or_else(|| "X".to_string(), |n| n.to_string());
        match self {
            Unit::Second => format!("PT{n}S"),
            Unit::Minute => format!("PT{n}M"),
            Unit::Hour => format!("PT{n}H"),
            Unit::Day => format!("P{n}D"),
            Unit::Week => format!("P{n}W"),
            Unit::Weekend => format!("P{n}WE"),
            Unit::Month => format!("P{n}M"),
            Unit::Quarter => format!("P{n}Q"),
            Unit::Year => format!("P{n}Y"),
            Unit::Decade => format!("P{n}DE"),
            Unit::Century => format!("P{n}CE"),
        }
    }
}

/// A part of the day, with its TIMEX3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    pub(super) fn code(self) -> &'static str {
        match self {
            PartOfDay::Morning => "MO",
            PartOfDay::Afternoon => "AF",
            PartOfDay::Evening => "EV",
            PartOfDay::Night => "NI",
        }
    }
}

/// A season, with its TIMEX3 code and its months in the northern
/// hemisphere (news usage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Season {
    Spring,
    Summer,
    Fall,
    Winter,
}

impl Season {
    pub(super) fn code(self) -> &'static str {
        match self {
            Season::Spring => "SP",
            Season::Summer => "SU",
            Season::Fall => "FA",
            Season::Winter => "WI",
        }
    }

    /// Its first month; the winter of year Y runs from December Y to
    /// February Y+1.
    pub(super) fn first_month(self) -> u32 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Fall => 9,
            Season::Winter => 12,
        }
    }
}

/// The month a word names ("march", "sept"), 1-based. "may" and "march"
/// are also ordinary words: the scanner asks for a capital.
pub(super) fn month(word: &str) -> Option<u32> {
    Some(match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// Whether the month word is an abbreviation, which must be capitalised to
/// count ("mar" is a verb, "dec" a fragment).
pub(super) fn is_abbreviated_month(word: &str) -> bool {
    word.len() <= 4 && word != "june" && word != "july" && word != "may"
}

/// The weekday a word names, full or abbreviated, singular or plural
/// ("mondays"), with whether it was plural.
pub(super) fn weekday(word: &str) -> Option<(Weekday, bool)> {
    let (stem, plural) = match word.strip_suffix('s') {
        Some(stem) if stem.ends_with("day") => (stem, true),
        _ => (word, false),
    };
    let day = match stem {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    Some((day, plural))
}

/// The unit a word names, singular or plural, with whether it was plural.
pub(super) fn unit(word: &str) -> Option<(Unit, bool)> {
    let (stem, plural) = if word == "centuries" {
        ("century", true)
    } else {
        match word.strip_suffix('s') {
            Some(stem) => (stem, true),
            None => (word, false),
        }
    };
    let unit = match stem {
        "second" | "sec" => Unit::Second,
        "minute" | "min" => Unit::Minute,
        "hour" | "hr" => Unit::Hour,
        "day" => Unit::Day,
        "week" => Unit::Week,
        "weekend" => Unit::Weekend,
        "month" => Unit::Month,
        "quarter" => Unit::Quarter,
        "year" | "yr" => Unit::Year,
        "decade" => Unit::Decade,
        "century" => Unit::Century,
        _ => return None,
    };
    Some((unit, plural))
}

/// A cardinal written as a word or in digits ("three", "twenty-five",
/// "30", "1,500").
pub(super) fn number(word: &str) -> Option<u32> {
    if word.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        if word.len() > 9 || !word.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            return None;
        }
        return word.replace(',', "").parse().ok();
    }
    if let Some((tens, ones)) = word.split_once('-') {
        let (tens, ones) = (small_number(tens)?, small_number(ones)?);
        return (tens >= 20 && tens % 10 == 0 && ones < 10).then_some(tens + ones);
    }
    small_number(word)
}

fn small_number(word: &str) -> Option<u32> {
    Some(match word {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        _ => return None,
    })
}

/// An ordinal up to the thirty-first, in words or digits ("third", "3rd").
pub(super) fn ordinal(word: &str) -> Option<u32> {
    if word.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &word[digits.len()..];
        if !matches!(suffix, "st" | "nd" | "rd" | "th") {
            return None;
        }
        return digits.parse().ok().filter(|n| (1..=31).contains(n));
    }
    Some(match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "twenty-first" => 21,
        _ => return None,
    })
}

/// The part of the day a word names.
pub(super) fn part_of_day(word: &str) -> Option<PartOfDay> {
    Some(match word {
        "morning" => PartOfDay::Morning,
        "afternoon" => PartOfDay::Afternoon,
        "evening" => PartOfDay::Evening,
        "night" | "overnight" => PartOfDay::Night,
        _ => return None,
    })
}

/// The season a word names.
pub(super) fn season(word: &str) -> Option<Season> {
    Some(match word {
        "spring" => Season::Spring,
        "summer" => Season::Summer,
        "fall" | "autumn" => Season::Fall,
        "winter" => Season::Winter,
        _ => return None,
    })
}

/// Decades named in words ("the sixties"), as their first year in the
/// century of the 1900s, which is what news means by them.
pub(super) fn decade_word(word: &str) -> Option<i32> {
    Some(match word {
        "twenties" => 1920,
        "thirties" => 1930,
        "forties" => 1940,
        "fifties" => 1950,
        "sixties" => 1960,
        "seventies" => 1970,
        "eighties" => 1980,
        "nineties" => 1990,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words_and_digits() {
        assert_eq!(number("three"), Some(3));
        assert_eq!(number("twenty-five"), Some(25));
        assert_eq!(number("1,500"), Some(1500));
        assert_eq!(number("five-year"), None);
        assert_eq!(number("99999999999999"), None);
        assert_eq!(ordinal("3rd"), Some(3));
        assert_eq!(ordinal("third"), Some(3));
        assert_eq!(ordinal("3x"), None);
    }

    #[test]
    fn units_and_days() {
        assert_eq!(unit("weeks"), Some((Unit::Week, true)));
        assert_eq!(unit("centuries"), Some((Unit::Century, true)));
        assert_eq!(weekday("mondays"), Some((Weekday::Mon, true)));
        assert_eq!(weekday("thurs"), Some((Weekday::Thu, false)));
        assert_eq!(Unit::Hour.duration(Some(5)), "PT5H");
        assert_eq!(Unit::Year.duration(None), "PXY");
    }
}
