//! Extra TLS trust anchors for the whole process, shared by every leaf that speaks TLS (HTTPS,
//! FTPS): added once, they are trusted next to the webpki roots by every later connection.
//! The core keeps them as DER bytes; the leaves check and use them with rustls.

use std::sync::{Arc, RwLock};

static ROOTS: RwLock<Roots> = RwLock::new(Roots {
    der: Vec::new(),
    generation: 0,
});

struct Roots {
    der: Vec<Arc<[u8]>>,
    generation: u64,
}

/// Adds one trust anchor (a DER certificate the caller has checked); returns the new
/// generation of the set.
pub fn add_root_der(der: &[u8]) -> u64 {
    let mut r = ROOTS.write().unwrap_or_else(|p| p.into_inner());
    r.der.push(Arc::from(der));
    r.generation += 1;
    r.generation
}

/// The generation of the set (it changes with every addition, so leaves can cache the TLS
/// configurations built from it).
pub fn generation() -> u64 {
    ROOTS.read().unwrap_or_else(|p| p.into_inner()).generation
}

/// The added trust anchors, as DER.
pub fn roots_der() -> Vec<Arc<[u8]>> {
    ROOTS.read().unwrap_or_else(|p| p.into_inner()).der.clone()
}
