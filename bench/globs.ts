import * as path from 'path';
import { isIgnoredBy, parseProjectConfig } from '../server/src/engine/project-config';
import { median, table, timeIt } from './stats';

/**
 * Pathological `.seaworthy.yaml` ignore globs (issue #20): the time to decide whether one file is
 * ignored, for patterns whose cost used to grow exponentially with the path's depth (the old glob →
 * RegExp conversion took 18 s at 16 levels of repeated `**` segments and did not finish at 24). Linear means the
 * per-level column stays flat as the depth grows.
 */
export async function globBench(quick: boolean): Promise<string> {
  const depths = quick ? [24] : [24, 100, 1000];
  const shapes: [string, (n: number) => string][] = [
    ['`**/` × n, then `x`', (n) => `${Array(n).fill('**').join('/')}/x`],
    ['`**/a/` × n, then `x`', (n) => `${Array(n).fill('**/a').join('/')}/x`],
    ['`?*` × n in one name', (n) => `${'?*'.repeat(n)}x`],
  ];
  const rows: (string | number)[][] = [];
  const root = path.resolve('/bench-project');
  for (const [label, pattern] of shapes) {
    for (const n of depths) {
      const loaded = parseProjectConfig(path.join(root, '.seaworthy.yaml'), `ignore: ["${pattern(n)}"]\n`);
      if (loaded.errors.length) throw new Error(loaded.errors[0].message);
      // A path n folders deep that the pattern does not match (the slow case for a backtracking matcher).
      const file = label.includes('one name') ? path.join(root, `${'a'.repeat(n)}y`) : path.join(root, ...Array(n).fill('a'), 'y');
      const times = await timeIt(() => isIgnoredBy(loaded, file), quick ? 1 : 5);
      rows.push([label, n, median(times), (median(times) * 1000) / n]);
    }
  }
  return table(['pattern', 'n', 'ms per file (median)', 'µs per level'], rows);
}
