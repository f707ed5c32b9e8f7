//! The engine's check just before a statement goes: the customers' statements are read again;
//! paid meanwhile → not sent ("sudah lunas"); the amount changed → the message is rendered
//! again with today's figures, and the report says so.

use super::statement::{Bodies, addressees, day_start, history, render};
use crate::{
    domain::{money::rupiah, statement::Statement},
    server::{
        billing::clock,
        engine::{Recheck, Verdict},
        entity::{send_item_customers as covered, send_items},
        settings,
    },
};
use async_trait::async_trait;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

pub struct StatementRecheck {
    db: DatabaseConnection,
    tz: chrono_tz::Tz,
}

impl StatementRecheck {
    pub fn new(db: DatabaseConnection, tz: chrono_tz::Tz) -> Self {
        Self { db, tz }
    }
}

/// For the report: "Sudah lunas …".
pub const PAID_NOTE: &str = "Sudah lunas sebelum gilirannya; pesan tidak dikirim.";

#[async_trait]
impl Recheck for StatementRecheck {
    async fn recheck(&self, item: &send_items::Model) -> Result<Verdict, DbErr> {
        let Some(queued_total) = item.statement_total else {
            return Ok(Verdict::Send);
        };
        let db = &self.db;
        let mut customers: Vec<i32> = covered::Entity::find()
            .select_only()
            .column(covered::Column::CustomerId)
            .filter(covered::Column::ItemId.eq(item.id))
            .into_tuple()
            .all(db)
            .await?;
        if customers.is_empty() {
            customers.extend(item.customer_id);
        }
        let mut people = addressees(db, &customers)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        // Keep the message's order of customers; those who owe nothing now drop out of it.
        let owing: Vec<Statement> = customers
            .iter()
            .filter_map(|c| people.remove(c).map(|a| a.statement))
            .filter(|s| !s.is_settled())
            .collect();
        let total: i64 = owing.iter().map(Statement::owed).sum();
        if total == 0 {
            return Ok(Verdict::Skip {
                note: PAID_NOTE.into(),
            });
        }
        if total == queued_total && owing.len() == customers.len() {
            return Ok(Verdict::Send);
        }
        let today = clock::today(self.tz);
        let sent = history(db, &customers, day_start(today, self.tz))
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        let members: Vec<_> = owing.iter().map(|s| (s, sent.kind_for(s, today))).collect();
        let company = settings::company(db).await?;
        let body = render(db, &mut Bodies::default(), &members, &company, today)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(Verdict::Rewrite {
            body,
            total,
            note: format!(
                "Jumlah berubah dari {} menjadi {} sebelum dikirim; pesan dibuat ulang dengan angka terbaru.",
                rupiah(queued_total),
                rupiah(total)
            ),
        })
    }
}
