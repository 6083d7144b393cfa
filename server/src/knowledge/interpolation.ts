/**
 * Variable and template syntax whose value is decided at deploy time. A value containing any of these
 * is never treated as a literal: `${VAR}`, `$VAR` (Compose, Dockerfile), `$(VAR)` (Kubernetes),
 * and Helm/Go templates, which the Helm reader masks with TEMPLATE_MARK.
 */
export const TEMPLATE_MARK = '\uE000';

const DYNAMIC = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{|\uE000/;

export function isDynamicText(text: string): boolean {
  return DYNAMIC.test(text);
}

/** Substitutes `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` from `vars`; returns undefined if any stays unknown. */
export function substitute(text: string, vars: ReadonlyMap<string, string | undefined>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced, op, word, bare) => {
    const name = braced ?? bare;
    const v = vars.get(name);
    if (op === ':-' || op === '-') return v !== undefined && (op === '-' || v !== '') ? v : word;
    if (v === undefined) { unknown = true; return ''; }
    return v;
  });
  return unknown ? undefined : out;
}
