import type { DockerfileModel, Instruction } from '../model/dockerfile';
import { substitute } from './interpolation';

/** VOLUME's paths: a JSON array (`VOLUME ["/a", "/b"]`) or whitespace-separated words. */
export function volumePaths(model: DockerfileModel, ins: Instruction, vars: ReadonlyMap<string, string | undefined> = new Map()): string[] {
  let raw = ins.args.map((a) => a.value);
  const text = ins.argsText.split(model.escapeChar + '\r\n').join('').split(model.escapeChar + '\n').join('').trim();
  if (text.startsWith('[')) {
    try { const arr: unknown = JSON.parse(text); if (Array.isArray(arr)) raw = arr.map(String); } catch { /* not JSON: Docker treats it as words too */ }
  }
  return raw.filter((p) => p.trim()).map((p) => substitute(p, vars) ?? p);
}
