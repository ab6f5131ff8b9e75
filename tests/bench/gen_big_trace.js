#!/usr/bin/env node
'use strict';
// Makes a real-world-shaped Chrome trace for the loader benchmark: mostly
// events no CPU profile needs (RunTask, Layout, Paint, UpdateCounters with
// an integer args.data.nodes, GC, FunctionCall with escaped strings and
// stack traces, counters, instant and async events, fractional ts as
// Chrome writes for some), a Profile and its ProfileChunk events (nodes
// delta-encoded with parent, samples, timeDeltas, lines, columns) on the
// renderer main thread, metadata events, interleaved in time order; the
// {"traceEvents": [...], "metadata": {...}} form with one event per line,
// as DevTools saves it. Deterministic (seeded), streamed.
//   node tests/bench/gen_big_trace.js [--mb 300] [--seed 1] -o OUT
const fs = require('fs');

const args = process.argv.slice(2);
let mb = 300, seed = 1, out = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mb') mb = Number(args[++i]);
  else if (args[i] === '--seed') seed = Number(args[++i]);
  else if (args[i] === '-o') out = args[++i];
  else { console.error('usage: gen_big_trace.js [--mb N] [--seed S] -o OUT'); process.exit(2); }
}
if (!out) { console.error('gen_big_trace.js: -o OUT is required'); process.exit(2); }

let state = seed >>> 0 || 1;
function rnd() { // xorshift32
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
function ri(n) { return Math.floor(rnd() * n); }
function pick(a) { return a[ri(a.length)]; }

const PID = 41234, MAIN = 259, COMP = 12, IO = 7, WORKER = 301, GPU_PID = 41200;
const threads = [[PID, MAIN, 'CrRendererMain'], [PID, COMP, 'Compositor'], [PID, IO, 'Chrome_ChildIOThread'],
  [PID, WORKER, 'DedicatedWorker thread'], [GPU_PID, 1, 'CrGpuMain']];
const urls = ['https://www.example.com/static/js/main.8f3a2c1b.js', 'https://cdn.example.net/vendor/react-dom.production.min.js',
  'https://www.example.com/', 'https://fonts.example.com/css?family=Roboto:400,700&display=swap', ''];
const fnames = ['render', 'commitRoot', 'performUnitOfWork', 'beginWork', 'reconcileChildren', 'dispatchEvent',
  'onClick', 'setState', 'parse', 'tokenize', 'Array.prototype.map', 'JSON.parse', '(anonymous)', ''];

const ws = fs.createWriteStream(out);
let buf = '', written = 0;
const target = mb * 1e6;
function emit(s) {
  buf += s;
  if (buf.length > 1 << 20) { written += Buffer.byteLength(buf); ws.write(buf); buf = ''; }
}
function size() { return written + buf.length; }

let ts = 2500000000, first = true;
function ev(o) { emit((first ? '\n' : ',\n') + JSON.stringify(o)); first = false; }

emit('{"traceEvents":[');
ev({ args: { name: 'Renderer' }, cat: '__metadata', name: 'process_name', ph: 'M', pid: PID, tid: 0, ts: 0 });
ev({ args: { name: 'GPU Process' }, cat: '__metadata', name: 'process_name', ph: 'M', pid: GPU_PID, tid: 0, ts: 0 });
for (const [pid, tid, name] of threads)
  ev({ args: { name }, cat: '__metadata', name: 'thread_name', ph: 'M', pid, tid, ts: 0 });
ev({ args: { data: { frames: [{ frame: 'A1B2C3', name: '', processId: PID, url: urls[2] }], persistentIds: true } },
  cat: 'disabled-by-default-devtools.timeline', name: 'TracingStartedInBrowser', ph: 'I', pid: PID - 10, s: 't', tid: 1, ts, tts: 100 });
ev({ args: { data: { startTime: ts } }, cat: 'disabled-by-default-v8.cpu_profiler', id: '0x1', name: 'Profile',
  ph: 'P', pid: PID, tid: MAIN, ts, tts: 1000 });

// the profile's tree grows as chunks arrive
let nextNode = 2, nodesSent = 0;
const nodes = [{ id: 1, callFrame: { functionName: '(root)', url: '', scriptId: 0, lineNumber: -1, columnNumber: -1 } }];
function grow(n) {
  for (let i = 0; i < n; i++) {
    const parent = 1 + ri(nodes.length);
    nodes.push({ id: nextNode++, parent, callFrame: { functionName: pick(fnames), url: pick(urls),
      scriptId: 10 + ri(40), lineNumber: ri(5000), columnNumber: ri(200), codeType: 'JS' } });
  }
}
grow(3); // (program), (idle), (garbage collector) come first in Chrome
nodes[1].callFrame.functionName = '(program)'; nodes[2].callFrame.functionName = '(idle)';
nodes[3].callFrame.functionName = '(garbage collector)';
for (const k of [1, 2, 3]) { nodes[k].callFrame.url = ''; nodes[k].callFrame.lineNumber = -1; nodes[k].callFrame.columnNumber = -1; delete nodes[k].callFrame.codeType; }

let samples = 0, chunks = 0, events = 0;
function chunk() {
  if (nodes.length < 6000) grow(1 + ri(20));
  const newNodes = nodes.slice(nodesSent); nodesSent = nodes.length;
  const n = 50 + ri(100), s = [], d = [], l = [], c = [];
  for (let i = 0; i < n; i++) {
    s.push(1 + ri(nodes.length)); d.push(100 + ri(60)); l.push(ri(10) ? 1 + ri(3000) : 0); c.push(ri(10) ? 1 + ri(120) : 0);
  }
  samples += n; chunks++;
  const cpuProfile = { samples: s };
  if (newNodes.length) cpuProfile.nodes = newNodes;
  ev({ args: { data: { cpuProfile, lines: l, columns: c, timeDeltas: d } }, cat: 'disabled-by-default-v8.cpu_profiler',
    id: '0x1', name: 'ProfileChunk', ph: 'P', pid: PID, tid: MAIN, ts, tts: 2000 + chunks });
}

const stack = [{ functionName: 'render', scriptId: '31', url: urls[0], lineNumber: 1200, columnNumber: 17 },
  { functionName: 'onClick', scriptId: '31', url: urls[0], lineNumber: 88, columnNumber: 4 }];
function other() {
  const tid = pick([MAIN, MAIN, MAIN, COMP, IO, WORKER]);
  const pid = ri(20) ? PID : GPU_PID;
  const dur = 1 + ri(2000), tdur = Math.max(1, dur - ri(10));
  const fr = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
  switch (ri(12)) {
    case 0: case 1: case 2:
      return { args: {}, cat: 'disabled-by-default-devtools.timeline', dur, name: 'RunTask', ph: 'X', pid, tid, ts, tdur, tts: ts % 1e7 };
    case 3:
      return { args: { beginData: { dirtyObjects: ri(100), frame: fr, partialLayout: !!ri(2), totalObjects: ri(3000) },
        endData: { layoutRoots: [{ depth: 1 + ri(9), nodeId: ri(9999), quads: [[0, 0, 1280, 0, 1280, 720.5, 0, 720.5]] }] } },
      cat: 'devtools.timeline', dur, name: 'Layout', ph: 'X', pid, tid: MAIN, ts, tdur, tts: ts % 1e7 };
    case 4:
      return { args: { data: { clip: [0, 0, 1280, 0, 1280, 720, 0, 720], frame: fr, layerId: ri(50), nodeId: ri(9999) } },
        cat: 'devtools.timeline,rail', dur, name: 'Paint', ph: 'X', pid, tid: COMP, ts, tdur, tts: ts % 1e7 };
    case 5:
      return { args: { data: { documents: 2, jsEventListeners: ri(500), jsHeapSizeUsed: 10000000 + ri(9e7), nodes: ri(20000) } },
        cat: 'disabled-by-default-devtools.timeline', name: 'UpdateCounters', ph: 'I', pid, s: 't', tid: MAIN, ts, tts: ts % 1e7 };
    case 6:
      return { args: { usedHeapSizeAfter: 8e6 + ri(1e6), usedHeapSizeBefore: 9e6 + ri(1e6), type: pick(['MinorGC', 'MajorGC']) },
        cat: 'devtools.timeline,v8', dur, name: pick(['MinorGC', 'MajorGC', 'V8.GCScavenger']), ph: 'X', pid, tid, ts, tdur, tts: ts % 1e7 };
    case 7:
      return { args: { data: { columnNumber: ri(80), frame: fr, functionName: pick(fnames), lineNumber: ri(9000),
        scriptId: String(10 + ri(40)), url: urls[0] + '?v="' + ri(99) + '"&q={a:[1]}', stackTrace: stack } },
      cat: 'devtools.timeline', dur, name: 'FunctionCall', ph: 'X', pid, tid: MAIN, ts: ts + 0.25 * ri(4), tdur, tts: ts % 1e7 };
    case 8:
      return { args: { data: { encodedDataLength: ri(1e6), finishTime: ts / 1e6 + 0.123456, requestId: `${PID}.${ri(999)}`,
        decodedBodyLength: ri(2e6), didFail: false } }, cat: 'devtools.timeline', name: 'ResourceFinish', ph: 'I', pid, s: 't', tid: IO, ts, tts: ts % 1e7 };
    case 9:
      return { args: { 'v8.heap.used': ri(1e8), 'v8.heap.total': 1e8 + ri(1e8) }, cat: 'v8', name: 'V8.HeapStats', ph: 'C', pid, tid, ts };
    case 10:
      return { args: { data: { type: pick(['click', 'mousemove', 'keydown']), timeStamp: ts / 1000 } }, cat: 'devtools.timeline',
        dur, name: 'EventDispatch', ph: 'X', pid, tid: MAIN, ts, tdur, tts: ts % 1e7 };
    default:
      return { args: { chrome_frame_reporter: { frame_source: 1, frame_sequence: ri(1e6), has_missing_content: false,
        layer_tree_host_id: 1, scroll_state: 'SCROLL_NONE', state: 'STATE_PRESENTED_ALL' } }, cat: 'cc,benchmark,disabled-by-default-devtools.timeline.frame',
      id2: { local: '0x' + ri(1e9).toString(16) }, name: 'PipelineReporter', ph: pick(['b', 'e']), pid, tid: COMP, ts };
  }
}

while (size() < target) {
  for (let i = 0; i < 256; i++) { ts += 5 + ri(40); ev(other()); events++; }
  chunk(); events++;
}
emit('\n],\n"metadata":{"source":"DevTools","startTime":"2026-11-20T10:00:00.000Z","cpuProfileShowAllEvents":false,"hardwareConcurrency":2}}\n');
written += Buffer.byteLength(buf); ws.write(buf);
ws.end(() => console.error(`gen_big_trace: ${out}: ${written} bytes, ${events + 8} events, ${chunks} ProfileChunk events, ${samples} samples, ${nodes.length} nodes`));
