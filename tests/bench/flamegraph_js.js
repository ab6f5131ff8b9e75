#!/usr/bin/env node
// flamegraph_js.js FOLDED OUT.svg - flamegraph.pl's algorithm on folded
// stacks, for flame_bench.sh: the npm package `flamegraph` (thlorenz's
// port of Brendan Gregg's flamegraph.pl: its flow merge, frame layout and
// SVG template) renders the stacks of FOLDED ("a;b;c 123" lines, as
// `profkit cpu folded` or stackcollapse-* write them) into OUT.svg. The
// package reads legacy `.cpuprofile` trees (`head`, `hitCount`), not
// folded lines, so the lines become such a tree first (each frame a
// node, each line's count the hit count of its last frame): the package
// then walks the tree back into the same paths and runs flamegraph.pl's
// flow over them. flamegraph.pl itself is not packaged for Debian 12.
// Env: FG (the package's directory; default
// /tmp/flamegraph/node_modules/flamegraph).
'use strict';
const fs = require('fs');
const fg = require(process.env.FG || '/tmp/flamegraph/node_modules/flamegraph');

const [folded, out] = process.argv.slice(2);
if (!folded || !out) {
  console.error('usage: flamegraph_js.js FOLDED OUT.svg');
  process.exit(2);
}
const head = {functionName: '(root)', url: '', lineNumber: 0, hitCount: 0,
              children: [], kids: new Map()};
for (const line of fs.readFileSync(folded, 'utf8').split('\n')) {
  const sp = line.lastIndexOf(' ');
  if (sp <= 0) continue;
  const count = Number(line.slice(sp + 1));
  let node = head;
  for (const frame of line.slice(0, sp).split(';')) {
    let kid = node.kids.get(frame);
    if (!kid) {
      kid = {functionName: frame, url: '', lineNumber: 0, hitCount: 0,
             children: [], kids: new Map()};
      node.kids.set(frame, kid);
      node.children.push(kid);
    }
    node = kid;
  }
  node.hitCount += count;
}
const svg = fg.fromCpuProfile({head}, {
  ...fg.defaultOpts,
  titletext: 'Flame Graph',
  countname: 'us',
});
fs.writeFileSync(out, svg);
