import { assertOutputFolder } from '@kd/data-voc-coco-kitti';
import { resolveCheckpoint } from '@kd/distill';
import { initBackend } from '@kd/tensor-ops';
import type { Command } from 'commander';
import { failCommand } from '../failCommand.js';
import { numberFlag } from '../flags/numberFlag.js';
import { buildWebDemo } from '../web/buildWebDemo.js';
import { serveDirectory } from '../web/serveDirectory.js';

interface WebDemoOptions {
  readonly checkpoint: string;
  readonly out: string;
  readonly samples: number;
  readonly score: number;
  readonly json?: boolean;
  readonly force?: boolean;
}

/** `kd build-web-demo` and `kd serve-demo`: the static in-browser demo of an exported student. */
export function registerWebDemo(program: Command): void {
  program
    .command('build-web-demo')
    .description(
      'build the static web demo (bundle, wasm files, exported student, sample images) into a folder',
    )
    .requiredOption(
      '--checkpoint <dir>',
      'student checkpoint folder, or a run folder (its latest checkpoint), to export into the page',
    )
    .option('--out <dir>', 'output folder (new or empty unless --force)', 'web-demo')
    .option(
      '--samples <n>',
      'sample images of the test split to bundle',
      numberFlag('--samples', { min: 0, integer: true }),
      6,
    )
    .option(
      '--score <t>',
      'score threshold of the drawn boxes',
      numberFlag('--score', { min: 0, max: 1 }),
      0.5,
    )
    .option('--json', 'print {out, bundleBytes, samples, classes} on stdout')
    .option(
      '--force',
      'replace an existing non-empty --out folder (without it kd refuses; a file is never replaced)',
    )
    .action(async (opts: WebDemoOptions) => {
      try {
        assertOutputFolder(opts.out, opts.force ? 'force' : 'never');
      } catch (err) {
        failCommand('build-web-demo', (err as Error).message);
      }
      const checkpoint = resolveCheckpoint(opts.checkpoint);
      await initBackend();
      const demo = await buildWebDemo({
        checkpoint,
        out: opts.out,
        samples: opts.samples,
        scoreThreshold: opts.score,
        force: opts.force ?? false,
      });
      const { out, bundleBytes, samples, classes } = demo;
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ out, bundleBytes, samples: samples.length, classes })}\n`,
        );
        return;
      }
      process.stdout.write(
        `web demo in ${demo.out}: demo.js ${(demo.bundleBytes / 1024).toFixed(0)} KiB, ${demo.samples.length} samples, classes ${demo.classes.join(', ')}\nserve it with: kd serve-demo ${demo.out}\n`,
      );
    });

  program
    .command('serve-demo')
    .description('serve a built web demo folder on localhost (static files, node:http)')
    .argument('<dir>', 'folder built by `kd build-web-demo` / `pnpm demo:web`')
    .option(
      '--port <n>',
      'port (0: any free port)',
      numberFlag('--port', { min: 0, max: 65535, integer: true }),
      8080,
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(async (dir: string, opts: { port: number; host: string }) => {
      const { url } = await serveDirectory(dir, opts.port, opts.host);
      process.stdout.write(`serving ${dir} at ${url} (Ctrl-C to stop)\n`);
      await new Promise(() => {});
    });
}
