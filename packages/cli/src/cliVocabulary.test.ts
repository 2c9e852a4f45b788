import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { commandPath } from './commandPath.js';
import { buildProgram } from './program.js';
import { kd } from './test-util.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's vocabulary table as command → flags (long names). */
function tableFlags(): Map<string, Set<string>> {
  const section = readme.split('## One vocabulary')[1]?.split('\n## ')[0];
  assert.ok(section, 'README has no "## One vocabulary" section');
  const byCommand = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[1]!.startsWith('`--')) continue;
    const flags = [...cells[1]!.matchAll(/`(--[\w-]+)`/g)].map((m) => m[1]!);
    for (const cmd of cells[3]!.split(',').map((c) => `kd ${c.trim()}`)) {
      const set = byCommand.get(cmd) ?? new Set<string>();
      for (const f of flags) set.add(f);
      byCommand.set(cmd, set);
    }
  }
  return byCommand;
}

/** Every command that runs something (no subcommands), with the long flags its --help shows. */
function helpFlags(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (cmd: Command) => {
    if (cmd.commands.length > 0) {
      for (const sub of cmd.commands) walk(sub);
      return;
    }
    const help = cmd.helpInformation();
    const options = help.split(/^Options:$/m)[1] ?? '';
    const flags = [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
    out.set(commandPath(cmd), new Set(flags.filter((f) => f !== '--help')));
  };
  walk(buildProgram());
  return out;
}

describe('the CLI vocabulary', () => {
  test("the README's table lists exactly the flags of every command's --help", () => {
    const table = tableFlags();
    const help = helpFlags();
    assert.deepEqual(
      [...table.keys()].filter((c) => !help.has(c)),
      [],
      'commands in the table that kd does not have',
    );
    for (const [cmd, flags] of help) {
      const listed = table.get(cmd) ?? new Set<string>();
      assert.deepEqual([...flags].sort(), [...listed].sort(), `${cmd}: --help vs the README table`);
    }
  });

  test('--json wherever a command prints a result; one VOC --metric default', () => {
    const help = helpFlags();
    for (const [cmd, flags] of help)
      if (!['kd presets', 'kd serve-demo'].includes(cmd)) assert.ok(flags.has('--json'), cmd);
    const defaults = new Set<unknown>();
    const walk = (c: Command): void => {
      for (const o of c.options) if (o.long === '--metric') defaults.add(o.defaultValue);
      for (const s of c.commands) walk(s);
    };
    walk(buildProgram());
    assert.deepEqual([...defaults], ['07']);
  });

  test('old flag names still work, with a warning; old and new together are a usage error', async () => {
    const [old, both, none] = await Promise.all([
      kd(['eval', 'kitti', '--labels', '/nowhere/label_2', '--results', '/nowhere/results']),
      kd(['eval', 'voc', '--devkit', 'a', '--gt', 'b', '--split', 'test', '--dets', 'c']),
      kd(['data', 'stats', '--format', 'voc']),
    ]);
    assert.match(old.stderr, /^kd eval kitti: --labels is deprecated; use --gt$/m);
    assert.match(old.stderr, /^kd eval kitti: --results is deprecated; use --dets$/m);
    assert.match(old.stderr, /^kd eval kitti: \/nowhere\/label_2/m, 'the old value is used');
    assert.equal(old.status, 1);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /^kd eval voc: give --gt or its old name --devkit, not both/m);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^kd data stats: required option '--data-root <path>' not specified/);
  });

  test('usage errors exit 2 with the command prefix; --help and --version exit 0', async () => {
    const [unknown, missing, help, version] = await Promise.all([
      kd(['eval', 'coco', '--gt', 'a', '--dets', 'b', '--nope']),
      kd(['eval', 'coco']),
      kd(['eval', 'coco', '--help']),
      kd(['--version']),
    ]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^kd eval coco: unknown option '--nope'/);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^kd eval coco: required option '--gt <file>' not specified/);
    assert.equal(help.status, 0);
    assert.equal(version.status, 0);
  });
});
