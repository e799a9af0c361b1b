//! The randomized differential tester.
//!
//! A seeded generator writes a mutator program: allocate nodes, pointer
//! arrays and byte buffers into shadow-stack slots, link and unlink fields
//! (through `RGC_STORE`), load fields into slots, push and pop frames,
//! collect, step, and check. `c/difftest.c` executes it against a collector
//! through the C ABI; [`Model`] executes it in plain Rust. After every check
//! both report the number of reachable objects and an order-independent
//! digest of their ids and edges, and the C side also verifies every
//! reachable object's payload; after every collection a precise collector's
//! live bytes and objects must equal the model's reachable ones.
//!
//! A failing program is shrunk ([`minimize`]) to a short reproducer that
//! `rgc-difftest --replay FILE --gc NAME` runs again.
//!
//! Program grammar (one op per line; slots are numbered across all frames,
//! bottom first; ids encode their kind as `id*4 + kind`):
//! ```text
//! F n        push a frame of n slots        P          pop the top frame (never the last)
//! N s id     slot s = new node              A s id len slot s = new pointer array
//! B s id len slot s = new byte buffer       C s        slot s = NULL
//! L s f t    field f of slot s's object = slot t     U s f   field f = NULL
//! G s t f    slot s = field f of slot t's object
//! Y s id k a slot s = the first of a ring of k new objects, each one's
//!            field 0 pointing to the next and the last to the first (k = 1:
//!            a self-loop); a = 1 alternates nodes with 2-item arrays; ids
//!            id, id+4, ... (kinds added)
//! X          full collection                S ns       rgc_step(ns)
//! K          check
//! ```
//! An op whose slot or field does not exist is a no-op, on both sides.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rgc_cli::CollectorInfo;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Frame(usize),
    Pop,
    Node(usize, u64),
    Array(usize, u64, usize),
    Bytes(usize, u64, usize),
    Link(usize, usize, usize),
    Unlink(usize, usize),
    Load(usize, usize, usize),
    Ring(usize, u64, usize, bool),
    Clear(usize),
    Collect,
    Step(u64),
    Check,
}

const KIND_NODE: u64 = 1;
const KIND_ARR: u64 = 2;
const KIND_BYTES: u64 = 3;
const MAX_FRAMES: usize = 64;

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Op::Frame(n) => write!(f, "F {n}"),
            Op::Pop => write!(f, "P"),
            Op::Node(s, id) => write!(f, "N {s} {id}"),
            Op::Array(s, id, len) => write!(f, "A {s} {id} {len}"),
            Op::Bytes(s, id, len) => write!(f, "B {s} {id} {len}"),
            Op::Link(s, fi, t) => write!(f, "L {s} {fi} {t}"),
            Op::Unlink(s, fi) => write!(f, "U {s} {fi}"),
            Op::Load(s, t, fi) => write!(f, "G {s} {t} {fi}"),
            Op::Ring(s, id, k, arrays) => write!(f, "Y {s} {id} {k} {}", arrays as u8),
            Op::Clear(s) => write!(f, "C {s}"),
            Op::Collect => write!(f, "X"),
            Op::Step(ns) => write!(f, "S {ns}"),
            Op::Check => write!(f, "K"),
        }
    }
}

/// Renders a program in the grammar above.
pub fn render(ops: &[Op]) -> String {
    let mut s = String::new();
    for op in ops {
        writeln!(s, "{op}").unwrap();
    }
    s
}

/// Parses a program written by [`render`].
pub fn parse(text: &str) -> Result<Vec<Op>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let n = |i: usize| -> Result<u64, String> {
                w.get(i).and_then(|x| x.parse().ok()).ok_or_else(|| format!("bad line '{line}'"))
            };
            let u = |i: usize| n(i).map(|v| v as usize);
            Ok(match w[0] {
                "F" => Op::Frame(u(1)?),
                "P" => Op::Pop,
                "N" => Op::Node(u(1)?, n(2)?),
                "A" => Op::Array(u(1)?, n(2)?, u(3)?),
                "B" => Op::Bytes(u(1)?, n(2)?, u(3)?),
                "L" => Op::Link(u(1)?, u(2)?, u(3)?),
                "U" => Op::Unlink(u(1)?, u(2)?),
                "G" => Op::Load(u(1)?, u(2)?, u(3)?),
                "Y" => Op::Ring(u(1)?, n(2)?, u(3)?, n(4)? != 0),
                "C" => Op::Clear(u(1)?),
                "X" => Op::Collect,
                "S" => Op::Step(n(1)?),
                "K" => Op::Check,
                _ => return Err(format!("unknown op in '{line}'")),
            })
        })
        .collect()
}

struct Obj {
    fields: Vec<Option<u64>>,
    bytes: u64,
}

/// The reference model: what a correct collector must preserve.
#[derive(Default)]
pub struct Model {
    frames: Vec<usize>,
    slots: Vec<Option<u64>>,
    objects: HashMap<u64, Obj>,
}

/// Id of the `i`-th object of a ring starting at id `base` (a node id).
fn ring_id(base: u64, i: usize, arrays: bool) -> u64 {
    let kind = if arrays && i % 2 == 1 { KIND_ARR } else { KIND_NODE };
    (base / 4 + i as u64) * 4 + kind
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ceb9fe1a85ec53);
    h ^ (h >> 33)
}

impl Model {
    fn obj_in(&self, s: usize) -> Option<u64> {
        self.slots.get(s).copied().flatten()
    }

    fn reachable(&self) -> Vec<u64> {
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<u64> = self.slots.iter().flatten().copied().collect();
        let mut out = Vec::new();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                out.push(id);
                stack.extend(self.objects[&id].fields.iter().flatten());
            }
        }
        out
    }

    /// Applies one op; returns the line `difftest.c` must print for it.
    pub fn apply(&mut self, op: Op) -> Option<String> {
        let nslots = self.slots.len();
        match op {
            Op::Frame(n) if self.frames.len() < MAX_FRAMES && n > 0 => {
                self.frames.push(n);
                self.slots.resize(nslots + n, None);
            }
            Op::Pop if self.frames.len() > 1 => {
                let n = self.frames.pop().unwrap();
                self.slots.truncate(nslots - n);
            }
            Op::Node(s, id) if s < nslots => {
                self.objects.insert(id, Obj { fields: vec![None; 2], bytes: 40 });
                self.slots[s] = Some(id);
            }
            Op::Array(s, id, len) if s < nslots => {
                self.objects.insert(id, Obj { fields: vec![None; len], bytes: 24 + 8 * len as u64 });
                self.slots[s] = Some(id);
            }
            Op::Bytes(s, id, len) if s < nslots => {
                self.objects.insert(id, Obj { fields: Vec::new(), bytes: len as u64 });
                self.slots[s] = Some(id);
            }
            Op::Link(s, f, t) if t < nslots => {
                let v = self.slots[t];
                if let Some(o) = self.obj_in(s).and_then(|id| self.objects.get_mut(&id)) {
                    if f < o.fields.len() {
                        o.fields[f] = v;
                    }
                }
            }
            Op::Unlink(s, f) => {
                if let Some(o) = self.obj_in(s).and_then(|id| self.objects.get_mut(&id)) {
                    if f < o.fields.len() {
                        o.fields[f] = None;
                    }
                }
            }
            Op::Load(s, t, f) if s < nslots => {
                if let Some(o) = self.obj_in(t).map(|id| &self.objects[&id]) {
                    if f < o.fields.len() {
                        self.slots[s] = o.fields[f];
                    }
                }
            }
            Op::Ring(s, base, k, arrays) if s < nslots && k > 0 => {
                let ids: Vec<u64> = (0..k).map(|i| ring_id(base, i, arrays)).collect();
                for (i, &id) in ids.iter().enumerate() {
                    let next = Some(ids[(i + 1) % k]);
                    let bytes = if id & 3 == KIND_ARR { 24 + 16 } else { 40 };
                    self.objects.insert(id, Obj { fields: vec![next, None], bytes });
                }
                self.slots[s] = Some(ids[0]);
            }
            Op::Clear(s) if s < nslots => self.slots[s] = None,
            Op::Collect => {
                let live = self.reachable();
                let bytes: u64 = live.iter().map(|id| self.objects[id].bytes).sum();
                // Forget the dead: their ids can never be reached again.
                let keep: std::collections::HashSet<u64> = live.iter().copied().collect();
                self.objects.retain(|id, _| keep.contains(id));
                return Some(format!("live {bytes} {}", live.len()));
            }
            Op::Check => return Some(self.check_line()),
            _ => {}
        }
        None
    }

    fn check_line(&self) -> String {
        let live = self.reachable();
        let mut digest = 0u64;
        for id in &live {
            let mut h = mix(*id);
            for (f, c) in self.objects[id].fields.iter().enumerate() {
                let cid = c.map_or(0, |c| c + 1);
                h = mix(h ^ cid ^ ((f as u64) << 48));
            }
            digest = digest.wrapping_add(h);
        }
        format!("check {} {digest}", live.len())
    }

    /// The complete expected output of a program.
    pub fn expected(ops: &[Op]) -> Vec<String> {
        let mut m = Model::default();
        let mut out: Vec<String> = ops.iter().filter_map(|&op| m.apply(op)).collect();
        out.push(m.check_line());
        out
    }
}

/// How often each kind of op is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// A bit of everything, including full collections.
    Balanced,
    /// Mostly loads, stores and unlinks and no full collections, so that
    /// an incremental cycle (started by allocation) sees the graph change
    /// between its increments: the programs that catch a missing barrier.
    Mutation,
    /// Rings of every size (self-loops, through arrays) built, linked into
    /// each other and dropped: the programs for a cycle collector.
    Cycles,
}

impl Mix {
    /// Percent weights of: node, array, bytes, link, unlink, load, clear,
    /// frame, pop, collect, step, check, ring.
    fn weights(self) -> [u32; 13] {
        match self {
            Mix::Balanced => [23, 5, 4, 24, 5, 15, 6, 3, 3, 2, 2, 5, 3],
            Mix::Mutation => [14, 4, 2, 28, 12, 26, 4, 2, 2, 0, 2, 4, 0],
            Mix::Cycles => [8, 3, 2, 20, 8, 14, 12, 4, 4, 3, 3, 5, 14],
        }
    }

    /// The op kind (index into [`Mix::weights`]) for a roll in 0..100.
    fn kind(self, roll: u32) -> usize {
        let mut acc = 0;
        for (i, w) in self.weights().into_iter().enumerate() {
            acc += w;
            if roll < acc {
                return i;
            }
        }
        12
    }
}

/// Generates a program of about `len` ops from `seed`.
pub fn generate(seed: u64, len: usize, mix: Mix) -> Vec<Op> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut model = Model::default();
    let mut ops = Vec::with_capacity(len + 1);
    let mut next_id = 1u64;
    let push = |op: Op, model: &mut Model, ops: &mut Vec<Op>| {
        model.apply(op);
        ops.push(op);
    };
    push(Op::Frame(rng.gen_range(4..10)), &mut model, &mut ops);
    while ops.len() < len {
        let n = model.slots.len();
        let s = rng.gen_range(0..n);
        let t = rng.gen_range(0..n);
        let fields = |m: &Model, s: usize| m.obj_in(s).map_or(0, |id| m.objects[&id].fields.len());
        let pick_field = |rng: &mut StdRng, k: usize| if k == 0 { 0 } else { rng.gen_range(0..k) };
        let roll = mix.kind(rng.gen_range(0..100));
        let mut id = |kind: u64| {
            next_id += 1;
            next_id * 4 + kind
        };
        let op = match roll {
            0 => Op::Node(s, id(KIND_NODE)),
            1 => {
                let len = if rng.gen_bool(0.1) { rng.gen_range(1000..3000) } else { rng.gen_range(0..40) };
                Op::Array(s, id(KIND_ARR), len)
            }
            2 => {
                let len = if rng.gen_bool(0.1) { rng.gen_range(9000..20000) } else { rng.gen_range(16..200) };
                Op::Bytes(s, id(KIND_BYTES), len)
            }
            3 => {
                let k = fields(&model, s);
                Op::Link(s, pick_field(&mut rng, k), t)
            }
            4 => {
                let k = fields(&model, s);
                Op::Unlink(s, pick_field(&mut rng, k))
            }
            5 => {
                let k = fields(&model, t);
                Op::Load(s, t, pick_field(&mut rng, k))
            }
            6 => Op::Clear(s),
            7 => Op::Frame(rng.gen_range(1..6)),
            8 => Op::Pop,
            9 => Op::Collect,
            10 => Op::Step(rng.gen_range(1_000..1_000_000)),
            11 => Op::Check,
            _ => {
                let k = if rng.gen_bool(0.1) { rng.gen_range(9..200) } else { rng.gen_range(1..9) };
                let base = (next_id + 1) * 4 + KIND_NODE;
                next_id += k as u64;
                Op::Ring(s, base, k, rng.gen_bool(0.4))
            }
        };
        push(op, &mut model, &mut ops);
    }
    ops
}

/// Runs `ops` with the difftest binary and compares with the model. A
/// precise collector's `live` lines must equal the model's; a conservative
/// one's must cover the reachable objects and bytes (nothing reachable
/// freed: the object checks also verify every reachable payload). How much
/// garbage it may keep is not bounded here: one stale word keeps a whole
/// ring alive. The conformance suite bounds it after dropping everything
/// (`reclaim_exact.c`). A collector that never collects has no `live`
/// lines worth comparing.
pub fn run_program(exe: &Path, info: &CollectorInfo, ops: &[Op], env: &[(&str, &str)]) -> Result<(), String> {
    let gc = info.name;
    let dir = std::env::temp_dir().join(format!("rgc-difftest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{gc}-{:?}.ops", std::thread::current().id()).replace(['(', ')'], ""));
    std::fs::write(&file, render(ops)).map_err(|e| e.to_string())?;
    let out = crate::run(gc, exe, &[file.to_str().unwrap()], env);
    let keep = |l: &&str| info.precise || info.collects || !l.starts_with("live ");
    let got: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().filter(keep).map(String::from).collect();
    let want: Vec<String> = Model::expected(ops).iter().map(String::as_str).filter(keep).map(String::from).collect();
    let agree = |(a, b): (&String, &String)| a == b || (!info.precise && live_covers_reachable(a, b));
    let same = got.len() == want.len() && got.iter().zip(&want).all(agree);
    if !out.status.success() || !same {
        let first = got.iter().zip(&want).position(|p| !agree(p)).unwrap_or(got.len().min(want.len()));
        return Err(format!(
            "status {:?}; output line {first}: got {:?}, model says {:?}\nstderr: {}",
            out.status,
            got.get(first),
            want.get(first),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// For a conservative collector: `got` ("live B O") keeps at least the
/// model's reachable bytes and objects.
fn live_covers_reachable(got: &str, want: &str) -> bool {
    let parse = |l: &str| -> Option<(u64, u64)> {
        let mut w = l.strip_prefix("live ")?.split(' ');
        Some((w.next()?.parse().ok()?, w.next()?.parse().ok()?))
    };
    match (parse(got), parse(want)) {
        (Some((bytes, objects)), Some((reachable_bytes, reachable))) => {
            bytes >= reachable_bytes && objects >= reachable
        }
        _ => false,
    }
}

/// Shrinks a failing program: removes chunks of ops while it still fails.
pub fn minimize(ops: &[Op], fails: &mut dyn FnMut(&[Op]) -> bool, max_runs: usize) -> Vec<Op> {
    let mut best = ops.to_vec();
    let mut runs = 0;
    let mut chunk = best.len() / 2;
    while chunk >= 1 && runs < max_runs {
        let mut i = 0;
        while i < best.len() && runs < max_runs {
            let mut candidate = best.clone();
            candidate.drain(i..(i + chunk).min(best.len()));
            runs += 1;
            if fails(&candidate) {
                best = candidate;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    best
}

/// Runs seeds `seeds` against `gc`; on the first failure returns a report
/// with the minimised reproducer.
pub fn check_seeds(
    gc: &str,
    seeds: std::ops::Range<u64>,
    len: usize,
    env: &[(&str, &str)],
    mix: Mix,
) -> Result<u64, String> {
    let info = rgc_cli::find_collector(gc)?;
    let exe = crate::build(gc, "difftest");
    let mut ran = 0;
    for seed in seeds {
        let ops = generate(seed, len, mix);
        if let Err(first) = run_program(&exe, info, &ops, env) {
            let mut fails = |p: &[Op]| run_program(&exe, info, p, env).is_err();
            let small = minimize(&ops, &mut fails, 3000);
            let why = run_program(&exe, info, &small, env).err().unwrap_or_default();
            return Err(format!(
                "--gc={gc} seed {seed} ({mix:?} mix, env {env:?}) fails: {first}\n\nminimal reproducer ({} ops; save it and run \
                 `cargo run -p rgc-tests --bin rgc-difftest -- --gc {gc} --replay FILE`):\n{}\nit fails with: {why}",
                small.len(),
                render(&small)
            ));
        }
        ran += 1;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_parse_roundtrip() {
        let ops = generate(7, 300, Mix::Balanced);
        assert_eq!(parse(&render(&ops)).unwrap(), ops);
    }

    #[test]
    fn model_tracks_reachability() {
        let ops = parse("F 3\nN 0 5\nN 1 9\nL 0 0 1\nC 1\nX\nU 0 0\nX\nK\n").unwrap();
        let out = Model::expected(&ops);
        assert_eq!(&out[..2], ["live 80 2", "live 40 1"]);
        assert!(out[2].starts_with("check 1 "), "{out:?}");
        assert_eq!(out[2], out[3], "the final check repeats the last one");
    }

    #[test]
    fn minimizer_finds_the_culprit() {
        let ops = generate(3, 200, Mix::Balanced);
        let culprit = ops[137];
        let small = minimize(&ops, &mut |p| p.contains(&culprit), 10_000);
        assert_eq!(small, [culprit]);
    }
}
