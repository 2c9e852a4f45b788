#!/usr/bin/env node
import { runKd } from './program.js';

process.exitCode = await runKd(process.argv.slice(2));
