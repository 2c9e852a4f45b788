import type { ParamStore } from '../layers/ParamStore.js';
import type { Backbone } from './Backbone.js';
import { BACKBONE_NAMES, type BackboneSpec, builtinBackbone } from './builtinBackbones.js';

/**
 * Builds a backbone from its spec, creating its weights in `store` under `backbone/…` (so that
 * they are trained, checkpointed and addressable as hint layers like the built-ins').
 */
export type BackboneFactory = (spec: BackboneSpec, store: ParamStore) => Backbone;

// The built-ins are entries like any other: a registered name is accepted everywhere a built-in
// one is (configs, checkpoints, presets).
const factories = new Map<string, BackboneFactory>(BACKBONE_NAMES.map((n) => [n, builtinBackbone]));

/**
 * Makes `name` a backbone that configs may name (`backbone: { name }`). Register before decoding a
 * config or loading a checkpoint that names it. Throws when the name is taken.
 */
export function registerBackbone(name: string, factory: BackboneFactory): void {
  if (factories.has(name)) throw new Error(`registerBackbone: '${name}' is already registered`);
  factories.set(name, factory);
}

/** Every backbone name a config may use: the built-ins, then the registered ones. */
export function backboneNames(): string[] {
  return [...factories.keys()];
}

/** Builds the backbone a spec names, built-in or registered. */
export function createBackbone(spec: BackboneSpec, store: ParamStore): Backbone {
  const factory = factories.get(spec.name);
  if (factory === undefined)
    throw new Error(
      `unknown backbone '${spec.name}': expected one of ${backboneNames().join(', ')} (registerBackbone adds one)`,
    );
  return factory(spec, store);
}
