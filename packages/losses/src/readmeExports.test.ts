import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as api from './index.js';

test('the README names every export of @kd/losses', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const missing = Object.keys(api).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
  assert.deepEqual(missing, []);
});
