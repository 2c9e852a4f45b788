import type { TeacherThread, TrunkArrays } from './TeacherThread.js';
import type { PreparedStep } from './trainingBatches.js';

/** A training step's images with its teacher trunk under way on a `TeacherThread`. */
export interface StepWithTeacher {
  readonly prepared: PreparedStep;
  readonly trunk: Promise<TrunkArrays>;
}

/**
 * Hands on `steps` one at a time, each with the teacher's trunk on its teacher images (the
 * student's when the teacher sees the same resolution) started on `thread` one step ahead: when
 * step n is taken, step n + 1's trunk is already running, so it computes while step n trains.
 * Stopping the iteration stops `steps` too; results still under way are dropped. A step's own
 * teacher images (`prepared.teacher`, at the teacher's resolution) are handed to the thread, not
 * copied: they are empty afterwards. The student's images, sent when the teacher shares them, are
 * copied.
 */
export async function* teacherAhead(
  steps: AsyncIterable<PreparedStep>,
  thread: TeacherThread,
): AsyncGenerator<StepWithTeacher> {
  let pending: StepWithTeacher | undefined;
  for await (const prepared of steps) {
    const trunk = prepared.teacher
      ? thread.run(prepared.teacher, { transfer: true })
      : thread.run(prepared.student);
    trunk.catch(() => undefined); // awaited by the consumer; no unhandled rejection meanwhile
    const current = pending;
    pending = { prepared, trunk };
    if (current) yield current;
  }
  if (pending) yield pending;
}
