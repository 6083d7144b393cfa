import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * ReDoS audit of the regular expressions in server/src (all of which may meet user text): every
 * literal and `new RegExp(...)`/`RegExp(...)` is found with the TypeScript parser. Literals are judged
 * by recheck (npm); expressions built at run time cannot be, and each needs a written reason.
 */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const here = path.join(repoRoot, 'test', 'regex-audit');
export const VERDICTS_PATH = path.join(here, 'verdicts.json');
export const ALLOW_LIST_PATH = path.join(here, 'allow-list.json');

export interface LiteralSite { kind: 'literal'; file: string; line: number; source: string; flags: string; key: string }
export interface DynamicSite { kind: 'dynamic'; file: string; line: number; key: string }
export type RegexSite = LiteralSite | DynamicSite;

export interface AllowList {
  /** Literal regexes recheck does not call safe (vulnerable, or unknown after a timeout), by key (`/source/flags`): why they are linear or their input bounded. */
  vulnerable: Record<string, string>;
  /** Regexes built at run time, by `file: expression`: what they are built from and why that is safe. */
  dynamic: Record<string, string>;
}

export function literalKey(source: string, flags: string): string { return `/${source}/${flags}`; }

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

export function collectRegexes(root = path.join(repoRoot, 'server', 'src')): RegexSite[] {
  const sites: RegexSite[] = [];
  for (const file of sourceFiles(root)) {
    const rel = path.relative(repoRoot, file).split(path.sep).join('/');
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sf);
        const slash = text.lastIndexOf('/');
        const source = text.slice(1, slash), flags = text.slice(slash + 1);
        sites.push({ kind: 'literal', file: rel, line: lineOf(node), source, flags, key: literalKey(source, flags) });
      } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
        sites.push({ kind: 'dynamic', file: rel, line: lineOf(node), key: `${rel}: ${node.getText(sf).replace(/\s+/g, ' ')}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sites;
}

export type Status = 'safe' | 'vulnerable' | 'unknown';

/**
 * recheck's verdict, made repeatable: a fixed seed and no time limits on its own analysis (which made
 * verdicts depend on machine load), step limits only. Recall validation runs each attack string in
 * V8 itself (up to 2 s): patterns whose attacks V8 matches in linear time (a leading lookbehind
 * rejects each start at once, which recheck's model does not see) are not reported.
 */
export async function judge(source: string, flags: string): Promise<{ status: Status; detail: string }> {
  const { check } = await import('recheck');
  const d = await check(source, flags, { randomSeed: 42, timeout: null, attackTimeout: null, incubationTimeout: null, seedingTimeout: null, recallTimeout: 2000 });
  const detail = d.status === 'vulnerable' ? `${d.complexity.summary}; attack ${d.attack.pattern}` : d.status === 'unknown' ? `unknown: ${d.error.kind}` : d.complexity.summary;
  return { status: d.status, detail };
}

export function readJson<T>(p: string, fallback: T): T {
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) as T : fallback;
}
