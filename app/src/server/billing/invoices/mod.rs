//! Invoices: the monthly run, the invoice table (and its CSV export), one invoice's detail, and
//! adjustments (void, discount).

mod adjust;
mod detail;
mod export;
mod run;
mod table;

pub use adjust::*;
pub use detail::*;
pub use export::*;
pub use run::*;
pub use table::*;
