// The file-system edge of pretrained initialisation: finds and reads a Keras model's files, offline.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import * as E from 'fp-ts/lib/Either.js';
import { decodeKerasModelJson, type KerasModel, type KerasModelJson } from './kerasModelJson.js';

/** The `pretrained` value that selects the ImageNet MobileNetV2 inside the `nsfwjs` npm package. */
export const NSFWJS_PRETRAINED = 'nsfwjs';

/**
 * nsfwjs ships its model files as browserify bundles (`module.exports = <model.json object>` and
 * `module.exports = "<base64 shard>"`) so that bundlers can import them. They are data: evaluate
 * one in an empty context with only `module`/`exports`, and take what it exports.
 */
function evaluateDataBundle(text: string, file: string): unknown {
  const module = { exports: {} as unknown };
  try {
    runInNewContext(text, { module, exports: module.exports }, { filename: file, timeout: 30_000 });
  } catch (e) {
    throw new Error(`${file}: cannot evaluate the nsfwjs model bundle: ${(e as Error).message}`);
  }
  // Copy the data into this realm: arrays made in the context fail this realm's `instanceof Array`.
  return typeof module.exports === 'string'
    ? module.exports
    : JSON.parse(JSON.stringify(module.exports));
}

/** The installed `nsfwjs` package's folder, from this package or the working directory. */
function nsfwjsRoot(): string {
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    let file: string;
    try {
      // nsfwjs's `exports` map hides package.json; resolve an exported entry and walk up.
      file = createRequire(from).resolve('nsfwjs/models/mobilenet_v2');
    } catch {
      continue;
    }
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
      const pj = join(dir, 'package.json');
      if (
        existsSync(pj) &&
        (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'nsfwjs'
      )
        return dir;
    }
  }
  throw new Error(
    "pretrained 'nsfwjs': the nsfwjs package is not installed. It is an optional peer dependency " +
      'of @kd/faster-rcnn that carries ImageNet MobileNetV2 weights: npm install nsfwjs@4.4.0',
  );
}

function valid(json: E.Either<string, KerasModelJson>): KerasModelJson {
  if (E.isLeft(json)) throw new Error(json.left);
  return json.right;
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out.buffer;
}

async function readNsfwjs(): Promise<KerasModel> {
  const root = nsfwjsRoot();
  const version = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const dir = join(root, 'dist', 'models', 'mobilenet_v2');
  const source = `nsfwjs@${version} ${dir}`;
  const modelFile = join(dir, 'model.min.js');
  if (!existsSync(modelFile))
    throw new Error(`${source}: no ${modelFile} (nsfwjs 4.x ships its MobileNetV2 there)`);
  const json = valid(
    decodeKerasModelJson(
      evaluateDataBundle(await readFile(modelFile, 'utf8'), modelFile),
      modelFile,
    ),
  );
  const shards: Uint8Array[] = [];
  for (const path of json.weightsManifest.flatMap((g) => g.paths)) {
    const file = join(dir, `${path}.min.js`);
    const base64 = evaluateDataBundle(await readFile(file, 'utf8'), file);
    if (typeof base64 !== 'string') throw new Error(`${file}: expected a base64 weight shard`);
    shards.push(Buffer.from(base64, 'base64'));
  }
  return { source, json, weightData: concat(shards) };
}

async function readModelJson(path: string): Promise<KerasModel> {
  const file = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the pretrained model.json: ${(e as Error).message}`);
  }
  const json = valid(decodeKerasModelJson(parsed, file));
  const shards = await Promise.all(
    json.weightsManifest
      .flatMap((g) => g.paths)
      .map((p) => readFile(join(dirname(file), p)).then((b) => new Uint8Array(b))),
  );
  return { source: file, json, weightData: concat(shards) };
}

/**
 * Reads a Keras model offline: `'nsfwjs'` takes the MobileNetV2 of the installed `nsfwjs` package
 * (no network, no nsfwjs code imported); anything else is the path of a TensorFlow.js Layers
 * `model.json` whose weight shards lie beside it.
 */
export function readKerasModel(source: string): Promise<KerasModel> {
  return source === NSFWJS_PRETRAINED ? readNsfwjs() : readModelJson(source);
}
