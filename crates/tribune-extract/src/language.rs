//! The language of the text, by trigram statistics (whatlang), checked
//! against what the page declares.

/// ISO 639-1 codes for the languages whatlang knows that have one.
fn iso639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Epo => "eo",
        _ => return None,
    })
}

/// The language of `text`: detected when the text is long enough for a
/// reliable guess, else the page's declaration.
pub(crate) fn detect(text: &str, declared: Option<&str>) -> Option<String> {
    // 600 characters (about 100 words) decide as well as more would; more
    // only costs time, and detection is a few percent of an extraction.
    let sample = match text.char_indices().nth(600) {
        Some((at, _)) => &text[..at],
        None => text,
    };
    if sample.chars().count() >= 80
        && let Some(info) = whatlang::detect(sample)
        && (info.is_reliable() || declared.is_none() && info.confidence() > 0.5)
    {
        let code =
            iso639_1(info.lang()).map_or_else(|| info.lang().code().to_string(), str::to_string);
        return Some(code);
    }
    declared.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_english_and_german() {
        let en = "The president said on Sunday that negotiations would continue through the week, and that he expected a call.";
        assert_eq!(detect(en, None).as_deref(), Some("en"));
        let de = "Der Präsident sagte am Sonntag, dass die Verhandlungen die ganze Woche über weitergehen würden.";
        assert_eq!(detect(de, Some("en")).as_deref(), Some("de"));
        assert_eq!(detect("Hi", Some("fr")).as_deref(), Some("fr"));
    }
}
