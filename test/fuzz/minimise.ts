/**
 * Shrinks a failing case to a small reproducer (delta debugging): drops lines, then runs of characters,
 * keeping each cut while the case still fails with the same signature. Runs in this process, so it is
 * for crashes and corruptions; a hang is shrunk by hand (shorter runs, timed).
 */
import { splitKeep } from './mutators';
import { signatureOf } from './campaign';
import type { FuzzCase } from './cases';
import type { Failure } from './check-analysis';

export async function minimise(c: FuzzCase, target: Failure, check: (c: FuzzCase) => Promise<Failure[]>, log: (s: string) => void = () => undefined): Promise<string> {
  const want = signatureOf(target);
  const fails = async (text: string) => (await check({ ...c, text })).some((f) => signatureOf(f) === want);
  let text = c.text;
  // Lines first (whole chunks, halving), then characters.
  for (const unit of ['lines', 'chars'] as const) {
    let parts = unit === 'lines' ? splitKeep(text) : [...text];
    for (let size = Math.max(1, parts.length >> 1); size >= 1; size = size === 1 ? 0 : size >> 1) {
      for (let at = 0; at < parts.length;) {
        const candidate = [...parts.slice(0, at), ...parts.slice(at + size)];
        if (candidate.length < parts.length && await fails(candidate.join(''))) { parts = candidate; log(`${unit}: ${parts.length} left`); } else at += size;
      }
      if (size === 1) break;
    }
    text = parts.join('');
  }
  return text;
}
