import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The active backend is process-global, so each selection runs in its own process.
const entry = fileURLToPath(new URL('../index.js', import.meta.url));

function select(env: Record<string, string | undefined>, options: object = {}) {
  const script = `import { initBackend } from ${JSON.stringify(entry)};
    try {
      const info = await initBackend(${JSON.stringify(options)});
      console.log(JSON.stringify({ ...info, envThreads: process.env.TF_NUM_INTRAOP_THREADS }));
    }
    catch (e) { console.error(e.name + ': ' + e.message); process.exit(3); }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('initBackend', () => {
  test('KD_BACKEND=wasm selects wasm with the training kernels', () => {
    const r = select({ KD_BACKEND: 'wasm' });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.name, 'wasm');
    assert.equal(info.requested, 'wasm');
    assert.ok(info.trainingKernels.includes('Conv2DBackpropFilter'));
    assert.ok(info.trainingKernels.includes('UnsortedSegmentSum'));
  });

  test('KD_BACKEND=cpu selects cpu', () => {
    const r = select({ KD_BACKEND: 'cpu' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).name, 'cpu');
  });

  test('without KD_BACKEND the best available backend wins and every candidate has a reason', () => {
    const r = select({ KD_BACKEND: undefined });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    const native = info.candidates.filter((c: { name: string }) => c.name === 'tensorflow');
    const expected = native.some((c: { available: boolean }) => c.available)
      ? 'tensorflow'
      : 'wasm';
    assert.equal(info.name, expected);
    for (const c of info.candidates) assert.ok(c.reason.length > 0);
  });

  test('an unavailable explicit choice is an error that says how to install tfjs-node', (t) => {
    const probe = select({ KD_BACKEND: undefined });
    const info = JSON.parse(probe.stdout);
    if (
      info.candidates.some(
        (c: { name: string; available: boolean }) => c.name === 'tensorflow' && c.available,
      )
    ) {
      t.skip('libtensorflow is installed on this machine');
      return;
    }
    const r = select({ KD_BACKEND: 'tensorflow' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /BackendError: KD_BACKEND=tensorflow requested but it is not available/);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs-node/);
  });

  test("intraOpThreads sets TensorFlow's thread count before tfjs-node loads, unless the environment sets it", (t) => {
    const asked = { intraOpThreads: { count: 1, why: 'half of the cores: a test' } };
    const r = select({ KD_BACKEND: undefined, TF_NUM_INTRAOP_THREADS: undefined }, asked);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    if (info.name !== 'tensorflow') {
      assert.equal(info.envThreads, undefined, 'set on another backend');
      assert.notEqual(info.threads.source, asked.intraOpThreads.why);
      t.skip('without libtensorflow the option is ignored (checked above)');
      return;
    }
    assert.deepEqual(info.threads, { count: 1, source: 'half of the cores: a test' });
    assert.equal(info.envThreads, '1');
    const user = JSON.parse(
      select({ KD_BACKEND: undefined, TF_NUM_INTRAOP_THREADS: '2' }, asked).stdout,
    );
    assert.deepEqual(user.threads, { count: 2, source: 'TF_NUM_INTRAOP_THREADS' });
    const bad = select(
      { KD_BACKEND: undefined, TF_NUM_INTRAOP_THREADS: undefined },
      { intraOpThreads: { count: 0, why: 'x' } },
    );
    assert.equal(bad.status, 3);
    assert.match(bad.stderr, /BackendError: intraOpThreads 0: expected a positive integer/);
  });

  test('an unknown KD_BACKEND is rejected with the valid names', () => {
    const r = select({ KD_BACKEND: 'webgpu' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /KD_BACKEND='webgpu'.*expected one of tensorflow, wasm, cpu/);
  });
});

describe('KD_NATIVE=off', () => {
  test('ignores tfjs-node even when its binding is present, and says so', () => {
    const r = select({ KD_BACKEND: undefined, KD_NATIVE: 'off' });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.name, 'wasm');
    assert.equal(info.threads.count, 1);
    for (const c of info.candidates.filter((c: { name: string }) => c.name === 'tensorflow')) {
      assert.equal(c.available, false);
      assert.equal(c.reason, 'KD_NATIVE=off');
    }
  });

  test('on tensorflow, the TensorFlow version and the thread count are reported', (t) => {
    const r = select({ KD_BACKEND: undefined });
    const info = JSON.parse(r.stdout);
    if (info.name !== 'tensorflow') {
      t.skip('no native binding here (run `pnpm setup-native`)');
      return;
    }
    assert.match(info.tensorflowVersion, /^2\.\d+\.\d+/);
    assert.ok(info.threads.count >= 1);
  });
});
