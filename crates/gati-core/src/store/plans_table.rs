//! Support plans in `user.db`: each saved whole, in one statement or one transaction, so that a
//! plan is never half written whatever stops the program.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};

use super::user_db::UserDb;
use crate::error::{AtPath, Error, Result};
use crate::plans::{Plan, PlanRow};

impl UserDb {
    /// Every plan not deleted, as the list shows it, without reading the plans themselves.
    pub fn plan_rows(&self) -> Result<Vec<PlanRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, pupil, year_group, phase, level, needs, review_due, cycle, updated
                 FROM plans WHERE deleted = 0",
            )
            .at(&self.path)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PlanRow {
                    id: r.get(0)?,
                    pupil: r.get(1)?,
                    year_group: r.get(2)?,
                    phase: r.get(3)?,
                    level: r.get(4)?,
                    needs: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    review_due: r.get::<_, Option<String>>(6)?.and_then(|d| d.parse().ok()),
                    cycle: r.get(7)?,
                    updated: r.get(8)?,
                })
            })
            .at(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .at(&self.path)?;
        Ok(rows)
    }

    /// One plan, deleted or not.
    pub fn plan(&self, id: &str) -> Result<Plan> {
        let data: Option<String> = self
            .conn
            .query_row("SELECT data FROM plans WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .at(&self.path)?;
        let data = data.ok_or_else(|| {
            Error::NotFound(format!(
                "no plan has the id `{}`",
                crate::printable::echo(id)
            ))
        })?;
        serde_json::from_str(&data).map_err(|e| Error::Storage {
            path: self.path.clone(),
            message: format!("the plan `{id}` cannot be read: {e}"),
        })
    }

    /// Saves plans whole, in one transaction: all of them or none. Each one's `updated` is set
    /// to now. The caller has checked them.
    pub fn save_plans(&mut self, plans: &mut [Plan]) -> Result<()> {
        let now = Utc::now().to_rfc3339();
        let tx = self.conn.transaction().at(&self.path)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO plans (id, data, pupil, year_group, phase, level, needs, review_due, cycle, updated, deleted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
                     ON CONFLICT (id) DO UPDATE SET data = excluded.data, pupil = excluded.pupil,
                        year_group = excluded.year_group, phase = excluded.phase, level = excluded.level,
                        needs = excluded.needs, review_due = excluded.review_due, cycle = excluded.cycle,
                        updated = excluded.updated, deleted = 0",
                )
                .at(&self.path)?;
            for plan in plans.iter_mut() {
                plan.updated = now.clone();
                stmt.execute(params![
                    plan.id,
                    serde_json::to_string(plan).expect("a plan serialises"),
                    plan.pupil,
                    plan.year_group,
                    plan.phase,
                    plan.level,
                    serde_json::to_string(&plan.needs).expect("codes serialise"),
                    plan.review_due().map(|d| d.to_string()),
                    plan.cycles.len() as i64,
                    plan.updated,
                ])
                .at(&self.path)?;
            }
        }
        tx.commit().at(&self.path)
    }

    /// Marks a plan deleted, or brings it back. Deleted plans go for good when `user.db` is next
    /// opened.
    pub fn set_plan_deleted(&self, id: &str, deleted: bool) -> Result<()> {
        let changed = self
            .conn
            .execute(
                "UPDATE plans SET deleted = ?2 WHERE id = ?1",
                params![id, i64::from(deleted)],
            )
            .at(&self.path)?;
        if changed == 0 {
            return Err(Error::NotFound(format!(
                "no plan has the id `{}`",
                crate::printable::echo(id)
            )));
        }
        Ok(())
    }

    pub(super) fn purge_deleted_plans(&self) -> Result<()> {
        self.conn
            .execute("DELETE FROM plans WHERE deleted = 1", [])
            .map(drop)
            .at(&self.path)
    }
}
