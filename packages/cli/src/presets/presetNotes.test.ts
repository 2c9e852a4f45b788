import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { kd } from '../test-util.js';
import { PRESET_NAMES, presetConfig, presetNotes } from './presets.js';

const at = (value: unknown, path: string): unknown =>
  path === ''
    ? value
    : path
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

describe('preset notes', () => {
  test('every preset has notes, and every note names a value the preset sets', () => {
    for (const name of PRESET_NAMES) {
      const c = presetConfig(name);
      assert.ok(E.isRight(c), name);
      const notes = presetNotes(name);
      assert.ok(notes.length > 0, `${name} has no notes`);
      for (const [path] of notes) assert.notEqual(at(c.right, path), undefined, `${name}: ${path}`);
    }
  });

  test('the paper presets say which values the paper does not state', () => {
    const notes = new Map(presetNotes('voc07-vgg16-to-alexnet'));
    assert.match(notes.get('distill.objective.mu')!, /not stated in the paper/);
    assert.match(notes.get('optim.steps')!, /not stated in the paper/);
    assert.match(notes.get('model.detector')!, /random weights/);
  });

  test('kd presets NAME: the config alone on stdout, the notes on stderr; --set applies and validates', async () => {
    const r = await kd(['presets', 'voc07-vgg16-to-alexnet', '--set', 'optim.lr=0.01']);
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(r.stdout) as { optim: { lr: number } };
    assert.equal(config.optim.lr, 0.01);
    assert.match(r.stderr, /^notes on voc07-vgg16-to-alexnet:\n/);
    assert.match(r.stderr, /\n {2}distill\.objective\.mu: not stated in the paper/);
    const bad = await kd(['presets', 'shapes-student', '--set', 'optim.lr=-1']);
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^kd presets: preset shapes-student with --set optim\.lr=-1: invalid run config\n {2}at optim\.lr: expected Positive, got -1/,
    );
    const unknown = await kd(['presets', 'shapes-student', '--set', 'optim.lrr=1']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown key\(s\): optim\.lrr/);
  });
});
