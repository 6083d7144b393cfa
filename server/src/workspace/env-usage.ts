/**
 * What an env file's analysis needs from the rest of the project: whether the file is committed and
 * which Compose lines use each of its variables (`${NAME}` in the project's Compose files for `.env`,
 * the `env_file:` entry for a service's env file).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EnvFileModel, EnvUse } from '../model/env';
import { SourceText } from '../model/range';
import { kindFromName } from '../parse/detect';
import { parseCompose } from '../parse/compose';
import { isCommittedEnvFile, ReadText } from './env-files';

export function describeEnvFile(model: EnvFileModel, read: ReadText, committed = isCommittedEnvFile): void {
  if (!path.isAbsolute(model.uri)) return;
  model.committed = committed(model.uri);
  const users = new Map<string, EnvUse[]>();
  const use = (name: string, u: EnvUse) => (users.get(name) ?? users.set(name, []).get(name)!).push(u);
  const names = new Set(model.entries.map((e) => e.name));
  const isDotEnv = path.basename(model.uri) === '.env';
  for (const file of composeFilesNear(path.dirname(model.uri))) {
    const text = read(file);
    if (text === undefined) continue;
    const source = new SourceText(text);
    if (isDotEnv && path.dirname(file) === path.dirname(model.uri)) {
      for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const name = m[1] ?? m[2];
        if (names.has(name) && text[m.index! - 1] !== '$') use(name, { file, range: source.range(m.index!, m.index! + m[0].length), how: `\${${name}}` });
      }
    }
    if (!text.includes('env_file')) continue;
    let compose;
    try { compose = parseCompose(file, text); } catch { continue; }
    for (const s of compose.services) {
      for (const f of s.envFiles) {
        if (f.dynamic || path.resolve(path.dirname(file), f.value) !== model.uri) continue;
        for (const n of names) use(n, { file, range: f.range, how: `env_file of service "${s.name}"` });
      }
    }
  }
  model.users = users;
}

/** Compose files in the env file's folder and the folder above (`env/db.env` beside `../compose.yaml`). */
function composeFilesNear(dir: string): string[] {
  const out: string[] = [];
  for (const d of [dir, path.dirname(dir)]) {
    let names: string[];
    try { names = fs.readdirSync(d); } catch { continue; }
    for (const n of names.sort()) if (kindFromName(n) === 'compose') out.push(path.join(d, n));
  }
  return out;
}
