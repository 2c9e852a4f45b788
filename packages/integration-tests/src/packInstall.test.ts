import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Packs every public @kd package, installs the tarballs together into an empty npm project outside
// the repository (as a user would), and runs a script that imports each of them there.
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kd-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

const PACKAGES = [
  'tensor-ops',
  'eval',
  'data-voc-coco-kitti',
  'losses',
  'adaptation',
  'faster-rcnn',
  'distill',
  'cli',
] as const;

function pack(dir: string): string {
  const pnpmCli = process.env.npm_execpath;
  // pnpm rewrites workspace: ranges to real versions in the tarball; fall back to npx pnpm.
  const [cmd, args] =
    pnpmCli && /pnpm/.test(pnpmCli)
      ? [process.execPath, [pnpmCli, 'pack', '--pack-destination', work]]
      : ['npx', ['-y', 'pnpm@9.15.9', 'pack', '--pack-destination', work]];
  const out = execFileSync(cmd, args as string[], { cwd: dir, encoding: 'utf8' });
  const line = out.trim().split('\n').at(-1)!;
  return line.trim();
}

test('the packed packages install together into an empty npm project and import there', {
  timeout: 600_000,
}, () => {
  const tarballs: Record<string, string> = {};
  for (const name of PACKAGES) {
    const dir = join(repo, 'packages', name);
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
    pack(dir);
    const file = readdirSync(work).find((f) => f.startsWith(`kd-${name}-`) && f.endsWith('.tgz'));
    assert.ok(file, `no tarball for ${pj.name}`);
    tarballs[pj.name] = `file:${join(work, file)}`;
  }
  const project = join(work, 'app');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'kd-pack-check',
      private: true,
      type: 'module',
      dependencies: {
        ...tarballs,
        '@tensorflow/tfjs-core': '^4.22.0',
        'fp-ts': '^2.16.0',
        'io-ts': '^2.2.21',
      },
      // Inter-package ranges (^0.1.0) must resolve to these tarballs, not to the registry.
      overrides: tarballs,
    }),
  );
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    encoding: 'utf8',
  });
  assert.equal(install.status, 0, `npm install failed:\n${install.stderr}`);

  writeFileSync(
    join(project, 'check.mjs'),
    `import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@kd/tensor-ops';
const mods = {};
for (const name of ${JSON.stringify(PACKAGES.filter((p) => p !== 'cli').map((p) => `@kd/${p}`))}) mods[name] = await import(name);
const info = await initBackend({ backend: 'wasm' });
const x = tf.variable(tf.ones([1, 6, 6, 2]));
const w = tf.variable(tf.ones([3, 3, 2, 4]));
const g = tf.variableGrads(() => tf.sum(tf.conv2d(x, w, 2, 'same')), [w]);
console.log(JSON.stringify({ backend: info.name, grad: Array.from(g.grads[w.name].dataSync()).slice(0, 2), loaded: Object.keys(mods) }));
`,
  );
  const run = spawnSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
  assert.equal(out.backend, 'wasm');
  assert.equal(out.loaded.length, PACKAGES.length - 1);
  assert.ok(out.grad[0] > 0);

  const kd = spawnSync(join(project, 'node_modules', '.bin', 'kd'), ['info', '--json'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, KD_BACKEND: 'wasm' },
  });
  assert.equal(kd.status, 0, kd.stderr);
  assert.equal(JSON.parse(kd.stdout).backend, 'wasm');
});
