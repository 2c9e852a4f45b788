import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { type NativeBuildKey, TF_WHEEL } from './nativeBuildKey.js';

export interface BuildNativeInputs {
  readonly key: NativeBuildKey;
  /** Final cache folder of this build (created by renaming a temporary sibling). */
  readonly dir: string;
  /** Installed `@tensorflow/tfjs-node` package folder (binding sources are copied from it). */
  readonly packageDir: string;
  /** Build log (appended). */
  readonly log: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

// Extracts the two shared libraries and the C API headers the binding includes from the wheel.
const EXTRACT = `import sys, zipfile, shutil, os
z = zipfile.ZipFile(sys.argv[1]); lib, inc = sys.argv[2], sys.argv[3]
libs = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
heads = ["tensorflow/c/", "tensorflow/core/platform/", "tsl/", "xla/tsl/"]
found = set()
for n in z.namelist():
  if n.endswith("/"): continue
  if n.startswith("tensorflow/") and n[len("tensorflow/"):] in libs:
    dest = os.path.join(lib, os.path.basename(n)); found.add(os.path.basename(n))
  elif n.startswith("tensorflow/include/") and any(n[len("tensorflow/include/"):].startswith(h) for h in heads):
    dest = os.path.join(inc, n[len("tensorflow/include/"):])
  else: continue
  os.makedirs(os.path.dirname(dest), exist_ok=True)
  with z.open(n) as src, open(dest, "wb") as out: shutil.copyfileobj(src, out, 1 << 20)
missing = set(libs) - found
if missing: sys.exit("wheel has no " + ", ".join(sorted(missing)))
`;

function which(cmd: string, env: BuildNativeInputs['env']): string | undefined {
  for (const d of (env.PATH ?? '').split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return undefined;
}

/** node-gyp as npm ships it next to this Node, or `KD_NODE_GYP`. */
function findNodeGyp(env: BuildNativeInputs['env'], nodePrefix: string): string | undefined {
  const candidates = [
    env.KD_NODE_GYP,
    join(nodePrefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(nodePrefix, 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

/**
 * What the build needs from the machine, checked before anything is downloaded.
 * @returns Left with the first missing piece, in words.
 */
export function checkBuildTools(
  env: BuildNativeInputs['env'],
): E.Either<string, { nodeGyp: string; nodePrefix: string }> {
  const nodePrefix = dirname(dirname(process.execPath));
  if (!existsSync(join(nodePrefix, 'include/node/node_api.h'))) {
    return E.left(`Node.js headers not found under ${join(nodePrefix, 'include/node')}`);
  }
  const nodeGyp = findNodeGyp(env, nodePrefix);
  if (nodeGyp === undefined)
    return E.left('node-gyp not found (set KD_NODE_GYP to its bin/node-gyp.js)');
  for (const tool of ['python3', 'make', 'g++']) {
    if (which(tool, env) === undefined) return E.left(`${tool} is not on PATH`);
  }
  const pip = spawnSync('python3', ['-m', 'pip', '--version'], {
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  if (pip.status !== 0)
    return E.left('python3 has no pip (needed to fetch the tensorflow-cpu wheel)');
  return E.right({ nodeGyp, nodePrefix });
}

/**
 * Builds `tfjs_binding.node` of `@tensorflow/tfjs-node` against the TensorFlow C library inside
 * the `tensorflow-cpu` wheel (the package's own install downloads libtensorflow from a host that
 * offline machines cannot reach). Everything happens in a temporary sibling of `dir`, renamed into
 * place at the end, so an interrupted build never leaves a half cache entry.
 *
 * Result layout (what the package expects at `lib/` and `deps/`):
 * `dir/lib/napi-v<N>/tfjs_binding.node`, `dir/deps/lib/libtensorflow_{cc,framework}.so.2`.
 *
 * @returns Left with why it failed (details in the log), Right(dir).
 */
export function buildNativeBinding(inputs: BuildNativeInputs): E.Either<string, string> {
  const { key, dir, packageDir, log, env } = inputs;
  const tools = checkBuildTools(env);
  if (E.isLeft(tools)) return tools;
  const { nodeGyp, nodePrefix } = tools.right;
  const partial = `${dir}.partial-${process.pid}`;
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `kd native build ${new Date().toISOString()}\n`);
  const run = (cmd: string, args: string[], cwd?: string): boolean => {
    appendFileSync(log, `\n$ ${cmd} ${args.join(' ')}\n`);
    const r = spawnSync(cmd, args, {
      cwd,
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    appendFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`);
    return r.status === 0;
  };
  try {
    rmSync(partial, { recursive: true, force: true });
    const wheelDir = join(partial, 'wheel');
    const pkg = join(partial, 'pkg');
    const depsLib = join(pkg, 'deps/lib');
    mkdirSync(wheelDir, { recursive: true });
    mkdirSync(depsLib, { recursive: true });
    const spec = `${TF_WHEEL.package}==${key.tfVersion}`;
    if (
      !run('python3', [
        '-m',
        'pip',
        'download',
        spec,
        '--no-deps',
        '--only-binary=:all:',
        '-d',
        wheelDir,
      ])
    ) {
      return E.left(`pip could not download ${spec}`);
    }
    const wheel = readdirSync(wheelDir).find((f) => f.endsWith('.whl'));
    if (wheel === undefined) return E.left(`pip produced no wheel for ${spec}`);
    if (
      !run('python3', ['-c', EXTRACT, join(wheelDir, wheel), depsLib, join(pkg, 'deps/include')])
    ) {
      return E.left(`could not extract the TensorFlow C library from ${wheel}`);
    }
    rmSync(wheelDir, { recursive: true, force: true });
    cpSync(join(packageDir, 'binding.gyp'), join(pkg, 'binding.gyp'));
    cpSync(join(packageDir, 'binding'), join(pkg, 'binding'), { recursive: true });
    // `-ltensorflow -ltensorflow_framework` link against the wheel's libraries; the binding then
    // records their sonames (libtensorflow_cc.so.2, libtensorflow_framework.so.2).
    symlinkSync('libtensorflow_cc.so.2', join(depsLib, 'libtensorflow.so'));
    symlinkSync('libtensorflow_framework.so.2', join(depsLib, 'libtensorflow_framework.so'));
    const modulePath = join(partial, 'lib', `napi-v${key.napi}`);
    const gyp = [
      nodeGyp,
      'rebuild',
      `--nodedir=${nodePrefix}`,
      '--jobs=max',
      '--module_name=tfjs_binding',
      `--module_path=${modulePath}`,
      `--napi_build_version=${key.napi}`,
    ];
    if (!run(process.execPath, gyp, pkg)) return E.left('compiling the binding failed');
    const outLib = join(partial, 'deps/lib');
    mkdirSync(outLib, { recursive: true });
    for (const so of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
      renameSync(join(depsLib, so), join(outLib, so));
    }
    rmSync(pkg, { recursive: true, force: true });
    // debug symbols are ~30 % of the libraries; the build works without strip
    if (which('strip', env) !== undefined) {
      for (const f of [
        join(outLib, 'libtensorflow_cc.so.2'),
        join(outLib, 'libtensorflow_framework.so.2'),
        join(modulePath, 'tfjs_binding.node'),
      ]) {
        run('strip', ['--strip-unneeded', f]);
      }
    }
    writeFileSync(
      join(partial, 'build.json'),
      `${JSON.stringify({ ...key, wheelPackage: TF_WHEEL.package, builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
    renameSync(partial, dir);
    return E.right(dir);
  } catch (err) {
    appendFileSync(log, `\n${err instanceof Error ? err.stack : String(err)}\n`);
    return E.left(err instanceof Error ? err.message : String(err));
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
