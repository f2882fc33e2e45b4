//! Search over the installed pack: words, synonyms, typos and prefixes, filters on every code
//! family, facet counts, snippets and paging.

pub(crate) mod analyzer;
mod collector;
pub(crate) mod expand;
pub(crate) mod index;
mod query;
mod snippet;

pub use snippet::Fragment;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use crate::entry::HitData;
use crate::error::{Error, Result};
use crate::taxonomy::{Family, Taxonomy, family_field};
use analyzer::WordSplitter;
use collector::MatchCollector;
use index::OpenIndex;
use query::{Plan, SynonymTable};
use snippet::TermMatcher;

/// Codes to keep, per family. Codes of one family are alternatives (any of them); families are
/// combined (all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Filters {
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub levels: Vec<String>,
    pub steps: Vec<String>,
    pub phases: Vec<String>,
    pub audiences: Vec<String>,
    pub kinds: Vec<String>,
    pub waiting_for: Vec<String>,
}

impl Filters {
    pub fn get(&self, family: Family) -> &[String] {
        family_field!(family, &self)
    }

    pub fn get_mut(&mut self, family: Family) -> &mut Vec<String> {
        family_field!(family, &mut self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
    pub offset: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            limit: 20,
            offset: 0,
        }
    }
}

/// The most hits one page may hold.
pub const MAX_LIMIT: usize = 500;
/// The furthest into the results a page may start: ranking keeps every earlier hit in memory.
pub const MAX_OFFSET: usize = 10_000;
/// The longest query, in characters: a long paragraph is not a search, and every word of a
/// query costs work.
pub const MAX_QUERY_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hit {
    #[serde(flatten)]
    pub entry: HitData,
    pub score: f32,
    pub snippet: Vec<Fragment>,
    /// The query's words this entry does not match, even through stems, synonyms or the typo
    /// allowance, as typed (lower-cased): empty when it matches them all. Common words
    /// ("disorder", "school") beside others are never missing: they only add to the score.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResults {
    /// How many entries match in all, across pages.
    pub total: usize,
    /// How many of them match every word of the query; they come first. Equal to `total` for a
    /// listing without words.
    pub matched_all: usize,
    /// The query's words that no entry (within the filters) matches at all, when no entry
    /// matches every word: "No entry mentions ...".
    pub absent: Vec<String>,
    pub hits: Vec<Hit>,
    /// For each family (by its plural name), how many matching entries carry each code; codes
    /// with no match are left out.
    pub facets: BTreeMap<String, BTreeMap<String, usize>>,
    /// When nothing matches: the query with its unknown words replaced by the nearest words the
    /// pack holds, for a "did you mean" offer.
    pub suggestion: Option<String>,
}

/// How much a completion of the word being typed counts against the word as typed.
const COMPLETION_WEIGHT: f32 = 0.8;
/// How much a correction of a misspelt word counts against a correctly spelt one.
const CORRECTION_WEIGHT: f32 = 0.6;
/// How much a common word ("syndrome" beside "down") counts against the word that says what the
/// person wants: a title with "Tourette syndrome" must not outrank one about Down syndrome.
const COMMON_WEIGHT: f32 = 0.25;
/// Added to an entry's score for each word of the query it matches, so that entries that match
/// every word rank first, then those that match one fewer, and so on; the text score orders each
/// tier, and the entries that match every word are those scoring at least a tier per word. Far
/// above any text score, yet small enough that an `f32` still tells apart scores within a tier
/// (its step at 100,000 is 0.008).
const WORD_TIER: f32 = 1_000.0;

/// The search side of an installed pack.
pub struct SearchIndex {
    index: OpenIndex,
    taxonomy: Taxonomy,
    ordinals: Vec<(Family, String)>,
    synonyms: SynonymTable,
}

impl SearchIndex {
    pub fn new(index: OpenIndex, taxonomy: Taxonomy) -> SearchIndex {
        let synonyms = SynonymTable::new(&taxonomy, &mut WordSplitter::default());
        let ordinals = index::term_ordinals(&taxonomy);
        SearchIndex {
            index,
            taxonomy,
            ordinals,
            synonyms,
        }
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.check(request)?;
        let limit = request.limit.min(MAX_LIMIT);
        let searcher = &self.index.searcher;
        let f = &self.index.fields;
        let mut splitter = WordSplitter::default();
        let plan = query::plan(&request.query, &self.synonyms, &mut splitter);
        let err = |e: tantivy::TantivyError| Error::Storage {
            path: "search index".into(),
            message: e.to_string(),
        };

        let resolved = self.resolve(&plan, searcher, &mut splitter);
        let filters = self.filter_clauses(&request.filters);
        let word_queries = self.word_queries(&resolved, &plan);
        let all_words_score = word_queries.len() as f32 * WORD_TIER;
        let (matches, page): (_, Vec<(f32, DocAddress)>) = if plan.is_empty() {
            let q = with_filters(Box::new(AllQuery), clone_all(&filters));
            let collector = MatchCollector {
                code_sets: &self.index.code_sets,
                keep_matches: true,
                count_from: None,
            };
            let mut matches = searcher.search(&q, &collector).map_err(err)?;
            let page = matches.take_page_in_title_order(request.offset, limit);
            (matches, page.into_iter().map(|a| (0.0, a)).collect())
        } else {
            let ranked = self.ranked_query(&resolved, &plan, &word_queries);
            let q = with_filters(ranked, clone_all(&filters));
            let top = TopDocs::with_limit(limit.max(1))
                .and_offset(request.offset)
                .order_by_score();
            // An entry that matches every counted word scores at least a tier for each.
            let collector = MatchCollector {
                code_sets: &self.index.code_sets,
                keep_matches: false,
                count_from: Some(all_words_score),
            };
            let (top, matches) = searcher.search(&q, &(top, collector)).map_err(err)?;
            let top = if limit == 0 { Vec::new() } else { top };
            (matches, top)
        };
        let matched_all = if plan.is_empty() {
            matches.total
        } else {
            matches.at_least
        };
        let found = words_found(searcher, &word_queries, &page, all_words_score).map_err(err)?;
        let absent = if matched_all == 0 && matches.total > 0 {
            self.absent_words(searcher, &plan, &word_queries, &filters)
                .map_err(err)?
        } else {
            Vec::new()
        };

        let matcher = TermMatcher::new(
            resolved
                .iter()
                .map(|alternatives| alternatives.iter().map(|(stem, _)| stem.clone()).collect())
                .collect(),
        );
        let mut hits = Vec::with_capacity(page.len());
        for ((score, address), found) in page.into_iter().zip(found) {
            let tiers = found.iter().filter(|f| **f).count() as f32 * WORD_TIER;
            let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let entry: HitData =
                serde_json::from_str(&text(f.hit)).map_err(|e| Error::Storage {
                    path: "search index".into(),
                    message: format!("a stored hit cannot be read: {e}"),
                })?;
            let snippet = if plan.words.is_empty() {
                Vec::new()
            } else {
                let body = snippet::snippet(&text(f.body), &matcher, &mut splitter);
                if body.is_empty() {
                    snippet::snippet(&text(f.summary), &matcher, &mut splitter)
                } else {
                    body
                }
            };
            let missing = plan
                .counted_words()
                .zip(found)
                .filter(|(_, found)| !found)
                .map(|(w, _)| w.raw.clone())
                .collect();
            hits.push(Hit {
                entry,
                score: (score - tiers).max(0.0),
                snippet,
                missing,
            });
        }

        let mut facets: BTreeMap<String, BTreeMap<String, usize>> = Family::ALL
            .iter()
            .map(|f| (f.plural().to_string(), BTreeMap::new()))
            .collect();
        for ((family, code), count) in self.ordinals.iter().zip(&matches.counts) {
            if *count > 0 {
                facets
                    .get_mut(family.plural())
                    .expect("every family has a facet")
                    .insert(code.clone(), *count as usize);
            }
        }
        let suggestion = if matches.total == 0 {
            self.suggestion(&plan, searcher)
        } else {
            None
        };
        Ok(SearchResults {
            total: matches.total,
            matched_all,
            absent,
            hits,
            facets,
            suggestion,
        })
    }

    /// Refuses what no search can answer well: a query too long to be a search, a page past
    /// any a person would turn to, and filters with codes the taxonomy does not have (naming the
    /// code and the family).
    fn check(&self, request: &SearchRequest) -> Result<()> {
        let chars = request.query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(Error::BadRequest(format!(
                "the search is {chars} characters long; shorten it to {MAX_QUERY_CHARS} or fewer"
            )));
        }
        if request.offset > MAX_OFFSET {
            return Err(Error::BadRequest(format!(
                "results start at number {}, past the {MAX_OFFSET} a search can show; narrow the \
                 search instead",
                request.offset
            )));
        }
        for family in Family::ALL {
            for code in request.filters.get(family) {
                if !self.taxonomy.contains(family, code) {
                    return Err(Error::BadRequest(format!(
                        "unknown {} code `{}` (known: {})",
                        family.key(),
                        crate::printable::echo(code),
                        self.taxonomy.known_codes(family)
                    )));
                }
            }
        }
        Ok(())
    }

    fn filter_clauses(&self, filters: &Filters) -> Vec<Box<dyn Query>> {
        Family::ALL
            .into_iter()
            .filter(|f| !filters.get(*f).is_empty())
            .map(|family| {
                let field = self.index.fields.family(family);
                let alternatives: Vec<(Occur, Box<dyn Query>)> = filters
                    .get(family)
                    .iter()
                    .map(|code| {
                        (
                            Occur::Should,
                            term_query(Term::from_field_text(field, code)),
                        )
                    })
                    .collect();
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(alternatives)),
                    0.0,
                )) as Box<dyn Query>
            })
            .collect()
    }

    /// The query with every word the index does not hold replaced by its nearest neighbour in the
    /// dictionary, looking further than the typo allowance does; `None` when nothing changes.
    fn suggestion(&self, plan: &Plan, searcher: &Searcher) -> Option<String> {
        let words = self.index.fields.words;
        let mut changed = false;
        let fixed: Vec<String> = plan
            .words
            .iter()
            .map(|w| {
                if expand::is_known(searcher, words, &w.raw) {
                    return w.raw.clone();
                }
                // The nearest words first: one edit away before two, the most frequent among
                // equals.
                let reach = if w.raw.chars().count() >= 4 { 2 } else { 1 };
                let nearest = (1..=reach).find_map(|distance| {
                    expand::corrections(searcher, words, &w.raw, distance)
                        .into_iter()
                        .next()
                });
                match nearest {
                    Some(nearest) => {
                        changed = true;
                        nearest
                    }
                    None => w.raw.clone(),
                }
            })
            .collect();
        changed.then(|| fixed.join(" "))
    }

    /// The stems each planned word stands for, with their weights: the word itself, the
    /// completions of a word still being typed, and, for a word the index does not know, its
    /// corrections within the typo allowance.
    fn resolve(
        &self,
        plan: &Plan,
        searcher: &Searcher,
        splitter: &mut WordSplitter,
    ) -> Vec<Vec<(String, f32)>> {
        let words = self.index.fields.words;
        plan.words
            .iter()
            .map(|w| {
                let mut alternatives = vec![(w.stem.clone(), 1.0)];
                let mut add = |raw: String, weight: f32| {
                    let stem = splitter.stem(&raw);
                    if !alternatives.iter().any(|(s, _)| *s == stem) {
                        alternatives.push((stem, weight));
                    }
                };
                if w.prefix {
                    for completion in expand::completions(searcher, words, &w.raw) {
                        add(completion, COMPLETION_WEIGHT);
                    }
                }
                if w.distance > 0 && !expand::is_known(searcher, words, &w.raw) {
                    for correction in expand::corrections(searcher, words, &w.raw, w.distance) {
                        add(correction, CORRECTION_WEIGHT);
                    }
                }
                alternatives
            })
            .collect()
    }

    /// For each word that counts (see [`Plan::counted_words`]), what matching it means, without
    /// scores: any of its stems in any text field, or a taxonomy term whose name the word is part
    /// of ("salt" in "salt waiting list" is matched by every entry about speech and language
    /// therapy).
    fn word_queries(&self, resolved: &[Vec<(String, f32)>], plan: &Plan) -> Vec<Box<dyn Query>> {
        let f = &self.index.fields;
        plan.words
            .iter()
            .zip(resolved)
            .filter(|(word, _)| !word.common)
            .map(|(word, alternatives)| {
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (stem, _) in alternatives {
                    for (field, _) in f.boosted() {
                        any.push((
                            Occur::Should,
                            term_query(Term::from_field_text(field, stem)),
                        ));
                    }
                }
                for term in plan.terms.iter().filter(|t| t.covers(word.position)) {
                    let field = f.family(term.family);
                    any.push((
                        Occur::Should,
                        term_query(Term::from_field_text(field, &term.code)),
                    ));
                }
                Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
                    as Box<dyn Query>
            })
            .collect()
    }

    /// The text query, ranked in tiers by how many of the query's counted words an entry
    /// matches, so that entries that match every word come first. An entry must match a counted
    /// word: a common word, or a term named by noise words alone ("advice"), only lifts entries
    /// that do.
    fn ranked_query(
        &self,
        resolved: &[Vec<(String, f32)>],
        plan: &Plan,
        word_queries: &[Box<dyn Query>],
    ) -> Box<dyn Query> {
        // One clause per counted word, worth a tier: an entry must match one of them, and its
        // tier is how many it matches. The text score (every word, common ones too, and the
        // terms named) orders entries within a tier.
        let tiers: Vec<(Occur, Box<dyn Query>)> = word_queries
            .iter()
            .map(|q| {
                let tier: Box<dyn Query> = Box::new(ConstScoreQuery::new(q.box_clone(), WORD_TIER));
                (Occur::Should, tier)
            })
            .collect();
        let clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(tiers))),
            (Occur::Should, self.text_query(resolved, plan)),
        ];
        Box::new(BooleanQuery::new(clauses))
    }

    /// The counted words that no entry within the filters matches.
    fn absent_words(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        word_queries: &[Box<dyn Query>],
        filters: &[Box<dyn Query>],
    ) -> tantivy::Result<Vec<String>> {
        let mut absent = Vec::new();
        for (word, query) in plan.counted_words().zip(word_queries) {
            let q = with_filters(query.box_clone(), clone_all(filters));
            if searcher.search(&q, &Count)? == 0 {
                absent.push(word.raw.clone());
            }
        }
        Ok(absent)
    }

    /// Each word matches if any of its stems is in any text field, scored by BM25 with the
    /// field's boost and the stem's weight; naming a taxonomy term lifts entries tagged with it.
    fn text_query(&self, resolved: &[Vec<(String, f32)>], plan: &Plan) -> Box<dyn Query> {
        let f = &self.index.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (planned, alternatives) in plan.words.iter().zip(resolved) {
            let mut word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let share = if planned.common { COMMON_WEIGHT } else { 1.0 };
            for (stem, weight) in alternatives {
                for (field, boost) in f.boosted() {
                    let q = term_query(Term::from_field_text(field, stem));
                    let boost = boost * weight * share;
                    word.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                }
            }
            clauses.push((Occur::Should, Box::new(BooleanQuery::new(word))));
        }
        for term in &plan.terms {
            let q = term_query(Term::from_field_text(f.family(term.family), &term.code));
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(q, term.weight)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

/// For each hit of `page`, which counted words it matches. A hit scoring `all_words_score` or
/// more matches them all (see [`WORD_TIER`]); the others are checked with one scorer per word and
/// segment, visiting their documents in index order as scorers require.
fn words_found(
    searcher: &Searcher,
    word_queries: &[Box<dyn Query>],
    page: &[(f32, DocAddress)],
    all_words_score: f32,
) -> tantivy::Result<Vec<Vec<bool>>> {
    let mut found: Vec<Vec<bool>> = page
        .iter()
        .map(|(score, _)| vec![*score >= all_words_score; word_queries.len()])
        .collect();
    let mut in_index_order: Vec<(DocAddress, usize)> = page
        .iter()
        .enumerate()
        .filter(|(_, (score, _))| *score < all_words_score)
        .map(|(n, (_, address))| (*address, n))
        .collect();
    in_index_order.sort_unstable();
    for (w, query) in word_queries.iter().enumerate() {
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        for segment in in_index_order.chunk_by(|a, b| a.0.segment_ord == b.0.segment_ord) {
            let reader = searcher.segment_reader(segment[0].0.segment_ord);
            let mut scorer = weight.scorer(reader, 1.0)?;
            for (address, n) in segment {
                let doc = if scorer.doc() < address.doc_id {
                    scorer.seek(address.doc_id)
                } else {
                    scorer.doc()
                };
                found[*n][w] = doc == address.doc_id;
            }
        }
    }
    Ok(found)
}

fn clone_all(queries: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    queries.iter().map(|q| q.box_clone()).collect()
}

fn with_filters(query: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.into_iter().map(|f| (Occur::Must, f)));
    Box::new(BooleanQuery::new(clauses))
}
