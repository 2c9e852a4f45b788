import type { Command } from 'commander';
import { formatSetupNative, setupNative } from '../native/setupNative.js';

export function registerSetupNative(program: Command): void {
  program
    .command('setup-native')
    .description(
      'build the native TensorFlow backend for an installed @tensorflow/tfjs-node from the tensorflow-cpu wheel (Linux x86-64, python3 with pip, a C++ compiler), cached in $KD_CACHE_DIR/native; prints one line and exits 0 either way (kd falls back to wasm)',
    )
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) => {
      const r = setupNative();
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${formatSetupNative(r)}\n`);
    });
}
