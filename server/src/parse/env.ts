import type { EnvEntry } from '../model/common';
import type { EnvFileModel } from '../model/env';
import { SourceText } from '../model/range';
import { parseDotEnvLine } from '../engine/dotenv';

/** Env file names: `.env`, `.env.production`, `db.env`, and the templates (`.env.example`) too, which rules tell apart. */
export function isEnvFileName(name: string): boolean {
  return /^\.env(?:\..+)?$/.test(name) || /^[^.].*\.env(?:\.(?:example|sample|template|dist|defaults?))?$/i.test(name);
}

/** Env files committed on purpose as a template of the real one. */
export function isEnvTemplateName(name: string): boolean {
  return /(?:^|[._-])(?:example|sample|template|dist|defaults?|tpl|tmpl)(?:[._-]|$)/i.test(name.replace(/^\.env/, ''));
}

/** Reads `KEY=VALUE` lines with the range of each key and value (the value without its quotes). */
export function parseEnvFile(uri: string, text: string): EnvFileModel {
  const source = new SourceText(text);
  const entries: EnvEntry[] = [];
  for (let line = 0; line < source.lineCount; line++) {
    const lineText = source.lineText(line);
    const parsed = parseDotEnvLine(lineText);
    if (!parsed) continue;
    const start = source.lineStart(line);
    const keyAt = lineText.indexOf(parsed.key);
    const eq = lineText.indexOf('=', keyAt + parsed.key.length);
    let from = eq + 1;
    while (from < lineText.length && /[ \t]/.test(lineText[from])) from++;
    let to = lineText.length;
    const quote = lineText[from];
    if (quote === '"' || quote === "'") {
      const close = lineText.indexOf(quote, from + 1);
      from++;
      to = close < 0 ? lineText.length : close;
    } else {
      const comment = lineText.slice(from).search(/\s#/);
      if (comment >= 0) to = from + comment;
      while (to > from && /\s/.test(lineText[to - 1])) to--;
    }
    const value = parsed.entry.value;
    entries.push({
      name: parsed.key,
      nameRange: source.range(start + keyAt, start + keyAt + parsed.key.length),
      value: value ?? lineText.slice(from, to),
      valueRange: source.range(start + from, start + to),
      range: source.range(start, start + lineText.length),
      dynamic: value === undefined,
    });
  }
  return { kind: 'env', uri, source, entries, problems: [] };
}
