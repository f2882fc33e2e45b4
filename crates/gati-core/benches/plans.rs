//! What support plans cost with a school's worth of them. Run on a release build:
//!
//! ```sh
//! cargo bench -p gati-core --bench plans
//! ```
//!
//! It saves 500 plans (each with a profile, two cycles, outcomes and provision) and measures:
//! opening `user.db` and listing every plan; filtering by words, need and due date; reading one
//! plan whole; saving one plan; and exporting all 500 as JSON. It prints a Markdown table for
//! `docs/performance.md`.

#[path = "../tests/support/mod.rs"]
mod support;

use gati_core::library::Library;
use gati_core::plans::{self, Cycle, Outcome, Plan, PlanFilter, Provision};
use support::timing::{median, show};
use support::today;

const PLANS: usize = 500;

fn plan(n: usize) -> Plan {
    let cycle = Cycle {
        review_due: today().checked_add_days(chrono::Days::new((n % 120) as u64)),
        assessment: "Observed in class over two weeks; reading age two years behind.".repeat(3),
        outcomes: (0..4)
            .map(|o| Outcome {
                text: format!("Outcome {o}: reads a short passage with support"),
                by: None,
                measure: "Weekly reading record".into(),
            })
            .collect(),
        provision: (0..6)
            .map(|p| Provision {
                entry_id: Some(format!("entry-{p}")),
                title: format!("Strategy {p}"),
                summary: "A short daily practice with a trusted adult.".repeat(2),
                who: "Class TA".into(),
                how_often: "Daily".into(),
                how_long: "Ten minutes".into(),
                from: None,
            })
            .collect(),
        ..Cycle::default()
    };
    Plan {
        id: format!("plan-{n:016x}"),
        pupil: format!("Pupil {n}"),
        year_group: format!("Year {}", n % 11 + 1),
        phase: if n.is_multiple_of(2) {
            "primary"
        } else {
            "secondary"
        }
        .into(),
        needs: vec![["autism", "attention-adhd", "literacy-dyslexia"][n % 3].into()],
        level: "targeted".into(),
        cycles: vec![cycle.clone(), cycle],
        ..Plan::default()
    }
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 50 };
    let dir = tempfile::tempdir().unwrap();
    let library = Library::create(dir.path()).unwrap();
    let mut all: Vec<Plan> = (0..PLANS).map(plan).collect();
    library.user_db().unwrap().save_plans(&mut all).unwrap();

    let open_and_list = median(rounds, || {
        let user = library.user_db().unwrap();
        assert_eq!(
            plans::list(&user, &PlanFilter::default(), today())
                .unwrap()
                .len(),
            PLANS
        );
    });
    let user = library.user_db().unwrap();
    let filter = PlanFilter {
        query: "pupil 4".into(),
        need: Some("autism".into()),
        due: true,
        ..PlanFilter::default()
    };
    let filtered = median(rounds, || {
        plans::list(&user, &filter, today()).unwrap();
    });
    let read = median(rounds, || {
        user.plan("plan-00000000000000fa").unwrap();
    });
    let mut user = library.user_db().unwrap();
    let mut one = user.plan("plan-00000000000000fa").unwrap();
    let save = median(rounds, || {
        plans::save(&mut user, &mut one, None).unwrap();
    });
    let export = median(rounds.min(10), || {
        plans::export_json(&user, None).unwrap();
    });

    println!("| measure ({PLANS} plans, two cycles each) | median |");
    println!("|---|---|");
    println!(
        "| open user.db and list every plan | {} |",
        show(open_and_list)
    );
    println!(
        "| filter by words, need and due date | {} |",
        show(filtered)
    );
    println!("| read one plan whole | {} |", show(read));
    println!("| save one plan (one transaction) | {} |", show(save));
    println!("| export all plans as JSON | {} |", show(export));
}
