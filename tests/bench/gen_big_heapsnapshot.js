#!/usr/bin/env node
'use strict';
// Make a large, realistic heap snapshot for benchmarks by really building a heap in Node
// and calling v8.writeHeapSnapshot() (not a synthetic file: V8 writes every node, edge
// and string itself).
//
//   node tests/bench/gen_big_heapsnapshot.js [--size 100m|1g|BYTES] [--units N] [--seed S] [-o FILE]
//                                            [--second FILE2 [--grow PCT]]
//
// --size   approximate target file size (default 100m; k/m/g suffixes, powers of 1024);
//          it is turned into a number of "units" with a calibration measured on Node 20
//          (UNIT_BYTES bytes of snapshot per unit, ~39 nodes and ~125 edges); --units
//          overrides it. 100m -> ~34k units, ~1.4 M nodes; 1g -> ~357k units, ~14 M nodes.
// -o       output (default /tmp/profkit-bench/big.heapsnapshot)
// --second a second snapshot of the same process, for `heap diff` (ids of surviving
//          objects are the same in both): after the first one, PCT % more units are
//          added (default 5) and every 4th listener closure and every 8th address object
//          of the first units is dropped, then FILE2 is written.
// --third  a third snapshot after the second, for `heap leaks BASE TARGET FINAL`: the
//          listeners and every other Map entry (byId) of the units added for the second
//          are dropped again (the customers stay on the LRU list), then FILE3 is written.
//
// The script re-executes itself with --expose-gc and a --max-old-space-size large enough
// for the heap it builds. Writing the snapshot needs several GB more inside V8. Measured
// (Node v20.20.2, 2 cores): 100m -> 107 MB, 1.33 M nodes, 4.3 M edges, 6 s, 670 MB peak
// RSS; 1g -> 1.14 GB, 13.8 M nodes, 43.8 M edges, 83 s, 7.1 GB peak RSS.
//
// One unit is a small slice of a typical server heap (seeded PRNG, same structure on
// every run; ids and addresses still differ between runs):
//   - a Customer (class instance) with string fields (flat and concatenated), a nested
//     plain-object address {street, city, zip}, a tags array of shared interned strings,
//     and 1-4 Orders (another class) each with an items array of {sku, qty, price}
//   - an entry in a global Map id -> Customer and in a Set of emails
//   - every 4th unit: a closure (onChange) capturing the customer and a per-unit context
//   - every 8th unit: a sliced string (substring of a long JSON blob) and a small Buffer
//     (pooled Buffer.from: a slice of a shared 8 KiB ArrayBuffer)
//   - every 500th unit: a 64 KiB Buffer.alloc (own ArrayBuffer, external backing store)
//   - every 16th unit: a Float64Array and a packed double array (no edges)
//   - a node of one long singly linked list (LruNode.next), so the dominator tree is
//     as deep as the number of units (real snapshots have dominator chains 600k deep)
//   - a WeakMap entry customer -> {lastSeen, hits}
const path = require('path');
const fs = require('fs');

const UNIT_BYTES = 3000;   // snapshot bytes per unit, measured with Node v20.20.2
const BASE_BYTES = 4e6;    // an idle Node process's snapshot

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(String(s));
  if (!m) throw new Error('bad --size ' + s);
  return Math.round(Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()]);
}

const args = process.argv.slice(2);
const opt = { size: '100m', units: null, seed: 1, out: '/tmp/profkit-bench/big.heapsnapshot',
  second: null, grow: 5, third: null };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--size') opt.size = args[++i];
  else if (a === '--units') opt.units = Number(args[++i]);
  else if (a === '--seed') opt.seed = Number(args[++i]);
  else if (a === '-o' || a === '--out') opt.out = args[++i];
  else if (a === '--second') opt.second = args[++i];
  else if (a === '--grow') opt.grow = Number(args[++i]);
  else if (a === '--third') opt.third = args[++i];
  else if (a === '-h' || a === '--help') {
    console.log('usage: gen_big_heapsnapshot.js [--size 100m|1g|BYTES] [--units N] [--seed S] [-o FILE]');
    process.exit(0);
  } else { console.error('unknown argument ' + a); process.exit(2); }
}
const target = parseSize(opt.size);
const units = opt.units || Math.max(1, Math.round((target - BASE_BYTES) / UNIT_BYTES));

if (!process.env.PROFKIT_GEN_HEAP_CHILD) {
  // JS heap needed: ~2 KB per unit; leave plenty of slack (it is only a limit).
  const heapMb = Math.ceil(units * 4 / 1024) + 1024;
  const { spawnSync } = require('child_process');
  const r = spawnSync(process.execPath,
    ['--expose-gc', `--max-old-space-size=${heapMb}`, __filename, ...args],
    { stdio: 'inherit', env: { ...process.env, PROFKIT_GEN_HEAP_CHILD: '1' } });
  process.exit(r.status === null ? 1 : r.status);
}

// ---- child: build the heap ----
const v8 = require('v8');
let seed = opt.seed >>> 0;
function rnd() {  // mulberry32
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pickOf = (a) => a[(rnd() * a.length) | 0];

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Ken', 'Dennis', 'Margaret', 'Linus',
  'Guido', 'Bjarne', 'James', 'Niklaus', 'John', 'Frances', 'Radia', 'Leslie', 'Tony', 'Whitfield'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Thompson', 'Ritchie',
  'Hamilton', 'Torvalds', 'van Rossum', 'Stroustrup', 'Gosling', 'Wirth', 'McCarthy', 'Allen'];
const CITIES = ['Berlin', 'Lisbon', 'Osaka', 'Austin', 'Nairobi', 'Lima', 'Oslo', 'Pune', 'Perth', 'Quito'];
const TAGS = ['vip', 'new', 'churn-risk', 'b2b', 'b2c', 'eu', 'us', 'apac', 'beta', 'trial', 'annual', 'monthly'];
const SKUS = Array.from({ length: 200 }, (_, i) => 'SKU-' + String(i).padStart(5, '0'));

class Customer {
  constructor(id) {
    this.id = id;
    this.name = pickOf(FIRST) + ' ' + pickOf(LAST) + ' #' + id;     // concatenated string
    this.email = `user${id}@example.com`;                          // flat (template literal)
    this.address = { street: `${(rnd() * 999) | 0} Main St`, city: pickOf(CITIES), zip: String(10000 + id % 89999) };
    this.tags = [pickOf(TAGS), pickOf(TAGS)];
    this.orders = [];
    this.balance = rnd() * 1000;
  }
}
class Order {
  constructor(customer, n) {
    this.customer = customer;
    this.number = customer.id * 10 + n;
    this.items = [];
    const k = 1 + ((rnd() * 3) | 0);
    for (let i = 0; i < k; i++) this.items.push({ sku: pickOf(SKUS), qty: 1 + ((rnd() * 5) | 0), price: Math.round(rnd() * 10000) / 100 });
    this.status = pickOf(['open', 'paid', 'shipped', 'returned']);
  }
}
class LruNode {
  constructor(key, value, next) { this.key = key; this.value = value; this.next = next; }
}

const t0 = Date.now();
const state = {
  byId: new Map(),
  emails: new Set(),
  listeners: [],
  blobs: [],
  buffers: [],
  samples: [],
  lruHead: null,
  meta: new WeakMap(),
};
globalThis.benchState = state;

const BLOB = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i, sku: SKUS[i], note: 'lorem ipsum dolor sit amet' })));
function addUnit(id) {
  const c = new Customer(id);
  const orders = 1 + ((rnd() * 4) | 0);
  for (let n = 0; n < orders; n++) c.orders.push(new Order(c, n));
  state.byId.set(id, c);
  state.emails.add(c.email);
  state.meta.set(c, { lastSeen: id, hits: [id & 7] });
  if (id % 4 === 0) {
    const ctx = { requestId: 'r' + id, startedAt: id };
    state.listeners.push(function onChange(evt) { return ctx.requestId + c.name + evt; });
  }
  if (id % 8 === 0) {
    const at = (rnd() * (BLOB.length - 200)) | 0;
    state.blobs.push(BLOB.substring(at, at + 40 + (id % 100)));   // sliced string
    state.buffers.push(Buffer.from(c.email));                     // pooled 8 KiB slab slice
  }
  if (id % 500 === 0) state.buffers.push(Buffer.alloc(64 * 1024));
  if (id % 16 === 0) state.samples.push(new Float64Array(16), [id + 0.5, id + 1.5, id + 2.5]);
  state.lruHead = new LruNode(id, c, state.lruHead);
}
for (let id = 0; id < units; id++) addUnit(id);
const built = Date.now();

function write(out) {
  global.gc();
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = out + '.tmp';
  v8.writeHeapSnapshot(tmp);
  fs.renameSync(tmp, out);
  return fs.statSync(out).size;
}
const size = write(opt.out);
console.error(`gen_big_heapsnapshot: units ${units}, built in ${((built - t0) / 1000).toFixed(1)} s, ` +
  `written in ${((Date.now() - built) / 1000).toFixed(1)} s: ${opt.out} ${size} bytes ` +
  `(${(size / units).toFixed(0)} bytes/unit), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (opt.second) {
  const more = Math.round(units * opt.grow / 100);
  for (let id = units; id < units + more; id++) addUnit(id);
  let dropped = 0;
  for (let i = 0; i < state.listeners.length; i += 4, dropped++) state.listeners[i] = null;
  for (let id = 0; id < units; id += 8) state.byId.get(id).address = null;
  const t1 = Date.now();
  const size2 = write(opt.second);
  console.error(`gen_big_heapsnapshot: +${more} units, ${dropped} listeners and ` +
    `${Math.ceil(units / 8)} addresses dropped, written in ${((Date.now() - t1) / 1000).toFixed(1)} s: ` +
    `${opt.second} ${size2} bytes, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (opt.third) {
    const firstNew = state.listeners.length - Math.ceil(more / 4);
    for (let i = Math.max(0, firstNew); i < state.listeners.length; i++) state.listeners[i] = null;
    for (let id = units; id < units + more; id += 2) state.byId.delete(id);
    const t2 = Date.now();
    const size3 = write(opt.third);
    console.error(`gen_big_heapsnapshot: new listeners and half the new Map entries dropped, ` +
      `written in ${((Date.now() - t2) / 1000).toFixed(1)} s: ${opt.third} ${size3} bytes`);
  }
}
