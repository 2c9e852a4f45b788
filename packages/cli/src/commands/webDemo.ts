import { assertOutputFolder } from '@kd/data-voc-coco-kitti';
import { initBackend } from '@kd/tensor-ops';
import type { Command } from 'commander';
import { failCommand } from '../failCommand.js';
import { buildWebDemo } from '../web/buildWebDemo.js';
import { serveDirectory } from '../web/serveDirectory.js';

/** `kd build-web-demo` and `kd serve-demo`: the static in-browser demo of an exported student. */
export function registerWebDemo(program: Command): void {
  program
    .command('build-web-demo')
    .description(
      'build the static web demo (bundle, wasm files, exported student, sample images) into a folder',
    )
    .requiredOption('--checkpoint <dir>', 'student checkpoint to export into the page')
    .option('--out <dir>', 'output folder (new or empty unless --force)', 'web-demo')
    .option('--samples <n>', 'sample images of the test split to bundle', '6')
    .option('--score <t>', 'score threshold of the drawn boxes', '0.5')
    .option(
      '--force',
      'replace an existing non-empty --out folder (without it kd refuses; a file is never replaced)',
    )
    .action(
      async (opts: {
        checkpoint: string;
        out: string;
        samples: string;
        score: string;
        force?: boolean;
      }) => {
        try {
          assertOutputFolder(opts.out, opts.force ? 'force' : 'never');
        } catch (err) {
          failCommand('build-web-demo', (err as Error).message);
        }
        await initBackend();
        const demo = await buildWebDemo({
          checkpoint: opts.checkpoint,
          out: opts.out,
          samples: Number(opts.samples),
          scoreThreshold: Number(opts.score),
          force: opts.force ?? false,
        });
        process.stdout.write(
          `web demo in ${demo.out}: demo.js ${(demo.bundleBytes / 1024).toFixed(0)} KiB, ${demo.samples.length} samples, classes ${demo.classes.join(', ')}\nserve it with: kd serve-demo ${demo.out}\n`,
        );
      },
    );

  program
    .command('serve-demo')
    .description('serve a built web demo folder on localhost (static files, node:http)')
    .argument('<dir>', 'folder built by `kd build-web-demo` / `pnpm demo:web`')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(async (dir: string, opts: { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        failCommand('serve-demo', `--port ${opts.port}: expected 0–65535`);
      const { url } = await serveDirectory(dir, port, opts.host);
      process.stdout.write(`serving ${dir} at ${url} (Ctrl-C to stop)\n`);
      await new Promise(() => {});
    });
}
