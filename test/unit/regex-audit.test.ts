import * as assert from 'assert';
import { ALLOW_LIST_PATH, AllowList, collectRegexes, DynamicSite, judge, LiteralSite, readJson, VERDICTS_PATH } from '../regex-audit/audit';

/**
 * Every regular expression in server/src is free of super-linear backtracking (ReDoS), judged by
 * recheck. Verdicts of unchanged literals come from test/regex-audit/verdicts.json, written by
 * `npm run audit:regex` with the same checker; any literal not in it (new or edited) is judged here,
 * and a few cached ones are judged again on each run as a check on the file.
 */
describe('ReDoS audit of server/src regular expressions (recheck)', function () {
  this.timeout(180000);
  const sites = collectRegexes();
  const literals = [...new Map(sites.filter((s): s is LiteralSite => s.kind === 'literal').map((s) => [s.key, s])).values()];
  const dynamic = sites.filter((s): s is DynamicSite => s.kind === 'dynamic');
  const cached = readJson<Record<string, string>>(VERDICTS_PATH, {});
  const allow = readJson<AllowList>(ALLOW_LIST_PATH, { vulnerable: {}, dynamic: {} });

  it('finds the regexes (the collector works)', () => {
    assert.ok(literals.length > 300, `${literals.length} literals`);
    assert.ok(sites.some((s) => s.kind === 'literal' && s.key === '/^[ \\t]*/' && s.file === 'server/src/engine/ignore-comments.ts'));
  });

  it('judges every literal not in the verdict file safe, unless the allow-list says why it is linear anyway', async () => {
    const failures: string[] = [];
    // Allow-listed ones are not judged again: their reason, not the verdict, is what lets them pass.
    for (const site of literals.filter((s) => cached[s.key] !== 'safe' && !allow.vulnerable[s.key]?.trim())) {
      const v = await judge(site.source, site.flags);
      if (v.status === 'safe') continue;
      failures.push(`${site.file}:${site.line} ${site.key} is ${v.status} (${v.detail})`);
    }
    assert.deepStrictEqual(failures, [], 'rewrite these without ambiguous adjacent or nested quantifiers (see knowledge/text.ts), or list them in test/regex-audit/allow-list.json with the reason their input is short; then `npm run audit:regex`');
  });

  it('agrees with recheck on a rotating sample of cached verdicts (the file is not hand-made)', async () => {
    const keys = Object.keys(cached).filter((k) => literals.some((s) => s.key === k));
    const day = Math.floor(Date.now() / 86400000);
    for (let i = 0; i < 3 && keys.length; i++) {
      const site = literals.find((s) => s.key === keys[(day * 7919 + i * 104729) % keys.length])!;
      const v = await judge(site.source, site.flags);
      // A loaded machine can make recheck time out (unknown); only a vulnerable verdict contradicts the file.
      assert.notStrictEqual(v.status, 'vulnerable', `${site.file}:${site.line} ${site.key}: ${v.detail}`);
    }
  });

  it('keeps the verdict file and the allow-list free of regexes that no longer exist', () => {
    const current = new Set(literals.map((s) => s.key));
    assert.deepStrictEqual(Object.keys(cached).filter((k) => !current.has(k)), [], 'stale verdicts: run `npm run audit:regex`');
    assert.deepStrictEqual(Object.keys(allow.vulnerable).filter((k) => !current.has(k) || cached[k] === 'safe'), [], 'allow-list entries for regexes gone or now judged safe');
    const built = new Set(dynamic.map((s) => s.key));
    assert.deepStrictEqual(Object.keys(allow.dynamic).filter((k) => !built.has(k)), [], 'stale allow-list entries for built regexes');
  });

  it('gives a reason for every regex built at run time (recheck cannot see what it will be)', () => {
    const missing = dynamic.filter((s) => !allow.dynamic[s.key]?.trim()).map((s) => `${s.file}:${s.line} ${s.key}`);
    assert.deepStrictEqual(missing, [], 'add each to test/regex-audit/allow-list.json "dynamic" with what it is built from');
  });
});
