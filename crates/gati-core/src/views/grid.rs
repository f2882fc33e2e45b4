//! The graduated approach as a grid: areas of need down the side, levels of support across the
//! top, and in each cell how many entries it holds, optionally narrowed to one age phase.

use serde::Serialize;

use crate::Result;
use crate::library::Catalogue;
use crate::search::{Filters, SearchRequest};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grid {
    /// The phase the counts are narrowed to, if any.
    pub phase: Option<String>,
    /// The level codes across the top, in taxonomy order.
    pub levels: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GridRow {
    pub area: String,
    /// Entries per level, in the order of [`Grid::levels`].
    pub counts: Vec<usize>,
}

/// Counts every cell with one facet query per level, so the numbers are exactly what opening the
/// cell (a search filtered by area, level and phase) will list.
pub fn grid(catalogue: &Catalogue, phase: Option<&str>) -> Result<Grid> {
    let taxonomy = catalogue.taxonomy();
    let levels: Vec<String> = taxonomy.levels.iter().map(|t| t.code.clone()).collect();
    let mut rows: Vec<GridRow> = taxonomy
        .areas
        .iter()
        .map(|a| GridRow {
            area: a.code.clone(),
            counts: Vec::with_capacity(levels.len()),
        })
        .collect();
    for level in &levels {
        let request = SearchRequest {
            filters: Filters {
                levels: vec![level.clone()],
                phases: phase.map(str::to_string).into_iter().collect(),
                ..Filters::default()
            },
            limit: 0,
            ..SearchRequest::default()
        };
        let facets = catalogue.search(&request)?.facets;
        let by_area = facets.get("areas");
        for row in &mut rows {
            let n = by_area.and_then(|m| m.get(&row.area)).copied().unwrap_or(0);
            row.counts.push(n);
        }
    }
    Ok(Grid {
        phase: phase.map(str::to_string),
        levels,
        rows,
    })
}
