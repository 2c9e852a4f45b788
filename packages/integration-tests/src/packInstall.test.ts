import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Packs each public @kd package as `pnpm pack` would publish it, then installs each one ALONE into
// its own empty npm project outside the repository: the tarball, its declared dependencies (npm
// also installs required peers), and for its @kd dependencies the local tarballs of those, never
// the whole set. Then imports every entry of its `exports` map (each condition's file) there. A
// runtime import of something the package declares only for development fails here.
const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kd-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface PackageJson {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
}

const packages = readdirSync(join(repo, 'packages'))
  .sort()
  .map((dir) => ({
    dir: join(repo, 'packages', dir),
    json: JSON.parse(
      readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'),
    ) as PackageJson,
  }))
  .filter((p) => p.json.private !== true);
const byName = new Map(packages.map((p) => [p.json.name, p]));
const tarballs = new Map<string, string>();

function pack(dir: string): string {
  const pnpmCli = process.env.npm_execpath;
  // pnpm rewrites workspace: ranges to real versions in the tarball; fall back to npx pnpm.
  const [cmd, args] =
    pnpmCli && /pnpm/.test(pnpmCli)
      ? [process.execPath, [pnpmCli, 'pack', '--pack-destination', work]]
      : ['npx', ['-y', 'pnpm@9.15.9', 'pack', '--pack-destination', work]];
  const out = execFileSync(cmd, args as string[], { cwd: dir, encoding: 'utf8' });
  const file = out.trim().split('\n').at(-1)!.trim();
  assert.ok(existsSync(file), `pnpm pack in ${dir} did not report a tarball (${out})`);
  return file;
}

/** The @kd packages `name` needs installed: its runtime @kd dependencies, transitively. */
function workspaceClosure(name: string, seen = new Set<string>()): Set<string> {
  const json = byName.get(name)!.json;
  for (const dep of Object.keys({ ...json.dependencies, ...json.peerDependencies })) {
    if (!byName.has(dep) || seen.has(dep)) continue;
    seen.add(dep);
    workspaceClosure(dep, seen);
  }
  return seen;
}

/** Every file an `exports` map points at, as `[specifier, condition, file]` (package.json left out). */
function exportTargets(json: PackageJson): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const [sub, target] of Object.entries(json.exports ?? { '.': './dist/index.js' })) {
    if (sub === './package.json') continue;
    const spec = sub === '.' ? json.name : `${json.name}/${sub.slice(2)}`;
    if (typeof target === 'string') out.push([spec, 'default', target]);
    else
      for (const [condition, file] of Object.entries(target))
        if (condition !== 'types') out.push([spec, condition, file]);
  }
  return out;
}

before(() => {
  for (const { dir, json } of packages) tarballs.set(json.name, pack(dir));
});

describe('each published package, packed and installed alone', { concurrency: 3 }, () => {
  for (const { json } of packages) {
    test(`${json.name}: its tarball ships no tests, benches or dangling source maps`, () => {
      const unpacked = join(work, 'unpacked', json.name);
      mkdirSync(unpacked, { recursive: true });
      execFileSync('tar', ['-xzf', tarballs.get(json.name)!, '-C', unpacked]);
      const files = execFileSync('tar', ['-tzf', tarballs.get(json.name)!], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((f) => f.replace(/^package\//, ''));
      const shipped = new Set(files);
      const unwanted = files.filter((f) =>
        /(\.test\.|(^|\/)bench\/|(^|\/)test-util|\/internal\/testing\.|\.tsbuildinfo$)/.test(f),
      );
      assert.deepEqual(unwanted, [], `${json.name} ships files only the repository needs`);
      for (const map of files.filter((f) => f.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(join(unpacked, 'package', map), 'utf8')) as {
          sources: string[];
        };
        for (const s of sources) {
          const target = normalize(join(dirname(map), s));
          assert.ok(shipped.has(target), `${json.name}: ${map} points at ${target}, not shipped`);
        }
      }
    });

    test(`${json.name}: installs alone into an empty npm project and every export imports`, {
      timeout: 600_000,
    }, async () => {
      const project = join(work, 'alone', json.name.replace('/', '+'));
      mkdirSync(project, { recursive: true });
      const file = (name: string) => `file:${tarballs.get(name)!}`;
      // Its @kd dependencies' ranges (^0.1.0) must resolve to the local tarballs, not the registry.
      const overrides = Object.fromEntries(
        [...workspaceClosure(json.name)].map((d) => [d, file(d)]),
      );
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: 'kd-pack-check',
          private: true,
          type: 'module',
          dependencies: { [json.name]: file(json.name) },
          overrides,
        }),
      );
      await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
        {
          cwd: project,
          maxBuffer: 64 << 20,
        },
      ).catch((err: { stderr?: string }) => assert.fail(`npm install failed:\n${err.stderr}`));

      const installed = readdirSync(join(project, 'node_modules', '@kd')).sort();
      assert.deepEqual(
        installed,
        [json.name, ...workspaceClosure(json.name)].map((n) => n.slice(4)).sort(),
        'only the package and its declared @kd dependencies are installed',
      );

      const targets = exportTargets(json);
      writeFileSync(
        join(project, 'check.mjs'),
        `const out = [];
for (const [spec, condition, file] of ${JSON.stringify(targets)}) {
  // the import condition through the package's own name; other conditions (browser) by file
  const url = condition === 'import' || condition === 'default'
    ? spec
    : new URL(file, new URL('./node_modules/${json.name}/', import.meta.url)).href;
  const mod = await import(url);
  out.push({ spec, condition, names: Object.keys(mod).length });
}
console.log(JSON.stringify(out));
`,
      );
      const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: project }).catch(
        (err: { stderr?: string }) => assert.fail(`importing ${json.name} failed:\n${err.stderr}`),
      );
      const loaded = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        spec: string;
        condition: string;
        names: number;
      }[];
      assert.equal(loaded.length, targets.length);
      for (const l of loaded) assert.ok(l.names > 0, `${l.spec} (${l.condition}) exports nothing`);

      for (const bin of Object.keys(json.bin ?? {})) {
        const { stdout: info } = await run(
          join(project, 'node_modules', '.bin', bin),
          ['info', '--json'],
          {
            cwd: project,
            env: { ...process.env, KD_BACKEND: 'wasm' },
          },
        );
        assert.equal((JSON.parse(info) as { backend: string }).backend, 'wasm');
      }
    });
  }
});
