//! Deterministic directory trees for mirror tests and the demo.
//!
//! [`make_tree`] creates a few hundred files of varied sizes (empty, tiny, a few KiB, some
//! hundreds of KiB) in nested folders; the same [`TreeSpec`] always gives the same tree.
//! [`modify_tree`] then changes, adds and removes some files, deterministically too.

use crate::pattern;
use std::io;
use std::path::{Path, PathBuf};

/// The shape of a generated tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeSpec {
    /// Number of files.
    pub files: usize,
    /// Number of folders (besides the root).
    pub dirs: usize,
    /// Deepest folder nesting.
    pub max_depth: usize,
    /// Largest file size in bytes (a few files get close to it).
    pub max_file_size: u64,
    /// Seed of the deterministic generator.
    pub seed: u64,
}

impl Default for TreeSpec {
    /// 300 files in 30 folders up to 4 deep, files up to 512 KiB.
    fn default() -> Self {
        TreeSpec {
            files: 300,
            dirs: 30,
            max_depth: 4,
            max_file_size: 512 * 1024,
            seed: 1,
        }
    }
}

impl TreeSpec {
    /// A small tree (40 files, 6 folders, up to 64 KiB) for quick tests.
    pub fn small() -> Self {
        TreeSpec {
            files: 40,
            dirs: 6,
            max_depth: 3,
            max_file_size: 64 * 1024,
            seed: 1,
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeFile {
    /// Path relative to the tree root, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
}

/// What [`make_tree`] created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    /// Folders relative to the root (`/` separators), parents before children.
    pub dirs: Vec<String>,
    /// Files, in creation order.
    pub files: Vec<TreeFile>,
}

impl Tree {
    /// Sum of the file sizes.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// What [`modify_tree`] changed (paths relative to the root).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeChanges {
    /// Files rewritten with new content (some with a new size).
    pub modified: Vec<String>,
    /// Files created.
    pub added: Vec<String>,
    /// Files deleted.
    pub removed: Vec<String>,
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

fn file_size(rng: &mut Rng, max: u64) -> u64 {
    match rng.below(10) {
        0 => 0,
        1..=4 => rng.below(max.min(1024) + 1),
        5..=8 => rng.below(max.min(64 * 1024) + 1),
        _ => max / 2 + rng.below(max / 2 + 1),
    }
}

/// The content of a generated file: the pattern shifted by a per-file offset, so files of
/// equal size still differ.
fn content(offset: u64, size: u64) -> Vec<u8> {
    pattern::bytes(offset, size as usize)
}

fn write_file(root: &Path, rel: &str, data: &[u8]) -> io::Result<()> {
    std::fs::write(root.join(rel), data)
}

/// Creates the tree described by `spec` under `root` (which is created if missing).
///
/// # Errors
/// Any I/O error creating folders or files.
pub fn make_tree(root: &Path, spec: &TreeSpec) -> io::Result<Tree> {
    std::fs::create_dir_all(root)?;
    let mut rng = Rng(spec.seed);
    let mut tree = Tree::default();
    let mut dirs: Vec<(String, usize)> = vec![(String::new(), 0)];
    for i in 0..spec.dirs {
        let candidates: Vec<&(String, usize)> =
            dirs.iter().filter(|(_, d)| *d < spec.max_depth).collect();
        if candidates.is_empty() {
            break;
        }
        let (parent, depth) = candidates[rng.below(candidates.len() as u64) as usize].clone();
        let name = if parent.is_empty() {
            format!("dir{i:02}")
        } else {
            format!("{parent}/dir{i:02}")
        };
        std::fs::create_dir_all(root.join(&name))?;
        tree.dirs.push(name.clone());
        dirs.push((name, depth + 1));
    }
    const EXT: [&str; 5] = ["txt", "bin", "dat", "html", "log"];
    for i in 0..spec.files {
        let (dir, _) = &dirs[rng.below(dirs.len() as u64) as usize];
        let ext = EXT[rng.below(EXT.len() as u64) as usize];
        let name = format!("file{i:04}.{ext}");
        let rel = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let size = file_size(&mut rng, spec.max_file_size);
        let offset = rng.below(251);
        write_file(root, &rel, &content(offset, size))?;
        tree.files.push(TreeFile { path: rel, size });
    }
    Ok(tree)
}

/// Modifies the tree deterministically: rewrites `count` files (content and sometimes size),
/// adds `count / 2 + 1` files and removes `count / 2 + 1` files.
///
/// # Errors
/// Any I/O error.
pub fn modify_tree(root: &Path, tree: &Tree, count: usize, seed: u64) -> io::Result<TreeChanges> {
    let mut rng = Rng(seed ^ 0x5eed);
    let mut changes = TreeChanges::default();
    let mut files: Vec<TreeFile> = tree.files.clone();
    let n_mod = count.min(files.len());
    for _ in 0..n_mod {
        if files.is_empty() {
            break;
        }
        let f = files.remove(rng.below(files.len() as u64) as usize);
        let size = if rng.below(2) == 0 {
            f.size.max(1)
        } else {
            f.size + 1 + rng.below(4096)
        };
        let mut data = content(rng.below(251), size);
        // Make sure the content differs even when the size is unchanged.
        data[0] = data[0].wrapping_add(1);
        write_file(root, &f.path, &data)?;
        changes.modified.push(f.path);
    }
    let n_rm = (count / 2 + 1).min(files.len());
    for _ in 0..n_rm {
        let f = files.remove(rng.below(files.len() as u64) as usize);
        std::fs::remove_file(root.join(&f.path))?;
        changes.removed.push(f.path);
    }
    let mut dirs: Vec<String> = vec![String::new()];
    dirs.extend(tree.dirs.iter().cloned());
    for i in 0..(count / 2 + 1) {
        let dir = &dirs[rng.below(dirs.len() as u64) as usize];
        let name = format!("added{seed}_{i:03}.bin");
        let rel = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let size = rng.below(32 * 1024);
        write_file(root, &rel, &content(rng.below(251), size))?;
        changes.added.push(rel);
    }
    Ok(changes)
}

/// Lists every file under `root` as (relative path with `/`, size), sorted — handy to
/// compare a mirror with its source.
///
/// # Errors
/// Any I/O error while walking.
pub fn list_files(root: &Path) -> io::Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)? {
            let e = e?;
            let md = e.metadata()?;
            if md.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .map_err(io::Error::other)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, md.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}
