import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('./bin.js', import.meta.url));

function kd(args: string[], env: Record<string, string | undefined> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('kd info', () => {
  test('--json reports the backend KD_BACKEND asks for, and machine facts', () => {
    for (const backend of ['wasm', 'cpu']) {
      const r = kd(['info', '--json'], { KD_BACKEND: backend });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.backend, backend);
      assert.equal(report.node, process.version);
      assert.ok(report.cores >= 1);
      assert.match(report.tfjs, /^4\./);
      assert.equal(report.candidates.length, 4);
    }
  });

  test('the table names the active backend and why the others were not chosen', () => {
    const r = kd(['info'], { KD_BACKEND: 'wasm' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /active backend\s+wasm \(@tensorflow\/tfjs-backend-wasm\), SIMD/);
    assert.match(r.stdout, /@tensorflow\/tfjs-node\s+(no|yes)/);
    assert.match(r.stdout, /not requested \(KD_BACKEND=wasm\)/);
    assert.match(r.stdout, /threads\s+1 \(wasm runs single-threaded in Node\)/);
    assert.match(r.stdout, /TensorFlow\s+\(not used: no native backend\)/);
  });

  test('KD_BACKEND=tensorflow without libtensorflow fails clearly, with install instructions', (t) => {
    const auto = JSON.parse(kd(['info', '--json'], { KD_BACKEND: undefined }).stdout);
    if (auto.backend === 'tensorflow') {
      t.skip('libtensorflow is installed here');
      return;
    }
    const r = kd(['info'], { KD_BACKEND: 'tensorflow' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^kd info: BackendError: KD_BACKEND=tensorflow requested/);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs-node/);
  });

  test('an unknown command is a usage error', () => {
    const r = kd(['frobnicate']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});

describe('kd info on the native backend', () => {
  test('reports the TensorFlow version and one thread per core', (t) => {
    const r = kd(['info', '--json'], { KD_BACKEND: undefined, KD_NATIVE: undefined });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    if (report.backend !== 'tensorflow') {
      t.skip('no native binding here (`pnpm setup-native`)');
      return;
    }
    assert.match(report.tensorflow, /^2\.\d+\.\d+$/);
    assert.equal(report.threads.count, report.cores);
  });
});
