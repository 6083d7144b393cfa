/**
 * A scan that analysed nothing is not a pass: a path typo or a wrong folder in CI would otherwise print
 * "No problems" and exit 0 for ever. `--allow-empty` is for pipelines that run on every repository.
 */
export function emptyScanExit(scanned: number, paths: string[], allowEmpty: boolean, err: NodeJS.WritableStream): number | undefined {
  if (scanned > 0) return undefined;
  err.write(`seaworthy: warning: no Dockerfile, Compose file or Kubernetes manifest found in ${paths.join(', ')}${allowEmpty ? '' : ' (exit 2; pass --allow-empty to accept an empty scan)'}\n`);
  return allowEmpty ? undefined : 2;
}
