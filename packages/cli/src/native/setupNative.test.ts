import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bestNapiVersion, nativeBuildKey, nativeCacheRoot } from './nativeBuildKey.js';
import { formatSetupNative, setupNative } from './setupNative.js';

const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kd-setup-native-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder where `@tensorflow/tfjs-node` resolves to a copy of the real package's build inputs. */
function packageCopy(name: string): { from: string; packageDir: string } {
  const real = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json', {
      paths: [fileURLToPath(new URL('../../../../', import.meta.url))],
    }),
  );
  const packageDir = join(scratch, name, 'node_modules/@tensorflow/tfjs-node');
  mkdirSync(packageDir, { recursive: true });
  for (const f of ['package.json', 'binding.gyp', 'binding']) {
    cpSync(join(real, f), join(packageDir, f), { recursive: true });
  }
  return { from: join(scratch, name, 'noop.js'), packageDir };
}

describe('nativeBuildKey', () => {
  test('names every input that changes the binary', () => {
    assert.equal(
      nativeBuildKey({ tfjsNode: '4.22.0', tfVersion: '2.21.0', platform: 'linux-x64', napi: 8 }),
      'tfjs-node-4.22.0_tensorflow-cpu-2.21.0_linux-x64_napi-v8',
    );
  });

  test('the cache lives under KD_CACHE_DIR, else XDG_CACHE_HOME/kd', () => {
    assert.equal(nativeCacheRoot({ KD_CACHE_DIR: '/c' }), '/c/native');
    assert.equal(nativeCacheRoot({ XDG_CACHE_HOME: '/x' }), '/x/kd/native');
  });

  test('the N-API level is the highest both the package and Node support', () => {
    assert.equal(bestNapiVersion([3, 4, 5, 6, 7, 8], 9), 8);
    assert.equal(bestNapiVersion([3, 4, 5, 6, 7, 8], 6), 6);
    assert.equal(bestNapiVersion([9], 8), undefined);
  });
});

describe('setupNative falls back to wasm with one line saying why', () => {
  test('KD_NATIVE=off: `kd setup-native` prints the reason and exits 0', () => {
    const r = spawnSync(process.execPath, [bin, 'setup-native'], {
      env: { ...process.env, KD_NATIVE: 'off' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      'kd: native TensorFlow backend not available (KD_NATIVE=off); kd runs on wasm\n',
    );
  });

  test('tfjs-node not installed: says how to install it', () => {
    const r = setupNative({ env: {}, resolveFrom: [join(scratch, 'nowhere', 'noop.js')] });
    assert.equal(r.kind, 'fallback');
    assert.match(formatSetupNative(r), /@tensorflow\/tfjs-node is not installed.*kd runs on wasm$/);
  });

  test('a build that cannot run (no python3, empty cache) leaves no cache entry and no links', () => {
    const { from, packageDir } = packageCopy('nobuild');
    const cache = join(scratch, 'cache');
    const emptyBin = join(scratch, 'empty-bin');
    mkdirSync(emptyBin, { recursive: true });
    const env = { KD_CACHE_DIR: cache, PATH: emptyBin, HOME: scratch };
    const r = setupNative({ env, resolveFrom: [from] });
    assert.equal(r.kind, 'fallback');
    const line = formatSetupNative(r);
    assert.equal(line.split('\n').length, 1);
    assert.match(line, /native build failed: python3 is not on PATH/);
    assert.ok(!existsSync(join(packageDir, 'lib')) && !existsSync(join(packageDir, 'deps')));
    const entries = existsSync(join(cache, 'native')) ? readdirSync(join(cache, 'native')) : [];
    assert.ok(!entries.some((e) => !e.endsWith('.build.log')), entries.join(', '));
  });

  test('a folder kd did not make is never replaced', () => {
    const { from, packageDir } = packageCopy('ownlib');
    mkdirSync(join(packageDir, 'deps'));
    const r = setupNative({ env: { KD_CACHE_DIR: join(scratch, 'c2') }, resolveFrom: [from] });
    assert.equal(r.kind, 'fallback');
    assert.match(formatSetupNative(r), /deps exists and was not made by kd; not touching it/);
    assert.deepEqual(readdirSync(join(packageDir, 'deps')), []);
  });
});
