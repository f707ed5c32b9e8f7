//! The WhatsApp reachability rule in SQL: the twin of [`crate::domain::whatsapp::Reach`], for
//! queries that filter or count by it (the invoice table, the dashboard, bulk sends).

/// True for a customer row (aliased `c`) that can get a WhatsApp message: a usable number that
/// WhatsApp has not said is unknown. Mirrors `Reach::of(..) == Reach::Ready`.
pub const REACHABLE_SQL: &str = "(c.wa_number IS NOT NULL AND c.phone_status IN ('valid', 'warning') \
     AND (c.wa_exists IS NULL OR c.wa_exists = TRUE))";
