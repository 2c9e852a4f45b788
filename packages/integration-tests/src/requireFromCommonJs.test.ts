import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// A CommonJS consumer (`npm init -y` makes one) loads every package with require(): the
// packages are ESM, and their exports carry a `default` condition so that require() resolves
// them; Node ≥ 20.19 / 22.12 then loads the ES module synchronously (require(esm)).
const here = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = [
  '@kd/codecs',
  '@kd/random',
  '@kd/tensor-ops',
  '@kd/eval',
  '@kd/data-voc-coco-kitti',
  '@kd/losses',
  '@kd/adaptation',
  '@kd/faster-rcnn',
  '@kd/distill',
  '@kd/cli',
];
const canRequireEsm = (process.features as { require_module?: boolean }).require_module === true;

test('every package loads with require() from CommonJS, and @kd/eval works there through toPromise', {
  skip: canRequireEsm
    ? false
    : `Node ${process.version} cannot require() ES modules (needs ≥ 20.19 or ≥ 22.12)`,
}, () => {
  const script = `
const names = ${JSON.stringify(PACKAGES)};
const out = {};
for (const n of names) out[n] = Object.keys(require(n)).length;
const { evaluateCocoFiles, toPromise } = require('@kd/eval');
toPromise(evaluateCocoFiles({ gt: '/nonexistent/gt.json', dets: '/nonexistent/dets.json' })).then(
  () => console.log(JSON.stringify({ out, rejected: false })),
  (e) => console.log(JSON.stringify({ out, rejected: e.name + ': ' + e.message })),
);`;
  // -e runs CommonJS and resolves packages from the working directory, like a user's project.
  const r = spawnSync(process.execPath, ['--no-warnings', '-e', script], {
    cwd: here,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const { out, rejected } = JSON.parse(r.stdout) as {
    out: Record<string, number>;
    rejected: string;
  };
  for (const n of PACKAGES) assert.ok(out[n]! > 0, `${n} exports nothing under require()`);
  assert.match(rejected, /^KdEvalFailure: \/nonexistent\/gt\.json: file not found/);
});
