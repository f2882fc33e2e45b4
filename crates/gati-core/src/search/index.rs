//! The tantivy index: its schema, how it is built from the pack database, and how an existing one
//! is checked against the database before use. The index is derived data: when it is missing,
//! damaged or stale it is rebuilt, never trusted.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, doc};

use super::analyzer::{ANALYZER, WORDS_ANALYZER, analyzer, words_analyzer};
use super::collector::CodeSets;
use crate::entry::{Entry, HitData};
use crate::error::{AtPath, Error, Result};
use crate::markdown;
use crate::store::pack_db::PackDb;
use crate::taxonomy::{Family, Taxonomy};

/// Bumped whenever the schema or the analyzer changes, so that old indexes are rebuilt.
const INDEX_VERSION: u32 = 3;

/// What an index was built from. Stored in the index's commit payload and compared with the
/// database on every open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub index_version: u32,
    pub content_hash: String,
    pub doc_count: usize,
}

impl Provenance {
    pub fn of(content_hash: &str, doc_count: usize) -> Provenance {
        Provenance {
            index_version: INDEX_VERSION,
            content_hash: content_hash.to_string(),
            doc_count,
        }
    }
}

#[derive(Clone, Copy)]
pub struct Fields {
    /// The entry's position in title order, for listing without a query.
    pub ord: Field,
    /// Global term ordinals of every code the entry carries, for facet counts.
    pub codes: Field,
    /// One exact-match field per code family, in [`Family::ALL`] order, for filters.
    pub family: [Field; 8],
    pub title: Field,
    /// Labels and synonyms of the entry's needs, areas and waiting-for codes.
    pub labels: Field,
    pub tags: Field,
    pub summary: Field,
    pub body: Field,
    /// Every word of the fields above as written (lower-cased, not stemmed): the dictionary in
    /// which unfinished and misspelt words are resolved.
    pub words: Field,
    /// The stored JSON of what a hit shows.
    pub hit: Field,
}

impl Fields {
    /// The text fields with their boosts: a word in the title counts most, in the body least.
    pub fn boosted(&self) -> [(Field, f32); 5] {
        [
            (self.title, 4.0),
            (self.labels, 2.5),
            (self.tags, 2.5),
            (self.summary, 1.5),
            (self.body, 1.0),
        ]
    }

    pub fn family(&self, family: Family) -> Field {
        self.family[Family::ALL
            .iter()
            .position(|f| *f == family)
            .expect("every family is in ALL")]
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let family = Family::ALL.map(|f| b.add_text_field(f.key(), STRING));
    let fields = Fields {
        ord: b.add_u64_field("ord", FAST),
        codes: b.add_u64_field("codes", FAST | INDEXED),
        family,
        title: b.add_text_field("title", text(false)),
        labels: b.add_text_field("labels", text(false)),
        tags: b.add_text_field("tags", text(false)),
        summary: b.add_text_field("summary", text(true)),
        body: b.add_text_field("body", text(true)),
        words: b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(WORDS_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        hit: b.add_text_field("hit", STORED),
    };
    (b.build(), fields)
}

/// The global ordinal of every term, in [`Taxonomy::all_terms`] order.
pub fn term_ordinals(taxonomy: &Taxonomy) -> Vec<(Family, String)> {
    taxonomy
        .all_terms()
        .map(|(f, t)| (f, t.code.clone()))
        .collect()
}

/// Builds a new index in the empty folder `dir` from the database. `progress(done, total)`.
pub fn build(db: &PackDb, dir: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<()> {
    let meta = db.meta()?;
    let taxonomy = db.taxonomy()?;
    std::fs::create_dir_all(dir).at(dir)?;
    let index = Index::create_in_dir(dir, schema().0).at(dir)?;
    let mut docs = DocWriter::new(&index, &taxonomy).at(dir)?;
    let total = meta.entry_count;
    db.for_each_in_title_order(|e| {
        docs.add(&e).at(dir)?;
        if docs.count.is_multiple_of(1000) || docs.count == total {
            progress(docs.count, total);
        }
        Ok(())
    })?;
    docs.commit(&meta.content_hash).at(dir)?;
    Ok(())
}

/// An index held in memory over `entries`, for a pack's source folder being edited: small enough
/// to rebuild whole after every saved entry, which keeps title order and code counts exact.
pub fn in_memory(entries: &[Entry], taxonomy: &Taxonomy) -> Result<OpenIndex> {
    let at = Path::new("search index");
    let index = Index::create_in_ram(schema().0);
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_cached_key(|e| (e.title.to_lowercase(), e.id.clone()));
    let mut docs = DocWriter::new(&index, taxonomy).at(at)?;
    for e in sorted {
        docs.add(e).at(at)?;
    }
    let count = docs.count;
    docs.commit("in memory").at(at)?;
    open(&index, &Provenance::of("in memory", count))?.ok_or_else(|| Error::Storage {
        path: at.into(),
        message: "the index built in memory could not be read back".into(),
    })
}

/// Adds entries, in title order, to a new index.
struct DocWriter<'a> {
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    taxonomy: &'a Taxonomy,
    ordinals: Vec<(Family, String)>,
    count: usize,
}

impl<'a> DocWriter<'a> {
    fn new(index: &Index, taxonomy: &'a Taxonomy) -> tantivy::Result<DocWriter<'a>> {
        register_analyzers(index);
        Ok(DocWriter {
            writer: index.writer_with_num_threads(1, 128 * 1024 * 1024)?,
            fields: schema().1,
            taxonomy,
            ordinals: term_ordinals(taxonomy),
            count: 0,
        })
    }

    fn add(&mut self, e: &Entry) -> tantivy::Result<()> {
        let f = &self.fields;
        let taxonomy = self.taxonomy;
        let mut d = doc!(
            f.ord => self.count as u64,
            f.title => e.title.as_str(),
            f.summary => e.summary.as_str(),
            f.body => markdown::plain_text(&e.body),
            f.hit => serde_json::to_string(&HitData::of(e)).expect("hit serialises"),
        );
        let mut words_text = format!("{}\n{}\n", e.title, e.summary);
        for family in Family::ALL {
            for code in e.codes(family) {
                d.add_text(f.family(family), code);
                if let Some(o) = self
                    .ordinals
                    .iter()
                    .position(|(f, c)| *f == family && c == code)
                {
                    d.add_u64(f.codes, o as u64);
                }
                if matches!(family, Family::Need | Family::Area | Family::WaitingFor)
                    && let Some(term) = taxonomy.term(family, code)
                {
                    let words = format!("{} {}", term.label, term.synonyms.join(" "));
                    d.add_text(f.labels, &words);
                    words_text.push_str(&words);
                    words_text.push('\n');
                }
            }
        }
        for tag in &e.tags {
            d.add_text(f.tags, tag);
            words_text.push_str(tag);
            words_text.push('\n');
        }
        words_text.push_str(&markdown::plain_text(&e.body));
        d.add_text(f.words, &words_text);
        self.writer.add_document(d)?;
        self.count += 1;
        Ok(())
    }

    /// Commits with the provenance that [`open_if_current`] later compares.
    fn commit(mut self, content_hash: &str) -> tantivy::Result<()> {
        let mut commit = self.writer.prepare_commit()?;
        let provenance = Provenance::of(content_hash, self.count);
        commit.set_payload(&serde_json::to_string(&provenance).expect("provenance serialises"));
        commit.commit()?;
        self.writer.wait_merging_threads()
    }
}

fn register_analyzers(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
    index
        .tokenizers()
        .register(WORDS_ANALYZER, words_analyzer());
}

/// An index opened for searching. The index never changes once built, so one searcher serves
/// every search, and the code sets read from it stay valid.
pub struct OpenIndex {
    pub searcher: Searcher,
    pub fields: Fields,
    pub code_sets: CodeSets,
}

/// Opens the index in `dir` if it exists, is readable and was built from exactly the data
/// described by `expected`. Any other state is reported as `Ok(None)`: the caller rebuilds.
pub fn open_if_current(dir: &Path, expected: &Provenance) -> Result<Option<OpenIndex>> {
    if !dir.join("meta.json").is_file() {
        return Ok(None);
    }
    let Ok(index) = Index::open_in_dir(dir) else {
        return Ok(None);
    };
    open(&index, expected)
}

/// Opens `index` for searching if it holds what `expected` describes and every part of it reads.
fn open(index: &Index, expected: &Provenance) -> Result<Option<OpenIndex>> {
    let Ok(metas) = index.load_metas() else {
        return Ok(None);
    };
    let found: Option<Provenance> = metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    if found.as_ref() != Some(expected) {
        return Ok(None);
    }
    let (schema, fields) = schema();
    if index.schema() != schema {
        return Ok(None);
    }
    // Every file of a tantivy index ends in a checksum. Checking them finds damaged files here;
    // the catch is for files so mangled that tantivy panics while reading their footers.
    let intact =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index.validate_checksum()));
    if !matches!(intact, Ok(Ok(ref damaged)) if damaged.is_empty()) {
        return Ok(None);
    }
    register_analyzers(index);
    let Ok(reader) = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
    else {
        return Ok(None);
    };
    let reader: IndexReader = reader;
    // Reading every segment's documents count touches each segment's files, which finds a
    // damaged or half-deleted index here rather than in the middle of a search.
    let searcher = reader.searcher();
    let counted: u64 = searcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.num_docs()))
        .sum();
    if counted != expected.doc_count as u64 {
        return Ok(None);
    }
    for segment in searcher.segment_readers() {
        if segment.fast_fields().u64("ord").is_err() || segment.get_store_reader(1).is_err() {
            return Ok(None);
        }
    }
    let Ok(code_sets) = CodeSets::read(&searcher, fields.codes) else {
        return Ok(None);
    };
    Ok(Some(OpenIndex {
        searcher,
        fields,
        code_sets,
    }))
}
