import { type RunConfig, studentTransform } from '@kd/distill';

/** The line `--teacher` prints when the teacher's recorded input size replaces the preset's. */
export function teacherSizeLine(own: RunConfig, preset: RunConfig): string {
  const size = (c: RunConfig) => c.distill?.teacherMinSize ?? studentTransform(c).minSize;
  return `teacher ${own.distill!.teacher}: run at ${size(own)} px, the input size its checkpoint was trained at (the preset's teacher: ${size(preset)} px)\n`;
}
