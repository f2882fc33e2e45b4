//! Word documents (`.docx`) written with docx-rs: a title, headings and paragraphs, and entry
//! bodies turned from Markdown into Word's own headings, paragraphs, bullet points and bold or
//! italic runs. Schools hand such documents to families and attach them to requests, so the
//! structure is real (Word's heading styles, which a screen reader and a table of contents
//! follow), not text that merely looks like headings.

use docx_rs::{Docx, LineSpacing, Paragraph, Run, RunFonts, Style, StyleType};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use crate::error::{Error, Result};

/// A document being written, paragraph by paragraph.
pub struct Document {
    docx: Docx,
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

impl Document {
    pub fn new() -> Document {
        let heading = |id: &str, name: &str, size: usize, level: usize| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .size(size)
                .bold()
                .outline_lvl(level)
                .line_spacing(LineSpacing::new().before(240).after(80))
        };
        let docx = Docx::new()
            .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
            .default_size(24)
            // Space after each paragraph and a little between lines (in twentieths of a point
            // and 240ths of a line), so that a printed page is easy to read and to annotate.
            .default_line_spacing(LineSpacing::new().after(120).line(276))
            .add_style(heading("Title", "Title", 44, 0))
            .add_style(heading("Heading1", "heading 1", 36, 0))
            .add_style(heading("Heading2", "heading 2", 30, 1))
            .add_style(heading("Heading3", "heading 3", 26, 2));
        Document { docx }
    }

    /// A heading of `level` 0 (the title) to 3.
    pub fn heading(&mut self, level: usize, text: &str) {
        let style = match level {
            0 => "Title",
            1 => "Heading1",
            2 => "Heading2",
            _ => "Heading3",
        };
        self.push(
            Paragraph::new()
                .style(style)
                .add_run(Run::new().add_text(text)),
        );
    }

    /// A paragraph of plain text.
    pub fn paragraph(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(Run::new().add_text(text)));
    }

    /// A paragraph in italics, for a summary or a note.
    pub fn note(&mut self, text: &str) {
        self.push(Paragraph::new().add_run(Run::new().add_text(text).italic()));
    }

    /// A Markdown body. Its headings start one level below `level`, so that an entry's own
    /// "What to do" sits under the entry's title.
    pub fn markdown(&mut self, body: &str, level: usize) {
        let mut paragraph: Option<Paragraph> = None;
        let (mut bold, mut italic) = (0usize, 0usize);
        let mut list_depth = 0usize;
        for event in crate::markdown::parser(body) {
            match event {
                Event::Start(Tag::Heading { level: h, .. }) => {
                    let style = match level + heading_rank(h) {
                        0 | 1 => "Heading1",
                        2 => "Heading2",
                        _ => "Heading3",
                    };
                    paragraph = Some(Paragraph::new().style(style));
                }
                Event::Start(Tag::Paragraph) if paragraph.is_none() => {
                    paragraph = Some(Paragraph::new());
                }
                Event::Start(Tag::List(_)) => list_depth += 1,
                Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
                Event::Start(Tag::Item) => {
                    let indent = "    ".repeat(list_depth.saturating_sub(1));
                    paragraph =
                        Some(Paragraph::new().add_run(Run::new().add_text(format!("{indent}• "))));
                }
                Event::Start(Tag::Strong) => bold += 1,
                Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
                Event::Start(Tag::Emphasis) => italic += 1,
                Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
                Event::Text(text) | Event::Code(text) => {
                    let mut run = Run::new().add_text(text.as_ref());
                    if bold > 0 {
                        run = run.bold();
                    }
                    if italic > 0 {
                        run = run.italic();
                    }
                    let p = paragraph.take().unwrap_or_default();
                    paragraph = Some(p.add_run(run));
                }
                Event::SoftBreak | Event::HardBreak => {
                    let p = paragraph.take().unwrap_or_default();
                    paragraph = Some(p.add_run(Run::new().add_text(" ")));
                }
                Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => {
                    if let Some(p) = paragraph.take() {
                        self.push(p);
                    }
                }
                _ => {}
            }
        }
        if let Some(p) = paragraph.take() {
            self.push(p);
        }
    }

    fn push(&mut self, paragraph: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(paragraph);
    }

    /// The finished document as the bytes of a `.docx` file.
    pub fn into_bytes(self) -> Result<Vec<u8>> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        self.docx
            .build()
            .pack(&mut bytes)
            .map_err(|e| Error::Storage {
                path: "Word document".into(),
                message: format!("the document could not be written: {e}"),
            })?;
        Ok(bytes.into_inner())
    }
}

fn heading_rank(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 1,
        HeadingLevel::H3 => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The text of the document's main part, as Word reads it.
    fn document_xml(bytes: &[u8]) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn markdown_becomes_word_headings_paragraphs_and_bullets() {
        let mut doc = Document::new();
        doc.heading(0, "Shortlist");
        doc.markdown(
            "## What to do\n\nUse a **now** board.\n\n- One thing\n- Then *another*\n",
            2,
        );
        let xml = document_xml(&doc.into_bytes().unwrap());
        assert!(xml.contains(r#"<w:pStyle w:val="Title" />"#), "{xml}");
        assert!(xml.contains(r#"<w:pStyle w:val="Heading3" />"#), "{xml}");
        assert!(xml.contains("What to do"));
        assert!(xml.contains("<w:b />"), "bold survives: {xml}");
        assert!(xml.contains("• "), "{xml}");
        assert!(xml.contains("another"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any body makes a document without a panic.
            #[test]
            fn any_markdown_makes_a_document(body in any::<String>()) {
                let mut doc = Document::new();
                doc.markdown(&body, 1);
                prop_assert!(!doc.into_bytes().unwrap().is_empty());
            }
        }
    }
}
