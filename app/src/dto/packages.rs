//! Internet packages (Paket): name, speed, monthly price.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageView {
    pub id: i32,
    pub name: String,
    pub speed_mbps: i32,
    /// Rupiah per month.
    pub price: i64,
    pub description: Option<String>,
    pub active: bool,
    /// Customers on this package (any status); a package in use cannot be deleted.
    pub customers: u64,
}
