#!/usr/bin/env node
// Checks the package dependency graph: only the allowed @kd edges, no cycles, every @kd import
// declared in package.json, and no deep imports into another package's internals (subpaths its
// `exports` map names are public).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Who may depend on whom (the DAG of the developers' guide). Examples and the CLI sit on top.
const ALLOWED = {
  '@kd/tensor-ops': [],
  '@kd/eval': [],
  '@kd/data-voc-coco-kitti': [],
  '@kd/losses': ['@kd/tensor-ops'],
  '@kd/adaptation': ['@kd/tensor-ops'],
  '@kd/faster-rcnn': ['@kd/tensor-ops', '@kd/data-voc-coco-kitti'],
};
const TOP = (name) =>
  name === '@kd/cli' || name.startsWith('@kd/example') || name === '@kd/integration-tests';

const pkgs = new Map();
for (const group of ['packages', 'examples']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const dir of readdirSync(base)) {
    const pj = join(base, dir, 'package.json');
    if (!existsSync(pj)) continue;
    const json = JSON.parse(readFileSync(pj, 'utf8'));
    pkgs.set(json.name, { dir: join(base, dir), json });
  }
}

const problems = [];
const edges = new Map();
for (const [name, { json }] of pkgs) {
  const declared = new Set(
    Object.keys({ ...json.dependencies, ...json.peerDependencies, ...json.devDependencies }).filter(
      (d) => d.startsWith('@kd/'),
    ),
  );
  edges.set(name, [...declared]);
  if (!TOP(name)) {
    const allowed = ALLOWED[name];
    if (allowed === undefined)
      problems.push(`${name}: not in the allowed dependency map (scripts/check-deps.mjs)`);
    else
      for (const d of declared)
        if (!allowed.includes(d)) problems.push(`${name} may not depend on ${d}`);
  }
}

// Cycles, by depth-first search.
const state = new Map();
function visit(n, path) {
  if (state.get(n) === 'done') return;
  if (state.get(n) === 'active') {
    problems.push(`dependency cycle: ${[...path, n].join(' -> ')}`);
    return;
  }
  state.set(n, 'active');
  for (const d of edges.get(n) ?? []) visit(d, [...path, n]);
  state.set(n, 'done');
}
for (const n of edges.keys()) visit(n, []);

// Imports in sources.
function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|tsx|mts)$/.test(entry)) yield p;
  }
}
const importRe = /(?:from\s+|import\s*\(\s*|import\s+)['"](@kd\/[^'"]+)['"]/g;
for (const [name, { dir, json }] of pkgs) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  const declared = new Set(edges.get(name));
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1];
      const base = spec.split('/').slice(0, 2).join('/');
      const rel = file.slice(root.length);
      // a subpath is public only when the package's `exports` names it (e.g. '@kd/tensor-ops/testing')
      const exported = Object.keys(pkgs.get(base)?.json.exports ?? {});
      if (spec !== base && !exported.includes(`.${spec.slice(base.length)}`))
        problems.push(`${rel}: deep import '${spec}' (import from '${base}' only)`);
      if (base === name) problems.push(`${rel}: imports its own package '${base}'`);
      else if (!declared.has(base))
        problems.push(
          `${rel}: imports '${base}', which ${json.name}/package.json does not declare`,
        );
    }
  }
}

if (problems.length) {
  console.error(`dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `dependency check: ${pkgs.size} packages, no cycles, only allowed edges, no deep imports`,
);
