/** A mistake in how the CLI was called: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

/** Splits `--flag value` and `--flag=value` forms; returns the value reader for the current flag. */
export function flagReader(args: string[], i: { at: number }): { flag: string; value: () => string } {
  const a = args[i.at];
  const eq = a.startsWith('--') ? a.indexOf('=') : -1;
  const flag = eq > 0 ? a.slice(0, eq) : a;
  const inline = eq > 0 ? a.slice(eq + 1) : undefined;
  return {
    flag,
    value: () => {
      const v = inline ?? args[++i.at];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    },
  };
}
