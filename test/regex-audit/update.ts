import * as fs from 'fs';
import { collectRegexes, judge, LiteralSite, VERDICTS_PATH } from './audit';

/**
 * `npm run audit:regex`: judges every regex literal of server/src afresh with recheck and rewrites
 * test/regex-audit/verdicts.json (the safe verdicts, so the unit test need not recheck 500 regexes).
 * Prints anything not safe; the unit test fails on those unless the allow-list gives a reason.
 */
async function main(): Promise<void> {
  const literals = [...new Map(collectRegexes().filter((s): s is LiteralSite => s.kind === 'literal').map((s) => [s.key, s])).values()];
  const verdicts: Record<string, 'safe'> = {};
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < literals.length) {
      const site = literals[next++];
      const v = await judge(site.source, site.flags);
      if (v.status === 'safe') verdicts[site.key] = 'safe';
      else process.stdout.write(`${v.status}: ${site.file}:${site.line} ${site.key} (${v.detail})\n`);
    }
  };
  await Promise.all([worker(), worker()]);
  const sorted = Object.fromEntries(Object.keys(verdicts).sort().map((k) => [k, verdicts[k]]));
  fs.writeFileSync(VERDICTS_PATH, JSON.stringify(sorted, null, 1) + '\n');
  process.stdout.write(`${literals.length} distinct regex literals judged in ${((Date.now() - started) / 1000).toFixed(0)} s; ${Object.keys(sorted).length} safe, written to ${VERDICTS_PATH}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
