#!/usr/bin/env node
// Checks the package dependency graph of the workspace:
// - every @kd package sits in a layer and depends only on packages of lower layers (so no cycles);
// - every bare import in a package's sources is declared in its package.json;
// - a runtime import (anything but `import type` / `export type`, which the compiler erases) in a
//   file the package ships is declared under dependencies or peerDependencies, not only
//   devDependencies (a user's install has no devDependencies);
// - no deep imports into another @kd package's internals, and no package imports itself.
// Imports are read with the TypeScript parser, not a regular expression, so type-only imports,
// re-exports and dynamic `import('…')` are told apart exactly.
// Usage: node scripts/check-deps.mjs [--root <workspace>]  (default: this repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layering, bottom first. A package may depend on packages of strictly lower layers only.
 * Examples (`@kd/example-*`, over their shared helpers) and the private test package sit on top.
 */
export const LAYERS = [
  ['@kd/codecs', '@kd/random'],
  ['@kd/tensor-ops'],
  ['@kd/losses', '@kd/adaptation', '@kd/data-voc-coco-kitti', '@kd/eval'],
  ['@kd/faster-rcnn'],
  ['@kd/distill'],
  ['@kd/cli'],
  ['@kd/example-shared'],
];
const TOP = LAYERS.length;
/** Applications over the libraries: the examples show the libraries, so they never depend on these. */
export const APP_ONLY = ['@kd/cli'];

/** The layer of a package name, or undefined when the layering does not place it. */
export function layerOf(name) {
  const i = LAYERS.findIndex((layer) => layer.includes(name));
  if (i >= 0) return i;
  if (name.startsWith('@kd/example') || name === '@kd/integration-tests') return TOP;
  return undefined;
}

/** `fp-ts/lib/Either.js` → `fp-ts`, `@kd/losses/x` → `@kd/losses`; undefined for relative/builtin. */
export function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return undefined;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return builtinModules.includes(name) ? undefined : name;
}

/** The module specifiers a TypeScript source imports, each with whether it survives compilation. */
export function importsOf(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const add = (node, spec, typeOnly) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ spec, typeOnly, line: line + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // Under verbatimModuleSyntax only `import type` is erased; `import { type A }` stays as
      // `import {} from '…'`, which still loads the module.
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly === true);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal))
        add(node, arg.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A package.json `files` glob as a RegExp over paths relative to the package (matches a folder's contents too). */
function globRe(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re.replace(/\/$/, '')}(/.*)?$`);
}

/**
 * Whether the package ships the compiled form of `src/<rel>.ts` (its `files` list, last matching
 * pattern wins as in npm). Without a `files` list everything ships.
 */
export function shipsSource(files, relFromSrc) {
  if (!files) return true;
  const compiled = `dist/${relFromSrc.replace(/\.(m?)tsx?$/, '.$1js')}`;
  let shipped = false;
  for (const pattern of files) {
    const negated = pattern.startsWith('!');
    if (globRe(negated ? pattern.slice(1) : pattern).test(compiled)) shipped = !negated;
  }
  return shipped;
}

function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith('.d.ts')) yield p;
  }
}

/** Every problem of the workspace at `root`, as messages naming the package or file. */
export function checkDeps(root) {
  const pkgs = new Map();
  for (const group of ['packages', 'examples']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const dir of readdirSync(base).sort()) {
      const pj = join(base, dir, 'package.json');
      if (!existsSync(pj)) continue;
      const json = JSON.parse(readFileSync(pj, 'utf8'));
      pkgs.set(json.name, { dir: join(base, dir), json });
    }
  }

  const problems = [];
  for (const [name, { json }] of pkgs) {
    const layer = layerOf(name);
    if (layer === undefined) {
      problems.push(`${name}: not placed in the layering (LAYERS in scripts/check-deps.mjs)`);
      continue;
    }
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies'])
      for (const dep of Object.keys(json[field] ?? {})) {
        if (!dep.startsWith('@kd/')) continue;
        const depLayer = layerOf(dep);
        if (depLayer === undefined || depLayer >= layer)
          problems.push(
            `${name} may not depend on ${dep} (${field}): a package depends only on lower layers (${LAYERS.map((l) => l.join(', ')).join(' < ')} < examples)`,
          );
        else if (name.startsWith('@kd/example') && APP_ONLY.includes(dep))
          problems.push(
            `${name} may not depend on ${dep} (${field}): the examples compose the library packages (@kd/distill and below), not the command line`,
          );
      }
  }

  for (const [name, { dir, json }] of pkgs) {
    const src = join(dir, 'src');
    if (!existsSync(src)) continue;
    const runtime = new Set(
      Object.keys({ ...json.dependencies, ...json.peerDependencies, ...json.optionalDependencies }),
    );
    const dev = new Set(Object.keys(json.devDependencies ?? {}));
    for (const file of sources(src)) {
      const rel = relative(root, file);
      const shipped = json.private !== true && shipsSource(json.files, relative(src, file));
      for (const { spec, typeOnly, line } of importsOf(file, readFileSync(file, 'utf8'))) {
        const base = packageOf(spec);
        if (base === undefined) continue;
        const at = `${rel}:${line}`;
        // A subpath is public only when the package's `exports` names it ('@kd/tensor-ops/testing').
        const exported = Object.keys(pkgs.get(base)?.json.exports ?? {});
        if (
          base.startsWith('@kd/') &&
          spec !== base &&
          !exported.includes(`.${spec.slice(base.length)}`)
        )
          problems.push(`${at}: deep import '${spec}' (import from '${base}' only)`);
        if (base === name) {
          problems.push(`${at}: imports its own package '${base}'`);
          continue;
        }
        if (!runtime.has(base) && !dev.has(base))
          problems.push(`${at}: imports '${base}', which ${name}'s package.json does not declare`);
        else if (shipped && !typeOnly && !runtime.has(base))
          problems.push(
            `${at}: imports '${base}' at runtime in a shipped file, but ${name} declares it only under devDependencies (move it to dependencies or peerDependencies, or use \`import type\`)`,
          );
      }
    }
  }
  return { packages: pkgs.size, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--root');
  const root = i >= 0 ? process.argv[i + 1] : fileURLToPath(new URL('..', import.meta.url));
  const { packages, problems } = checkDeps(root);
  if (problems.length) {
    console.error(`dependency check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(
    `dependency check: ${packages} packages, layered (no cycles), every import declared, no runtime import of a devDependency, no deep imports`,
  );
}
