#!/usr/bin/env node
// Removes the current package's dist/ before `tsc` builds it: tsc never deletes the outputs of a
// source file that was removed or renamed, and those would otherwise be tested (`node --test
// dist/`) and packed (their source maps pointing at sources that no longer exist).
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
