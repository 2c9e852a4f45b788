import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  importOptional,
  isInstalled,
  missingMessage,
  OPTIONAL_DEPENDENCIES,
} from './optionalDependency.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('optional dependencies', () => {
  test('each is an optional peer dependency with the same range, not a dependency', () => {
    for (const [name, { range }] of Object.entries(OPTIONAL_DEPENDENCIES)) {
      assert.equal(pkg.dependencies[name], undefined, `${name} is still a dependency`);
      assert.equal(pkg.peerDependencies[name], range, name);
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, name);
    }
  });

  test('a missing one names the feature and the install command', () => {
    assert.equal(
      missingMessage('vega'),
      "kd report and kd demo (draw the charts) needs the optional package vega, which is not installed: npm install vega@'^6.2.0'",
    );
    assert.equal(isInstalled('kd-no-such-package'), false);
    assert.equal(isInstalled('vega'), true);
  });

  test('an installed one imports', async () => {
    const vega = await importOptional<{ View: unknown }>('vega');
    assert.equal(typeof vega.View, 'function');
  });
});
