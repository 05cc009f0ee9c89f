//! Generated trees and the byte pattern.

use hinternet_testkit::pattern::{self, Verifier};
use hinternet_testkit::tree::{TreeSpec, list_files, make_tree, modify_tree};

#[test]
fn tree_is_deterministic_and_varied() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let spec = TreeSpec::default();
    let ta = make_tree(a.path(), &spec).unwrap();
    let tb = make_tree(b.path(), &spec).unwrap();
    assert_eq!(ta, tb);
    assert_eq!(ta.files.len(), 300);
    assert!(ta.dirs.len() >= 10);
    assert!(
        ta.dirs.iter().any(|d| d.matches('/').count() >= 2),
        "nested folders"
    );
    assert!(ta.files.iter().any(|f| f.size == 0));
    assert!(ta.files.iter().any(|f| f.size > 256 * 1024));
    let la = list_files(a.path()).unwrap();
    assert_eq!(la, list_files(b.path()).unwrap());
    assert_eq!(la.len(), 300);
    for f in &ta.files[..20] {
        assert_eq!(
            std::fs::read(a.path().join(&f.path)).unwrap(),
            std::fs::read(b.path().join(&f.path)).unwrap()
        );
    }
    let other = make_tree(
        tempfile::tempdir().unwrap().path(),
        &TreeSpec { seed: 2, ..spec },
    )
    .unwrap();
    assert_ne!(other, ta);
}

#[test]
fn modify_changes_adds_and_removes() {
    let a = tempfile::tempdir().unwrap();
    let tree = make_tree(a.path(), &TreeSpec::small()).unwrap();
    let before: Vec<(String, Vec<u8>)> = tree
        .files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                std::fs::read(a.path().join(&f.path)).unwrap(),
            )
        })
        .collect();
    let ch = modify_tree(a.path(), &tree, 6, 7).unwrap();
    assert_eq!(ch.modified.len(), 6);
    assert_eq!(ch.removed.len(), 4);
    assert_eq!(ch.added.len(), 4);
    for (p, old) in &before {
        let now = std::fs::read(a.path().join(p));
        if ch.removed.contains(p) {
            assert!(now.is_err());
        } else if ch.modified.contains(p) {
            assert_ne!(&now.unwrap(), old, "{p}");
        } else {
            assert_eq!(&now.unwrap(), old, "{p}");
        }
    }
    for p in &ch.added {
        assert!(a.path().join(p).is_file());
    }
    assert_eq!(list_files(a.path()).unwrap().len(), 40 - 4 + 4);
}

#[test]
fn pattern_helpers_agree() {
    let v = pattern::bytes(1000, 5000);
    assert_eq!(pattern::check(1000, &v), None);
    assert_eq!(pattern::check(1001, &v), Some(0));
    assert_eq!(v[0], pattern::byte_at(1000));
    assert_eq!(pattern::byte_at(7), pattern::byte_at(7 + 251));
    let mut ver = Verifier::at(1000);
    ver.update(&v[..10]);
    ver.update(&v[10..]);
    assert!(ver.is_ok());
    assert_eq!(ver.offset(), 6000);
    let mut bad = v.clone();
    bad[77] ^= 1;
    let mut ver = Verifier::at(1000);
    ver.update(&bad);
    assert_eq!(ver.first_error(), Some(1077));
}
