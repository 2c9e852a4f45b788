/**
 * Glue shared by the example programs and their smoke tests. What is useful beyond the examples
 * (`requirePreset`, `scaleDownRecipe`, `distillAndEvaluate`) lives in @kd/distill.
 */
export { bundledPhotos } from './bundledPhotos.js';
export { type DistillExampleOptions, distillExample } from './distillExample.js';
export { type ExampleFlags, exampleFlags } from './exampleFlags.js';
export { type ExampleRunner, exampleRunner } from './exampleRunner.js';
export { type PaperRecipeOptions, paperRecipe } from './paperRecipe.js';
export { runExample } from './runExample.js';
