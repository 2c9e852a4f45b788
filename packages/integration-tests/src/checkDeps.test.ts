import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// scripts/check-deps.mjs run on small workspaces written here: each case breaks one rule.
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const script = join(repo, 'scripts', 'check-deps.mjs');
const work = mkdtempSync(join(tmpdir(), 'kd-check-deps-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Pkg {
  json: Record<string, unknown>;
  files: Record<string, string>;
}

const FILES = ['dist', '!dist/**/*.test.*', '!dist/bench'];

/** A two-package workspace: @kd/tensor-ops and @kd/losses, a layer above it. */
function base(): Record<string, Pkg> {
  return {
    'tensor-ops': {
      json: { name: '@kd/tensor-ops', files: FILES, peerDependencies: { 'fp-ts': '^2' } },
      files: { 'src/index.ts': "import * as E from 'fp-ts/lib/Either.js';\nexport const e = E;\n" },
    },
    losses: {
      json: {
        name: '@kd/losses',
        files: FILES,
        devDependencies: { '@kd/tensor-ops': 'workspace:^' },
      },
      files: {
        'src/index.ts': "import type { e } from '@kd/tensor-ops';\nexport type E = typeof e;\n",
        'src/index.test.ts': "import { e } from '@kd/tensor-ops';\nconsole.log(e);\n",
        'src/bench/b.ts': "export { e } from '@kd/tensor-ops';\n",
      },
    },
  };
}

// In-process (the TypeScript parser loads once); the last case runs the script as a command.
const { checkDeps } = (await import(pathToFileURL(script).href)) as {
  checkDeps: (root: string) => { packages: number; problems: string[] };
};

let n = 0;
function check(pkgs: Record<string, Pkg>): { status: number; stderr: string } {
  const root = join(work, `ws${n++}`);
  for (const [dir, { json, files }] of Object.entries(pkgs)) {
    mkdirSync(join(root, 'packages', dir), { recursive: true });
    writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(json));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, 'packages', dir, path)), { recursive: true });
      writeFileSync(join(root, 'packages', dir, path), text);
    }
  }
  const { problems } = checkDeps(root);
  return { status: problems.length === 0 ? 0 : 1, stderr: problems.join('\n') };
}

test('check-deps accepts type-only imports of a devDependency and runtime ones in tests and benches', () => {
  const r = check(base());
  assert.equal(r.status, 0, r.stderr);
});

test('check-deps fails on a runtime import of a devDependency in a shipped file', () => {
  const pkgs = base();
  pkgs.losses!.files['src/index.ts'] = "import { e } from '@kd/tensor-ops';\nexport const f = e;\n";
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /packages\/losses\/src\/index\.ts:1: imports '@kd\/tensor-ops' at runtime in a shipped file, but @kd\/losses declares it only under devDependencies/,
  );
});

test('check-deps treats `import { type X }` as a runtime import (verbatimModuleSyntax keeps it)', () => {
  const pkgs = base();
  pkgs.losses!.files['src/index.ts'] =
    "import { type e } from '@kd/tensor-ops';\nexport type E = e;\n";
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /index\.ts:1: imports '@kd\/tensor-ops' at runtime/);
});

test('check-deps fails on a dynamic import and a re-export of a devDependency', () => {
  const pkgs = base();
  pkgs.losses!.files['src/lazy.ts'] = "export const load = () => import('@kd/tensor-ops');\n";
  pkgs.losses!.files['src/again.ts'] = "export { e } from '@kd/tensor-ops';\n";
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /lazy\.ts:1: imports '@kd\/tensor-ops' at runtime/);
  assert.match(r.stderr, /again\.ts:1: imports '@kd\/tensor-ops' at runtime/);
});

test('check-deps fails on an undeclared import, a deep import and a self-import', () => {
  const pkgs = base();
  pkgs['tensor-ops']!.files['src/x.ts'] =
    "import 'io-ts';\nimport '@kd/tensor-ops';\nexport const x = 1;\n";
  pkgs.losses!.files['src/y.ts'] = "import type { e } from '@kd/tensor-ops/src/index.js';\n";
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /tensor-ops\/src\/x\.ts:1: imports 'io-ts', which @kd\/tensor-ops's package\.json does not declare/,
  );
  assert.match(r.stderr, /tensor-ops\/src\/x\.ts:2: imports its own package '@kd\/tensor-ops'/);
  assert.match(r.stderr, /losses\/src\/y\.ts:1: deep import '@kd\/tensor-ops\/src\/index\.js'/);
});

test('check-deps fails on an edge against the layering and on an unplaced package', () => {
  const pkgs = base();
  pkgs['tensor-ops']!.json.dependencies = { '@kd/losses': 'workspace:^' };
  pkgs.stray = { json: { name: '@kd/stray' }, files: {} };
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /@kd\/tensor-ops may not depend on @kd\/losses \(dependencies\)/);
  assert.match(r.stderr, /@kd\/stray: not placed in the layering/);
});

test('check-deps fails on an example that depends on the command line', () => {
  const pkgs = base();
  pkgs.cli = { json: { name: '@kd/cli' }, files: {} };
  pkgs['example-x'] = {
    json: { name: '@kd/example-x', dependencies: { '@kd/cli': 'workspace:^' } },
    files: {},
  };
  const r = check(pkgs);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /@kd\/example-x may not depend on @kd\/cli \(dependencies\): the examples compose/,
  );
});

test('check-deps, as a command, passes on this repository and exits 1 on a broken workspace', () => {
  const ok = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const pkgs = base();
  pkgs.losses!.files['src/index.ts'] = "export { e } from '@kd/tensor-ops';\n";
  check(pkgs);
  const bad = spawnSync(process.execPath, [script, '--root', join(work, `ws${n - 1}`)], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(
    bad.stderr,
    /dependency check failed:\n {2}packages\/losses\/src\/index\.ts:1: imports/,
  );
});
