//! Pengaturan: company and payment details, the sending policy.
use crate::dto::settings::PolicyForm;

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{domain::company::CompanySettings, error::AppError};
use leptos::prelude::*;

#[server(endpoint = "settings/company")]
pub async fn get_company() -> Result<CompanySettings, AppError> {
    use crate::server::{ctx, settings};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(settings::company(&state.db).await?)
    })
    .await
}

#[server(endpoint = "settings/company-save", input = server_fn::codec::Json)]
pub async fn save_company(company: CompanySettings) -> Result<CompanySettings, AppError> {
    use crate::server::{ctx, settings};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let company = company.cleaned();
        company.validate().into_result()?;
        settings::set(&state.db, settings::COMPANY, &company).await?;
        tracing::info!(user = %user.username, "company settings saved");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::SettingsChange,
            "data usaha",
            "",
        )
        .await;
        Ok(company)
    })
    .await
}

#[server(endpoint = "settings/policy")]
pub async fn get_policy() -> Result<PolicyForm, AppError> {
    use crate::server::{ctx, engine::policy};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(PolicyForm::from_policy(&policy::load(&state.db).await?))
    })
    .await
}

#[server(endpoint = "settings/policy-save", input = server_fn::codec::Json)]
pub async fn save_policy(form: PolicyForm) -> Result<PolicyForm, AppError> {
    use crate::server::{ctx, engine::policy};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let p = form.to_policy()?;
        policy::save(&state.db, &p).await?;
        state.engine.wake();
        tracing::info!(user = %user.username, "sending policy saved");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::SettingsChange,
            "kebijakan pengiriman",
            "",
        )
        .await;
        Ok(PolicyForm::from_policy(&p))
    })
    .await
}

/// How many days a message's text is kept after it left (default 90).
#[server(endpoint = "settings/retention")]
pub async fn get_retention() -> Result<u32, AppError> {
    use crate::server::{ctx, retention};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(retention::days(&state.db).await?)
    })
    .await
}

#[server(endpoint = "settings/retention-save")]
pub async fn save_retention(days: String) -> Result<u32, AppError> {
    use crate::server::{ctx, retention};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let parsed = days
            .trim()
            .parse::<u32>()
            .map_err(|_| AppError::field("days", "Isi dengan jumlah hari (angka)."))?;
        retention::check(parsed).map_err(|m| AppError::field("days", m))?;
        retention::set_days(&state.db, parsed).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::SettingsChange,
            "masa simpan pesan",
            format!("{parsed} hari"),
        )
        .await;
        Ok(parsed)
    })
    .await
}

/// The unique transfer code setting.
#[server(endpoint = "settings/transfer-code")]
pub async fn get_transfer_code() -> Result<crate::domain::transfer::TransferCodeSettings, AppError>
{
    use crate::server::{billing::transfer_code, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(transfer_code::load(&state.db).await?)
    })
    .await
}

#[server(endpoint = "settings/transfer-code-save", input = server_fn::codec::Json)]
pub async fn save_transfer_code(
    form: crate::domain::transfer::TransferCodeSettings,
) -> Result<(), AppError> {
    use crate::server::{billing::transfer_code, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        transfer_code::save(&state.db, &form).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::SettingsChange,
            "kode unik transfer",
            if form.enabled { "aktif" } else { "nonaktif" },
        )
        .await;
        Ok(())
    })
    .await
}

/// The QRIS image customers see on their statement page (a `data:` URL), if uploaded.
#[server(endpoint = "settings/qris")]
pub async fn get_qris() -> Result<Option<String>, AppError> {
    use crate::server::{billing::statement_link, ctx, settings};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(settings::get::<String>(&state.db, statement_link::KEY_QRIS).await?)
    })
    .await
}

/// Saves the QRIS image (PNG or JPEG as a `data:` URL, at most 500 KB); empty removes it.
#[server(endpoint = "settings/qris-save", input = server_fn::codec::Json)]
pub async fn save_qris(image: String) -> Result<(), AppError> {
    use crate::server::{billing::statement_link, ctx, settings};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        if image.is_empty() {
            settings::delete(&state.db, statement_link::KEY_QRIS).await?;
        } else {
            let clean = statement_link::check_qris(&image).map_err(|m| {
                let mut e = crate::error::FieldErrors::new();
                e.add("qris", m);
                AppError::Validation(e)
            })?;
            settings::set(&state.db, statement_link::KEY_QRIS, &clean).await?;
        }
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::SettingsChange,
            "gambar QRIS",
            if image.is_empty() {
                "dihapus"
            } else {
                "diunggah"
            },
        )
        .await;
        Ok(())
    })
    .await
}
