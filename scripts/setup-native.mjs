#!/usr/bin/env node
// Builds (or links from the cache) the native TensorFlow backend for the workspace's
// @tensorflow/tfjs-node, or prints the one line saying why kd will run on wasm. Never fails the
// command it is part of. Needs @kd/cli built (`pnpm setup-native` builds it first).
import { formatSetupNative, setupNative } from '../packages/cli/dist/native/setupNative.js';

const root = new URL('..', import.meta.url).pathname;
const result = setupNative({ resolveFrom: [`${root}noop.js`] });
console.log(formatSetupNative(result));
