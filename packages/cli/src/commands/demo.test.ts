import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testBackends } from '@kd/tensor-ops/testing';

const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const kd = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'demo', ...args], { encoding: 'utf8' });

describe('kd demo option checks (before any data or training)', () => {
  test('an unknown student pair is named, with the pairs', () => {
    const r = kd('--pair', 'vgg');
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /--pair: unknown student pair 'vgg'; the pairs are: pretrained, pretrained-lowres, scratch, scratch-lowres/,
    );
  });
  test('--help lists every pair with what it shows', () => {
    const r = kd('--help');
    assert.equal(r.status, 0);
    for (const pair of ['pretrained', 'pretrained-lowres', 'scratch', 'scratch-lowres'])
      assert.match(r.stdout.replace(/\s+/g, ' '), new RegExp(`${pair} \\(`));
  });
  test('--data-parallel is checked for every run before any data or training', () => {
    const r = spawnSync(process.execPath, [bin, 'demo', '--data-parallel', '9'], {
      encoding: 'utf8',
      env: { ...process.env, KD_BACKEND: 'wasm' },
    });
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /kd demo: dataParallel 9 exceeds optim\.batchSize 8: each replica needs at least one image/,
    );
  });
  test('--data-parallel is refused on the native backend, which already uses every core', {
    skip: testBackends().includes('tensorflow') ? false : 'libtensorflow is not built here',
  }, () => {
    const r = spawnSync(process.execPath, [bin, 'demo', '--data-parallel', '2'], {
      encoding: 'utf8',
      env: { ...process.env, KD_BACKEND: 'tensorflow' },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /kd demo: dataParallel: the 'tensorflow' backend is not supported/);
  });
});
