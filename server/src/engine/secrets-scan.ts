import type { TokenMatch } from './rule';
import type { SourceText } from '../model/range';

/**
 * secretlint 11 profiles every run and keeps every performance mark and measure for the life of the
 * process (secretlint/secretlint#1633; opt-in since #1673): a long-running language server would grow
 * without bound and each new mark scans all earlier ones. Clear what it kept after every scan.
 */
interface SecretlintProfiler { entries?: unknown[]; measures?: unknown[]; waifForExecutionPromises?: () => Promise<unknown> }
let profiler: Promise<SecretlintProfiler | undefined> | undefined;
export async function drainProfiler(): Promise<void> {
  profiler ??= import('@secretlint/profiler').then((m) => (m as unknown as { secretLintProfiler?: SecretlintProfiler }).secretLintProfiler, () => undefined);
  const p = await profiler;
  // The profiler's PerformanceObserver delivers marks on a later turn of the event loop.
  await new Promise((r) => setImmediate(r));
  if (!p?.entries || !p.waifForExecutionPromises) return;
  await p.waifForExecutionPromises();
  p.entries.length = 0;
  if (p.measures) p.measures.length = 0;
  performance.clearMarks();
  performance.clearMeasures();
}

type LintSource = typeof import('@secretlint/core', { with: { 'resolution-mode': 'import' } }).lintSource;
let loaded: Promise<{ lintSource: LintSource; creator: unknown }> | undefined;

function load() {
  // secretlint is ESM-only; a real dynamic import keeps the CommonJS build working on Node 20.
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')])
    .then(([core, preset]) => ({ lintSource: core.lintSource, creator: preset.creator }));
  return loaded;
}

/**
 * Finds known secret-token formats (AWS, GitHub, Slack, Stripe, npm, private keys, ...) with
 * secretlint's recommended preset. Returns matches with document ranges; values stay in memory only.
 */
export async function scanTokens(text: string, source: SourceText): Promise<TokenMatch[]> {
  if (!text) return [];
  const { lintSource, creator } = await load();
  const result = await lintSource({
    source: { filePath: 'file.txt', content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator as never }] } },
  });
  await drainProfiler();
  return result.messages
    .filter((m) => m.ruleId !== '@secretlint/secretlint-rule-filter-comments')
    .map((m) => ({
      range: source.range(m.range[0], m.range[1]),
      typeName: String((m.data as Record<string, unknown> | undefined)?.typeName ?? m.messageId ?? 'secret token'),
      ruleId: m.ruleId,
      value: text.slice(m.range[0], m.range[1]),
    }));
}
