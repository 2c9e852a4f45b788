import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import { PRESET_NAMES, presetConfig } from './presets.js';
import { requirePreset } from './requirePreset.js';

test('requirePreset returns the decoded preset for every name', () => {
  for (const name of PRESET_NAMES) {
    const r = presetConfig(name);
    assert.ok(E.isRight(r), name);
    assert.deepEqual(requirePreset(name), r.right);
  }
});

test('requirePreset throws for an unknown name, listing the presets', () => {
  assert.throws(
    () => requirePreset('voc07-nope'),
    /unknown preset 'voc07-nope'.*voc07-vgg16-teacher/,
  );
});
