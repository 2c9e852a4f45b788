/**
 * @kd/cli as a library: what the `kd` commands add over `@kd/distill` (which holds the pipeline,
 * the presets and `distillAndEvaluate`): exporting a detector for deployment, building the native
 * backend, the web demo.
 */

export { type ExportedDetector, exportDetector } from './deploy/exportDetector.js';
export {
  formatSetupNative,
  type SetupNativeOptions,
  type SetupNativeResult,
  setupNative,
} from './native/setupNative.js';
export { type BuildWebDemoOptions, buildWebDemo, type WebDemo } from './web/buildWebDemo.js';
export { serveDirectory } from './web/serveDirectory.js';
