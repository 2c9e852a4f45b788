import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
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
});
