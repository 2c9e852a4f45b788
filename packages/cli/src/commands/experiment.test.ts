import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testBackends } from '@kd/tensor-ops/testing';

const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const kd = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'experiment', '--teacher', 'nowhere', ...args], {
    encoding: 'utf8',
  });

describe('kd experiment option checks (before any training starts)', () => {
  test('an unknown ablation row is named, with the valid ones', () => {
    const r = kd('--rows', 'full,CLS-X');
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /--rows: unknown row 'CLS-X'; expected some of full, CLS, CLS-W, L2, L2-B/,
    );
  });
  test('a bad objective value names its JSON path', () => {
    const r = kd('--objective', '{"mu": 3}');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /objective\.mu/);
  });
  test('an unknown objective key is rejected', () => {
    const r = kd('--objective', '{"tmperature": 2}');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /tmperature/);
  });
  test('objective text that is not JSON', () => {
    const r = kd('--objective', '{mu: 3}');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--objective: not JSON/);
  });
  test('an unknown student pair is named, with the pairs', () => {
    const r = kd('--pair', 'vgg');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--pair: unknown student pair 'vgg'; the pairs are: pretrained, /);
  });
  test('--teacher must name a checkpoint', () => {
    const r = kd();
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /kd experiment: --teacher: nowhere: no checkpoint \(expected a folder with model\.json/,
    );
  });
  test('seeds and steps must be integers', () => {
    assert.match(kd('--seeds', '1,x').stderr, /--seeds: expected comma-separated integers/);
    assert.match(kd('--steps', '0').stderr, /--steps: expected a positive integer, got '0'/);
  });
  test('--data-parallel is checked for every run before any data or training', () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'experiment', '--teacher', 'nowhere', '--data-parallel', '9'],
      { encoding: 'utf8', env: { ...process.env, KD_BACKEND: 'wasm' } },
    );
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /kd experiment: dataParallel 9 exceeds optim\.batchSize 8: each replica needs at least one image/,
    );
  });
  test('--data-parallel is refused on the native backend, which already uses every core', {
    skip: testBackends().includes('tensorflow') ? false : 'libtensorflow is not built here',
  }, () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'experiment', '--teacher', 'nowhere', '--data-parallel', '2'],
      { encoding: 'utf8', env: { ...process.env, KD_BACKEND: 'tensorflow' } },
    );
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /kd experiment: dataParallel: the 'tensorflow' backend is not supported/,
    );
  });
});
