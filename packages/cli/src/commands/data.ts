import { type DatasetStats, datasetFormatNames } from '@kd/data-voc-coco-kitti';
import { type Command, Option } from 'commander';
import { failCommand } from '../failCommand.js';
import { deprecatedAlias } from '../flags/deprecatedAlias.js';

/**
 * `kd data stats`: reads a dataset in its on-disk layout with `@kd/data-voc-coco-kitti`'s
 * validating readers and prints `datasetStats` (table or JSON). Exit status 1 when a problem is
 * fatal, i.e. the dataset cannot be used as it is; fixed or skipped problems are only listed.
 */
export function registerData(program: Command): void {
  const data = program.command('data').description('inspect and validate detection datasets');

  const stats = data
    .command('stats')
    .description(
      'images, objects per class, difficult/crowd/DontCare counts, box sizes, and every validation problem with its location',
    )
    .addOption(
      new Option('--format <format>', 'on-disk layout (a registered dataset format)')
        .choices(datasetFormatNames())
        .makeOptionMandatory(),
    )
    .option(
      '--data-root <path>',
      'dataset root: VOCdevkit (or VOC20xx), the COCO folder holding annotations/, the KITTI folder holding training/',
    )
    .option(
      '--split <name>',
      'VOC ImageSets/Main/<name>.txt, COCO annotations/instances_<name>.json, KITTI ImageSets/<name>.txt',
    )
    .addOption(
      new Option(
        '--policy <policy>',
        'what to do with a fixable problem: fix (clip boxes), skip (drop the object), fatal (stop)',
      )
        .choices(['fix', 'skip', 'fatal'])
        .default('fix'),
    )
    .option(
      '--json',
      'print {images, objects, perClass: {name: count}, problems: [{file, where, message, fatal}], …}',
    )
    .action(
      async (opts: {
        format: DatasetStats['format'];
        dataRoot: string;
        split?: string;
        policy: 'fix' | 'skip' | 'fatal';
        json?: boolean;
      }) => {
        const { datasetStats, formatStatsTable } = await import('@kd/data-voc-coco-kitti');
        const s = await datasetStats({
          format: opts.format,
          root: opts.dataRoot,
          ...(opts.split !== undefined ? { split: opts.split } : {}),
          policy: opts.policy,
        });
        process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatStatsTable(s));
        const fatal = s.problems.filter((p) => p.fatal);
        if (s.fatal || fatal.length > 0) {
          const first = fatal[0];
          failCommand(
            'data stats',
            `${fatal.length} fatal problem${fatal.length === 1 ? '' : 's'}: the dataset cannot be used as it is${
              first ? `; first: ${first.file}: ${first.where}: ${first.message}` : ''
            }`,
          );
        }
      },
    );
  deprecatedAlias(stats, '--root', '--data-root', true);
}
