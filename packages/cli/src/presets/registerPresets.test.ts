import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRESET_NAMES } from '@kd/distill';
import { kd } from '../test-util.js';

describe('kd presets', () => {
  test('kd presets lists them; kd presets NAME prints a config kd accepts back', async () => {
    const list = await kd(['presets']);
    assert.equal(list.status, 0, list.stderr);
    for (const n of PRESET_NAMES) assert.match(list.stdout, new RegExp(`^${n} `, 'm'));
    const one = await kd(['presets', 'shapes-hires']);
    assert.equal(one.status, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).distill.teacherMinSize, 128);
    const bad = await kd(['train', '--preset', 'nope']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown preset 'nope'.*shapes-teacher/);
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
