//! Saved templates: the admin's text per kind, or the built-in default.

use super::template::{self, TemplateError};
use crate::{domain::messages::TemplateKind, server::entity::message_templates as mt};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

/// The body in use for `kind`, and whether it is the admin's own (not the default).
pub async fn body(db: &impl ConnectionTrait, kind: TemplateKind) -> Result<(String, bool), DbErr> {
    let row = mt::Entity::find()
        .filter(mt::Column::Kind.eq(kind.code()))
        .one(db)
        .await?;
    Ok(match row {
        Some(r) => (r.body, true),
        None => (kind.default_body().to_owned(), false),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Saves after validation; an invalid template changes nothing.
pub async fn save(
    db: &impl ConnectionTrait,
    kind: TemplateKind,
    body: &str,
    user_id: Option<i32>,
) -> Result<(), SaveError> {
    // Windows line endings from a pasted text would show as stray characters on some phones.
    let body = body.replace("\r\n", "\n");
    template::validate(kind, &body)?;
    mt::Entity::insert(mt::ActiveModel {
        kind: Set(kind.code().to_owned()),
        body: Set(body),
        updated_by: Set(user_id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(mt::Column::Kind)
            .update_columns([
                mt::Column::Body,
                mt::Column::UpdatedBy,
                mt::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Back to the built-in default.
pub async fn reset(db: &impl ConnectionTrait, kind: TemplateKind) -> Result<(), DbErr> {
    mt::Entity::delete_many()
        .filter(mt::Column::Kind.eq(kind.code()))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing;

    #[tokio::test]
    async fn saved_templates_replace_the_default_and_bad_ones_change_nothing() {
        for t in testing::all().await {
            let db = &t.db;
            let k = TemplateKind::Reminder;
            assert_eq!(
                body(db, k).await.unwrap(),
                (k.default_body().to_owned(), false)
            );
            save(db, k, "Halo {{ nama }}\r\nbayar {{ sisa_bayar }}", Some(1))
                .await
                .unwrap();
            assert_eq!(
                body(db, k).await.unwrap(),
                ("Halo {{ nama }}\nbayar {{ sisa_bayar }}".to_owned(), true)
            );
            let err = save(db, k, "Halo {{ nama }}\n{{ rekening }}", None)
                .await
                .unwrap_err();
            assert!(
                matches!(err, SaveError::Template(ref e) if e.line == Some(2)),
                "{err}"
            );
            assert_eq!(
                body(db, k).await.unwrap().0,
                "Halo {{ nama }}\nbayar {{ sisa_bayar }}"
            );
            reset(db, k).await.unwrap();
            assert!(!body(db, k).await.unwrap().1);
            t.cleanup().await;
        }
    }
}
