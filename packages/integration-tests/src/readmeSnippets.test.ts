import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Every ```ts block of every README (root, packages, examples) is type-checked against the built
// packages, as a user's file importing them; the self-contained ones also run. A block that
// cannot run (it needs a dataset, a trained model, or names it leaves to the reader) says so
// right before it, visibly in the Markdown source, and declares the names it leaves open:
//
//   <!-- snippet: no-run — reason
//   declare const batch: import('@kd/faster-rcnn').DetectionBatch;
//   -->
//
// The declarations are type-checked with the block, so a call on them is checked too.

const here = fileURLToPath(new URL('..', import.meta.url)); // packages/integration-tests
const repo = join(here, '..', '..');

interface Snippet {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  /** Why the block does not run; undefined when it runs. */
  readonly noRun?: string;
  /** TypeScript declarations of the names the block leaves open. */
  readonly declarations: string;
}

const MARKER = /<!--\s*snippet:\s*no-run\s*[—-]+\s*([^\n]*?)\s*(?:\n([\s\S]*?))?-->\s*$/;

/** The ```ts / ```typescript blocks of a Markdown text, with their opt-out markers. */
function extractSnippets(readme: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    // The marker is the last thing before the block (blank lines allowed).
    let j = start - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    let noRun: string | undefined;
    let declarations = '';
    if (j >= 0 && lines[j]!.trim().endsWith('-->')) {
      let k = j;
      while (k >= 0 && !lines[k]!.includes('<!--')) k--;
      const m = MARKER.exec(lines.slice(k, j + 1).join('\n'));
      if (m) {
        noRun = m[1]!.replace(/\s*-->$/, '');
        declarations = m[2] ?? '';
      }
    }
    out.push({
      readme,
      line: start + 1,
      code: body.join('\n'),
      ...(noRun !== undefined ? { noRun } : {}),
      declarations,
    });
  }
  return out;
}

const readmes = [
  join(repo, 'README.md'),
  ...['packages', 'examples'].flatMap((group) =>
    readdirSync(join(repo, group))
      .map((d) => join(repo, group, d, 'README.md'))
      .filter(existsSync),
  ),
];
const snippets = readmes.flatMap((f) =>
  extractSnippets(relative(repo, f), readFileSync(f, 'utf8')),
);
const name = (s: Snippet) => `${s.readme}:${s.line}`;

// Inside this package so that `@kd/*` resolve through its node_modules, as in a user's project.
const work = mkdtempSync(join(here, '.snippets-'));
after(() => rmSync(work, { recursive: true, force: true }));
const fileOf = new Map<Snippet, string>();
snippets.forEach((s, k) => {
  const file = join(work, `snippet-${k}.mts`);
  // Declarations first (line numbers are reported relative to the block); `export {}` makes a module.
  writeFileSync(file, `${s.declarations}\n${s.code}\nexport {};\n`);
  fileOf.set(s, file);
});

function compilerOptions(): ts.CompilerOptions {
  const base = ts.readConfigFile(join(repo, 'tsconfig.base.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, repo);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
}

describe('README snippets', () => {
  test('there are snippets, and every no-run marker gives a reason', () => {
    assert.ok(snippets.length >= 10, `only ${snippets.length} snippets found`);
    for (const s of snippets)
      if (s.noRun !== undefined)
        assert.ok(s.noRun.length > 3, `${name(s)}: no-run without a reason`);
  });

  const program = ts.createProgram([...fileOf.values()], compilerOptions());
  for (const s of snippets) {
    test(`${name(s)} type-checks against the built packages`, () => {
      const source = program.getSourceFile(fileOf.get(s)!)!;
      const offset = s.declarations === '' ? 1 : s.declarations.split('\n').length + 1;
      const messages = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ].map((d) => {
        const { line } =
          d.start === undefined ? { line: -1 } : source.getLineAndCharacterOfPosition(d.start);
        const where = line + 1 > offset ? `line ${s.line + line + 1 - offset}` : 'declarations';
        return `${s.readme}: ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      assert.deepEqual(messages, []);
    });
  }

  for (const s of snippets.filter((x) => x.noRun === undefined)) {
    test(`${name(s)} runs`, { timeout: 240_000 }, () => {
      const js = ts.transpileModule(s.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const file = fileOf.get(s)!.replace(/\.mts$/, '.mjs');
      writeFileSync(file, js);
      const cwd = mkdtempSync(join(tmpdir(), 'kd-snippet-'));
      try {
        mkdirSync(cwd, { recursive: true });
        const r = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: 220_000 });
        assert.equal(r.status, 0, `${name(s)} exited ${r.status}:\n${r.stderr}`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
