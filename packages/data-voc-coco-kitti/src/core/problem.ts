/**
 * What a reader does with a fixable annotation problem (a box outside the image, an inverted
 * box, a zero-size box, an unknown class):
 * - `fix`: clip the box to the image and keep it, with a warning (a box that is empty after
 *   clipping cannot be fixed and is skipped);
 * - `skip`: drop the object (or the image, for a broken file) and count it;
 * - `fatal`: stop; the read fails with every problem found so far.
 */
export type ProblemPolicy = 'fix' | 'skip' | 'fatal';

/** What was done about a problem. */
export type ProblemAction = 'fixed' | 'skipped-object' | 'skipped-image' | 'warning' | 'fatal';

/** One validation finding, located precisely. */
export interface Problem {
  /** The file (absolute path) the problem is in. */
  readonly file: string;
  /** The XML element path (`annotation/object[2]/bndbox/xmin`), JSON path (`annotations[3].bbox`) or `line L, column C`. */
  readonly where: string;
  /** What was found and what was expected. */
  readonly message: string;
  readonly fatal: boolean;
  readonly action: ProblemAction;
}

/** Collects problems while a reader runs. */
export class ProblemLog {
  readonly problems: Problem[] = [];
  skippedImages = 0;
  skippedObjects = 0;
  fixedObjects = 0;

  constructor(readonly policy: ProblemPolicy) {}

  /** Records a problem that the policy does not touch (e.g. a missing optional field). */
  warn(file: string, where: string, message: string): void {
    this.problems.push({ file, where, message, fatal: false, action: 'warning' });
  }

  /** Records a problem that makes the read fail whatever the policy. */
  fatal(file: string, where: string, message: string): void {
    this.problems.push({ file, where, message, fatal: true, action: 'fatal' });
  }

  /**
   * Records a problem with one object; returns what to do with it under the policy.
   * `fixable` says whether a fix exists (clipping); without one, `fix` acts as `skip`.
   */
  objectProblem(
    file: string,
    where: string,
    message: string,
    fixable: boolean,
  ): 'fix' | 'skip' | 'fatal' {
    if (this.policy === 'fatal') {
      this.fatal(file, where, message);
      return 'fatal';
    }
    if (this.policy === 'fix' && fixable) {
      this.fixedObjects += 1;
      this.problems.push({
        file,
        where,
        message: `${message}; clipped to the image`,
        fatal: false,
        action: 'fixed',
      });
      return 'fix';
    }
    this.skippedObjects += 1;
    this.problems.push({
      file,
      where,
      message: `${message}; object skipped`,
      fatal: false,
      action: 'skipped-object',
    });
    return 'skip';
  }

  /** Records a problem that invalidates a whole image's annotation: skipped unless the policy is fatal. */
  imageProblem(file: string, where: string, message: string): 'skip' | 'fatal' {
    if (this.policy === 'fatal') {
      this.fatal(file, where, message);
      return 'fatal';
    }
    this.skippedImages += 1;
    this.problems.push({
      file,
      where,
      message: `${message}; image skipped`,
      fatal: false,
      action: 'skipped-image',
    });
    return 'skip';
  }

  get hasFatal(): boolean {
    return this.problems.some((p) => p.fatal);
  }
}
