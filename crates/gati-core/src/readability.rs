//! The Flesch-Kincaid grade of a text, used to hold summaries for families to a reading age of
//! about eleven (grade 6). The syllable count is the usual vowel-group heuristic: it is not exact
//! for every word, but it is stable, and writers can run the same formula themselves.

/// Counts the syllables of one word: runs of vowels, less a silent final `e`, at least one.
fn syllables(word: &str) -> usize {
    let w: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    let is_vowel = |b: u8| b"aeiouy".contains(&b);
    let mut groups = 0;
    let mut prev_vowel = false;
    for &b in &w {
        let v = is_vowel(b);
        if v && !prev_vowel {
            groups += 1;
        }
        prev_vowel = v;
    }
    if w.ends_with(b"e") && !w.ends_with(b"le") && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let in_word = match start {
            None => c.is_ascii_alphabetic(),
            Some(_) => c.is_ascii_alphabetic() || c == '\'' || c == '-',
        };
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn sentences(text: &str) -> usize {
    let padded = format!("{} ", text.trim());
    let bytes = padded.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'.' | b'!' | b'?') {
            let mut j = i;
            while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?') {
                j += 1;
            }
            if j == bytes.len() || bytes[j].is_ascii_whitespace() {
                count += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    count.max(1)
}

/// The Flesch-Kincaid grade level of `text`.
pub fn fk_grade(text: &str) -> f64 {
    let words = words(text);
    let n = words.len().max(1) as f64;
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    0.39 * n / sentences(text) as f64 + 11.8 * syllables as f64 / n - 15.59
}

/// The highest grade a summary written for parents, carers or young people may have.
pub const FAMILY_SUMMARY_MAX_GRADE: f64 = 6.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_by_vowel_groups() {
        assert_eq!(syllables("cat"), 1);
        assert_eq!(syllables("table"), 2);
        assert_eq!(syllables("make"), 1);
        assert_eq!(syllables("assessment"), 3);
        assert_eq!(syllables("the"), 1);
    }

    #[test]
    fn plain_words_score_low_and_jargon_high() {
        let plain = "Your child can get help at school. Ask the teacher what they see. You know your child best.";
        let jargon = "Comprehensive multidisciplinary neurodevelopmental assessments necessitate collaborative documentation of longitudinal observations.";
        assert!(fk_grade(plain) < 4.0, "{}", fk_grade(plain));
        assert!(fk_grade(jargon) > 12.0, "{}", fk_grade(jargon));
    }

    #[test]
    fn counts_sentences_at_terminal_punctuation() {
        assert_eq!(sentences("One. Two! Three?"), 3);
        assert_eq!(sentences("Version 2.5 is out"), 1);
        assert_eq!(sentences(""), 1);
    }
}
