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
//! > t s      send slot s's value to thread t   < t s    slot s = receive from thread t
//! ```
//! An op whose slot or field does not exist is a no-op, on both sides.
//!
//! **Threaded programs** ([`Threaded`]) start with `T n`; `@ i` starts the
//! ops of thread `i`. Each thread runs on its own attached thread with its
//! own frames, against its own [`Model`]. Ids carry their thread (bits 40
//! and up of `id / 4`): a thread links, unlinks and loads only its own
//! objects, and its checks count and traverse only its own (another
//! thread's object is checked for its payload and counted in a digest by
//! its id), so each thread's output does not depend on timing. Objects
//! cross threads through bounded FIFO channels (`>` and `<`, [`CHANNEL_CAP`]
//! entries, waiting while full or empty), so what a thread receives is
//! fixed by the sender's program. At the end every thread leaves its slots
//! in global roots and one full collection must find exactly the union of
//! what all threads and channels reach ([`expected_threaded`]).

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
    Send(usize, usize),
    Recv(usize, usize),
}

/// Entries a channel holds before its sender waits (`CHAN_CAP` in difftest.c).
pub const CHANNEL_CAP: usize = 4;

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
            Op::Send(t, s) => write!(f, "> {t} {s}"),
            Op::Recv(t, s) => write!(f, "< {t} {s}"),
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
                ">" => Op::Send(u(1)?, u(2)?),
                "<" => Op::Recv(u(1)?, u(2)?),
                _ => return Err(format!("unknown op in '{line}'")),
            })
        })
        .collect()
}

struct Obj {
    fields: Vec<Option<u64>>,
    bytes: u64,
}

/// The reference model: what a correct collector must preserve. In a
/// threaded program, one thread's: `objects` holds its own objects only.
#[derive(Default)]
pub struct Model {
    frames: Vec<usize>,
    slots: Vec<Option<u64>>,
    objects: HashMap<u64, Obj>,
    /// Part of a threaded program: full collections print nothing and
    /// forget nothing (another thread may still reach this one's objects).
    threaded: bool,
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

    /// The objects of this model reachable from its slots (another
    /// thread's objects are not traversed).
    fn reachable(&self) -> Vec<u64> {
        reachable_in(self.slots.iter().flatten().copied(), |id| self.objects.get(&id))
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
                if let Some(o) = self.obj_in(t).and_then(|id| self.objects.get(&id)) {
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
            Op::Collect if self.threaded => {}
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

/// The ids reachable from `roots` through the objects `get` knows.
fn reachable_in<'a>(roots: impl Iterator<Item = u64>, get: impl Fn(u64) -> Option<&'a Obj>) -> Vec<u64> {
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<u64> = roots.collect();
    let mut out = Vec::new();
    while let Some(id) = stack.pop() {
        let Some(o) = get(id) else { continue };
        if seen.insert(id) {
            out.push(id);
            stack.extend(o.fields.iter().flatten());
        }
    }
    out
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
    let first = Op::Frame(rng.gen_range(4..10));
    model.apply(first);
    ops.push(first);
    while ops.len() < len {
        let op = next_op(&mut rng, &model, &mut next_id, mix);
        model.apply(op);
        ops.push(op);
    }
    ops
}

/// One random op for `model`'s program; new ids come from `next_id`.
fn next_op(rng: &mut StdRng, model: &Model, next_id: &mut u64, mix: Mix) -> Op {
    let n = model.slots.len();
    let s = rng.gen_range(0..n);
    let t = rng.gen_range(0..n);
    let fields = |m: &Model, s: usize| m.obj_in(s).and_then(|id| m.objects.get(&id)).map_or(0, |o| o.fields.len());
    let pick_field = |rng: &mut StdRng, k: usize| if k == 0 { 0 } else { rng.gen_range(0..k) };
    let roll = mix.kind(rng.gen_range(0..100));
    let mut id = |kind: u64| {
        *next_id += 1;
        *next_id * 4 + kind
    };
    match roll {
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
            let k = fields(model, s);
            Op::Link(s, pick_field(rng, k), t)
        }
        4 => {
            let k = fields(model, s);
            Op::Unlink(s, pick_field(rng, k))
        }
        5 => {
            let k = fields(model, t);
            Op::Load(s, t, pick_field(rng, k))
        }
        6 => Op::Clear(s),
        7 => Op::Frame(rng.gen_range(1..6)),
        8 => Op::Pop,
        9 => Op::Collect,
        10 => Op::Step(rng.gen_range(1_000..1_000_000)),
        11 => Op::Check,
        _ => {
            let k = if rng.gen_bool(0.1) { rng.gen_range(9..200) } else { rng.gen_range(1..9) };
            let base = (*next_id + 1) * 4 + KIND_NODE;
            *next_id += k as u64;
            Op::Ring(s, base, k, rng.gen_bool(0.4))
        }
    }
}

/// A threaded program: one op list per thread (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threaded {
    pub threads: Vec<Vec<Op>>,
}

/// Renders a threaded program (`T n`, then `@ i` before thread i's ops).
pub fn render_threaded(p: &Threaded) -> String {
    let mut s = format!("T {}\n", p.threads.len());
    for (i, ops) in p.threads.iter().enumerate() {
        writeln!(s, "@ {i}").unwrap();
        s.push_str(&render(ops));
    }
    s
}

/// Parses a program written by [`render_threaded`].
pub fn parse_threaded(text: &str) -> Result<Threaded, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let n: usize = lines
        .next()
        .and_then(|l| l.strip_prefix("T "))
        .and_then(|n| n.trim().parse().ok())
        .ok_or("a threaded program starts with 'T n'")?;
    let mut threads = vec![String::new(); n];
    let mut cur: Option<usize> = None;
    for line in lines {
        if let Some(i) = line.strip_prefix("@ ") {
            cur = Some(i.trim().parse().ok().filter(|&i| i < n).ok_or_else(|| format!("bad line '{line}'"))?);
        } else {
            let t = cur.ok_or_else(|| format!("'{line}' before the first '@ i'"))?;
            threads[t].push_str(line);
            threads[t].push('\n');
        }
    }
    Ok(Threaded { threads: threads.iter().map(|t| parse(t)).collect::<Result<_, _>>()? })
}

/// The channels of a threaded program, by (from, to).
type Channels = HashMap<(usize, usize), std::collections::VecDeque<Option<u64>>>;

/// Runs one thread's op against its model and the channels: `None` when
/// it must wait (a full channel to send to, an empty one to receive from).
fn step_threaded(me: usize, threads: usize, op: Op, model: &mut Model, chans: &mut Channels) -> Option<Option<String>> {
    let slot_ok = |s: usize| s < model.slots.len();
    match op {
        Op::Send(to, s) if to < threads && to != me && slot_ok(s) => {
            let q = chans.entry((me, to)).or_default();
            if q.len() == CHANNEL_CAP {
                return None;
            }
            q.push_back(model.slots[s]);
            Some(None)
        }
        Op::Recv(from, s) if from < threads && from != me && slot_ok(s) => {
            let v = chans.entry((from, me)).or_default().pop_front()?;
            model.slots[s] = v;
            Some(None)
        }
        Op::Send(..) | Op::Recv(..) => Some(None),
        op => Some(model.apply(op)),
    }
}

/// The complete expected output of a threaded program: each thread's
/// lines prefixed `t<i> `, in thread order, then the final collection's
/// `live` line. `None` if the threads would wait for each other forever
/// (a shrunk program can; the order of waits does not change the outcome:
/// every thread is sequential and channels are FIFO).
pub fn expected_threaded(p: &Threaded) -> Option<Vec<String>> {
    let n = p.threads.len();
    let mut models: Vec<Model> = (0..n).map(|_| Model { threaded: true, ..Model::default() }).collect();
    let mut outs: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut pc = vec![0usize; n];
    let mut chans = Channels::new();
    while (0..n).any(|t| pc[t] < p.threads[t].len()) {
        let mut progressed = false;
        for t in 0..n {
            while let Some(&op) = p.threads[t].get(pc[t]) {
                let Some(line) = step_threaded(t, n, op, &mut models[t], &mut chans) else { break };
                outs[t].extend(line);
                pc[t] += 1;
                progressed = true;
            }
        }
        if !progressed {
            return None;
        }
    }
    let mut out = Vec::new();
    for (t, m) in models.iter().enumerate() {
        outs[t].push(m.check_line());
        out.extend(outs[t].iter().map(|l| format!("t{t} {l}")));
    }
    let roots = models.iter().flat_map(|m| m.slots.iter().flatten().copied());
    let queued = chans.values().flat_map(|q| q.iter().flatten().copied());
    let find = |id: u64| models.get((id / 4 >> 40) as usize).and_then(|m| m.objects.get(&id));
    let live = reachable_in(roots.chain(queued), find);
    let bytes: u64 = live.iter().map(|&id| find(id).map_or(0, |o| o.bytes)).sum();
    out.push(format!("live {bytes} {}", live.len()));
    Some(out)
}

/// Generates a program of `threads` threads with about `len` ops each.
pub fn generate_threaded(seed: u64, threads: usize, len: usize, mix: Mix) -> Threaded {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut models: Vec<Model> = (0..threads).map(|_| Model { threaded: true, ..Model::default() }).collect();
    let mut next_ids: Vec<u64> = (0..threads as u64).map(|t| t << 40).collect();
    let mut progs: Vec<Vec<Op>> = vec![Vec::new(); threads];
    let mut chans = Channels::new();
    for (t, m) in models.iter_mut().enumerate() {
        let first = Op::Frame(rng.gen_range(4..10));
        m.apply(first);
        progs[t].push(first);
    }
    while let Some(t) = {
        let open: Vec<usize> = (0..threads).filter(|&t| progs[t].len() < len).collect();
        (!open.is_empty()).then(|| open[rng.gen_range(0..open.len())])
    } {
        let other = (t + rng.gen_range(1..threads.max(2))) % threads;
        let slot = rng.gen_range(0..models[t].slots.len());
        let op = match rng.gen_range(0..100) {
            0..=5 if other != t => Op::Send(other, slot),
            6..=11 if other != t && chans.get(&(other, t)).is_some_and(|q| !q.is_empty()) => Op::Recv(other, slot),
            _ => next_op(&mut rng, &models[t], &mut next_ids[t], mix),
        };
        // A send to a full channel is not generated (it would wait here).
        if step_threaded(t, threads, op, &mut models[t], &mut chans).is_some() {
            progs[t].push(op);
        }
    }
    Threaded { threads: progs }
}

/// [`run_program`] for a threaded program.
pub fn run_threaded(exe: &Path, info: &CollectorInfo, p: &Threaded, env: &[(&str, &str)]) -> Result<(), String> {
    let want = expected_threaded(p).ok_or("the program's threads would wait for each other forever")?;
    compare_run(exe, info, &render_threaded(p), &want, env)
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
    compare_run(exe, info, &render(ops), &Model::expected(ops), env)
}

/// Runs the program `text` and compares its output with `want` (see
/// [`run_program`] for what must match).
fn compare_run(
    exe: &Path,
    info: &CollectorInfo,
    text: &str,
    want: &[String],
    env: &[(&str, &str)],
) -> Result<(), String> {
    let gc = info.name;
    let dir = std::env::temp_dir().join(format!("rgc-difftest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{gc}-{:?}.ops", std::thread::current().id()).replace(['(', ')'], ""));
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    let out = crate::run(gc, exe, &[file.to_str().unwrap()], env);
    let keep = |l: &&str| info.precise || info.collects || !l.starts_with("live ");
    let got: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().filter(keep).map(String::from).collect();
    let want: Vec<String> = want.iter().map(String::as_str).filter(keep).map(String::from).collect();
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
    let run = |exe: &Path, info: &CollectorInfo, ops: &Vec<Op>| run_program(exe, info, ops, env);
    let what = format!("seed {{seed}} ({mix:?} mix, env {env:?})");
    let shrink = |ops: &Vec<Op>, fails: &mut dyn FnMut(&Vec<Op>) -> bool| {
        minimize(ops, &mut |p: &[Op]| fails(&p.to_vec()), 3000)
    };
    check_each(gc, seeds, &what, |seed| generate(seed, len, mix), run, shrink, |ops| render(ops))
}

/// [`check_seeds`] for threaded programs of `threads` threads; a failing
/// program is shrunk thread by thread (never into one whose threads would
/// wait forever).
pub fn check_seeds_threaded(
    gc: &str,
    seeds: std::ops::Range<u64>,
    threads: usize,
    len: usize,
    env: &[(&str, &str)],
    mix: Mix,
) -> Result<u64, String> {
    let run = |exe: &Path, info: &CollectorInfo, p: &Threaded| run_threaded(exe, info, p, env);
    let shrink = |p: &Threaded, fails: &mut dyn FnMut(&Threaded) -> bool| {
        let mut small = p.clone();
        for t in 0..threads {
            let mut fails_with = |ops: &[Op]| {
                let mut q = small.clone();
                q.threads[t] = ops.to_vec();
                expected_threaded(&q).is_some() && fails(&q)
            };
            small.threads[t] = minimize(&small.threads[t].clone(), &mut fails_with, 1000);
        }
        small
    };
    let what = format!("threaded seed {{seed}} ({threads} threads, {mix:?} mix, env {env:?})");
    check_each(gc, seeds, &what, |seed| generate_threaded(seed, threads, len, mix), run, shrink, render_threaded)
}

/// The loop of [`check_seeds`]: generate each seed's program, run it, and
/// on the first failure shrink it and report (`what` names the program,
/// `{seed}` standing for its seed).
fn check_each<P>(
    gc: &str,
    seeds: std::ops::Range<u64>,
    what: &str,
    generate: impl Fn(u64) -> P,
    run: impl Fn(&Path, &CollectorInfo, &P) -> Result<(), String>,
    shrink: impl Fn(&P, &mut dyn FnMut(&P) -> bool) -> P,
    render: impl Fn(&P) -> String,
) -> Result<u64, String> {
    let info = rgc_cli::find_collector(gc)?;
    let exe = crate::build(gc, "difftest");
    let mut ran = 0;
    for seed in seeds {
        let program = generate(seed);
        if let Err(first) = run(&exe, info, &program) {
            let small = shrink(&program, &mut |p: &P| run(&exe, info, p).is_err());
            let why = run(&exe, info, &small).err().unwrap_or_default();
            return Err(format!(
                "--gc={gc} {} fails: {first}\n\nshrunk reproducer (save it and run \
                 `cargo run -p rgc-tests --bin rgc-difftest -- --gc {gc} --replay FILE`):\n{}\nit fails with: {why}",
                what.replace("{seed}", &seed.to_string()),
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
    fn threaded_programs_roundtrip_and_never_wait_forever() {
        for seed in 0..20 {
            let p = generate_threaded(seed, 3, 200, Mix::Balanced);
            assert_eq!(parse_threaded(&render_threaded(&p)).unwrap(), p);
            assert!(p.threads.iter().flatten().any(|op| matches!(op, Op::Recv(..))), "seed {seed} exchanges objects");
            assert!(expected_threaded(&p).is_some(), "seed {seed} would wait forever");
        }
    }

    #[test]
    fn threaded_model_counts_what_crossed_threads() {
        // Thread 0 sends a node to thread 1 and drops it; thread 1 keeps it.
        let own = |n: u64| n * 4 + KIND_NODE;
        let p = parse_threaded(&format!("T 2\n@ 0\nF 2\nN 0 {}\n> 1 0\nC 0\n@ 1\nF 2\n< 0 1\nL 1 0 1\nK\n", own(5)))
            .unwrap();
        let out = expected_threaded(&p).unwrap();
        assert_eq!(out.last().unwrap(), "live 40 1", "the node thread 1 received survives: {out:?}");
        assert!(out.iter().any(|l| l.starts_with("t1 check 0 ")), "thread 1 neither counts nor links another's object");
        let stuck = parse_threaded("T 2\n@ 0\nF 2\n< 1 0\n@ 1\nF 2\n< 0 0\n").unwrap();
        assert_eq!(expected_threaded(&stuck), None, "two receives with no send wait forever");
    }

    #[test]
    fn minimizer_finds_the_culprit() {
        let ops = generate(3, 200, Mix::Balanced);
        let culprit = ops[137];
        let small = minimize(&ops, &mut |p| p.contains(&culprit), 10_000);
        assert_eq!(small, [culprit]);
    }
}
