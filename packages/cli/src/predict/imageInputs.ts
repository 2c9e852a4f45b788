import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
const hasWildcard = (s: string) => /[*?[]/.test(s);

/** A glob of one path component (`*`, `?`, `[abc]`) as an anchored regular expression. */
function componentPattern(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The image files that `kd predict`'s arguments name, in order: a file as given, a folder's PNG
 * and JPEG files (not its subfolders) sorted by name, a glob in the last path component
 * (`imgs/*.jpg`, quoted so the shell leaves it) its matches sorted by name. Throws naming the
 * argument when one matches nothing.
 */
export function imageInputs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (hasWildcard(basename(arg)) && !hasWildcard(dirname(arg))) {
      const dir = dirname(arg);
      const re = componentPattern(basename(arg));
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        throw new Error(`${arg}: no such folder ${dir}`);
      }
      const matched = names
        .filter((n) => re.test(n) && statSync(join(dir, n)).isFile())
        .sort()
        .map((n) => join(dir, n));
      if (matched.length === 0) throw new Error(`${arg}: matches no file`);
      files.push(...matched);
      continue;
    }
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(arg);
    } catch {
      throw new Error(`${arg}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      const matched = readdirSync(arg)
        .filter((n) => isImage(n) && statSync(join(arg, n)).isFile())
        .sort()
        .map((n) => join(arg, n));
      if (matched.length === 0) throw new Error(`${arg}: folder holds no .png, .jpg or .jpeg file`);
      files.push(...matched);
    } else files.push(arg);
  }
  return files;
}

/**
 * The output file name (`<basename>.png`) of each input; inputs sharing a basename get `-2`,
 * `-3`, … in input order so that no output overwrites another.
 */
export function outputNames(files: readonly string[]): string[] {
  const taken = new Set<string>();
  return files.map((file) => {
    const stem = basename(file, extname(file));
    let name = `${stem}.png`;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${stem}-${k}.png`;
    taken.add(name.toLowerCase());
    return name;
  });
}
