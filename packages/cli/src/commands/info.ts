import { availableParallelism, cpus, totalmem } from 'node:os';
import type { BackendInfo } from '@kd/tensor-ops';
import type { Command } from 'commander';
import { formatTable } from '../format/formatTable.js';
import { kdVersion } from '../version.js';

export interface InfoReport {
  readonly kd: string;
  readonly backend: BackendInfo['name'];
  readonly backendPackage: string;
  readonly requested: string | null;
  readonly tfjs: string;
  /** TensorFlow C library version on the tensorflow backend, else null. */
  readonly tensorflow: string | null;
  readonly threads: BackendInfo['threads'];
  readonly node: string;
  readonly platform: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly wasm: BackendInfo['wasm'] | null;
  readonly trainingKernels: readonly string[];
  readonly candidates: BackendInfo['candidates'];
}

export function buildInfoReport(info: BackendInfo): InfoReport {
  return {
    kd: kdVersion(),
    backend: info.name,
    backendPackage: info.package,
    requested: info.requested ?? null,
    tfjs: info.tfjsVersion,
    tensorflow: info.tensorflowVersion ?? null,
    threads: info.threads,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    wasm: info.wasm ?? null,
    trainingKernels: info.trainingKernels,
    candidates: info.candidates,
  };
}

export function formatInfoReport(r: InfoReport): string {
  const wasm = r.wasm
    ? `, SIMD ${r.wasm.simd ? 'on' : 'off'}, threads ${r.wasm.threads ? 'on' : 'off (one core)'}`
    : '';
  const lines = [
    `kd ${r.kd}`,
    '',
    formatTable(
      ['', ''],
      [
        ['active backend', `${r.backend} (${r.backendPackage})${wasm}`],
        [
          'requested',
          r.requested ?? '(none: automatic choice; set KD_BACKEND=tensorflow|wasm|cpu)',
        ],
        ['TensorFlow.js', r.tfjs],
        ['TensorFlow', r.tensorflow ?? '(not used: no native backend)'],
        ['threads', `${r.threads.count} (${r.threads.source})`],
        ['Node.js', `${r.node} (${r.platform})`],
        ['CPU', `${r.cores} cores, ${r.cpuModel}`],
        ['memory', `${r.memoryGiB} GiB`],
        ['kd kernels', r.trainingKernels.length ? r.trainingKernels.join(', ') : '(none needed)'],
      ],
      { header: false },
    ),
    '',
    'Backends, in order of preference:',
    formatTable(
      ['backend', 'package', 'available', 'why'],
      r.candidates.map((c) => [c.name, c.package, c.available ? 'yes' : 'no', c.reason]),
    ),
  ];
  return lines.join('\n');
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description(
      'show the active TensorFlow.js backend, why the others were not chosen, versions and cores',
    )
    .option('--json', 'print a JSON object instead of a table')
    .action(async (opts: { json?: boolean }) => {
      // imported here: loading TensorFlow.js would slow down the start of every other command
      const { initBackend } = await import('@kd/tensor-ops');
      const info = await initBackend();
      const report = buildInfoReport(info);
      process.stdout.write(
        opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInfoReport(report)}\n`,
      );
    });
}
