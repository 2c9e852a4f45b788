import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDataset } from '@kd/distill';
import { bundledPhotos } from './bundledPhotos.js';

for (const [format, dataset] of Object.entries(bundledPhotos))
  test(`bundledPhotos.${format} loads the 4 photos with their 4 classes`, async () => {
    const d = await loadDataset(dataset);
    assert.equal(d.train.length, 4);
    assert.equal(d.test.length, 4);
    assert.equal(d.classNames.length, 4);
  });
