// One-off scaffold for package skeletons (kept for adding packages consistently).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const TF = '^4.22.0';
const pkgs = {
  'tensor-ops': {
    desc: 'Detection primitives over TensorFlow.js: backend selection, wasm training kernels, boxes, anchors, NMS, RoIAlign/RoIPool, matching and sampling.',
    deps: { '@tensorflow/tfjs-backend-cpu': TF, '@tensorflow/tfjs-backend-wasm': TF },
    peers: {
      '@tensorflow/tfjs-core': TF,
      '@tensorflow/tfjs-node': TF,
      '@tensorflow/tfjs-node-gpu': TF,
    },
    optionalPeers: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    refs: [],
  },
  'faster-rcnn': {
    desc: 'A trainable Faster R-CNN in TensorFlow.js, open to teacher-student training.',
    deps: {},
    peers: { '@tensorflow/tfjs-core': TF, '@tensorflow/tfjs-layers': TF },
    refs: ['tensor-ops'],
  },
  losses: {
    desc: 'Detection and distillation losses (Chen et al. 2017) and composable loss stacks.',
    deps: {},
    peers: { '@tensorflow/tfjs-core': TF },
    refs: ['tensor-ops'],
  },
  adaptation: {
    desc: 'Adaptation layers and hint/guided layer pairing for feature distillation.',
    deps: {},
    peers: { '@tensorflow/tfjs-core': TF },
    refs: ['tensor-ops'],
  },
  'data-voc-coco-kitti': {
    desc: 'PASCAL VOC, COCO and KITTI readers, validation, image pipeline and an embedded synthetic detection dataset.',
    deps: {},
    peers: {},
    refs: [],
  },
  eval: {
    desc: 'COCO, PASCAL VOC and KITTI detection metrics, identical to the official tools.',
    deps: {},
    peers: {},
    refs: [],
  },
  cli: {
    desc: 'The `kd` command line: info, train, distill, eval, predict, demo.',
    deps: {},
    peers: {},
    refs: ['tensor-ops', 'eval'],
    bin: true,
  },
};
for (const [name, p] of Object.entries(pkgs)) {
  const dir = `packages/${name}`;
  mkdirSync(`${dir}/src`, { recursive: true });
  const dependencies = { ...p.deps };
  for (const r of p.refs) dependencies[`@kd/${r}`] = 'workspace:^';
  const peerDependencies = { ...p.peers, 'fp-ts': '^2.16.0', 'io-ts': '^2.2.21' };
  const peerDependenciesMeta = Object.fromEntries(
    (p.optionalPeers ?? []).map((k) => [k, { optional: true }]),
  );
  const devDependencies = Object.fromEntries(
    Object.entries(p.peers).filter(([k]) => !(p.optionalPeers ?? []).includes(k)),
  );
  Object.assign(devDependencies, { 'fp-ts': '^2.16.0', 'io-ts': '^2.2.21' });
  const pj = {
    name: `@kd/${name}`,
    version: '0.1.0',
    description: p.desc,
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './package.json': './package.json',
    },
    // Sources ship so that the source maps resolve; tests, benches and test helpers do not
    // (packages/integration-tests/src/packInstall.test.ts checks every tarball).
    files: [
      'dist',
      'src',
      'README.md',
      ...['**/*.test.*', '**/test-util*', 'bench', 'internal/testing.*'].flatMap((g) => [
        `!dist/${g}`,
        `!src/${g}`,
      ]),
      '!dist/.tsbuildinfo',
    ],
    ...(p.bin ? { bin: { kd: './dist/bin.js' } } : {}),
    scripts: {
      build: 'tsc -p tsconfig.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'node --test dist/',
    },
    dependencies,
    peerDependencies,
    ...(Object.keys(peerDependenciesMeta).length ? { peerDependenciesMeta } : {}),
    devDependencies,
    engines: { node: '>=20' },
  };
  if (!existsSync(`${dir}/package.json`))
    writeFileSync(`${dir}/package.json`, JSON.stringify(pj, null, 2) + '\n');
  const ts = {
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
  };
  if (!existsSync(`${dir}/tsconfig.json`))
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify(ts, null, 2) + '\n');
}
