/**
 * The one-process fix of process-supervisor where a fix would be wrong: the finding stays, no fix is
 * offered. (test/fixtures/fixes/process-supervisor holds the cases where it is offered; a before/after
 * case cannot express "no fix", since each case must apply one.)
 */
import * as assert from 'assert';
import { defaultConfig } from '../../server/src/engine/config';
import { analyze } from './helpers';

async function fixesAt(file: string, text: string): Promise<{ line: number; titles: string[] }[]> {
  const config = defaultConfig();
  const r = await analyze(file, text, config);
  assert.deepStrictEqual(r.ruleErrors, [], 'a rule threw');
  return r.findings.filter((f) => f.ruleId === 'process-supervisor')
    .map((f) => ({ line: f.range.start.line + 1, titles: (f.fix?.() ?? []).map((x) => x.title) }));
}

describe('process-supervisor: no one-process fix where it would be wrong', () => {
  it('Compose: keep-alive left over, supervisor, entrypoint, `exec -a`', async () => {
    const text = [
      'services:',
      '  logs:',
      '    image: shop/logs:1.0.0',
      '    command: sh -c "service rsyslog start && tail -f /var/log/syslog"',
      '  sup:',
      '    image: shop/sup:1.0.0',
      '    command: ["sh", "-c", "service cron start && supervisord -n"]',
      '  entry:',
      '    image: shop/entry:1.0.0',
      '    entrypoint: sh -c "service nginx start && exec node server.js"',
      '  renamed:',
      '    image: shop/renamed:1.0.0',
      '    command: ["sh", "-c", "service nginx start && exec -a web node server.js"]',
      '',
    ].join('\n');
    const got = await fixesAt('/tmp/project/compose.yaml', text);
    // Every line is still reported...
    assert.deepStrictEqual(got.map((g) => g.line).filter((l, i, a) => a.indexOf(l) === i), [4, 7, 10, 13]);
    // ...the first three without a fix; `exec -a` keeps the shell rather than turning exec's options into the app's.
    for (const g of got.filter((x) => x.line !== 13)) assert.deepStrictEqual(g.titles, [], `line ${g.line} offers a fix`);
    assert.deepStrictEqual(got.filter((x) => x.line === 13).flatMap((x) => x.titles), ['Run only `exec -a web node server.js` in this container (run nginx in its own container instead)']);
  });

  it('Kubernetes: positional words after the script, a block scalar with a header comment', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: legacy',
      'spec:',
      '  containers:',
      '    - name: extra',
      '      image: shop/api:1.4.2',
      '      command: ["sh", "-c", "service cron start && exec node server.js", "app"]',
      '    - name: commented',
      '      image: shop/api:1.4.2',
      '      command: ["sh", "-c"]',
      '      args:',
      '        - | # starts cron first',
      '          service cron start',
      '          exec node server.js',
      '',
    ].join('\n');
    const got = await fixesAt('/tmp/project/pod.yaml', text);
    assert.ok(got.some((g) => g.line === 9), 'the extra-argument container is reported');
    assert.ok(got.some((g) => g.line >= 14), 'the block-scalar container is reported');
    for (const g of got) assert.deepStrictEqual(g.titles, [], `line ${g.line} offers a fix`);
  });

  it('the same cases without the obstacle do get the fix (the assertions above can fail)', async () => {
    const compose = await fixesAt('/tmp/project/compose.yaml', 'services:\n  web:\n    image: shop/web:1.0.0\n    command: ["sh", "-c", "service nginx start && exec node server.js"]\n');
    assert.deepStrictEqual(compose.flatMap((g) => g.titles), ['Run only `node server.js` in this container (run nginx in its own container instead)']);
    const kube = await fixesAt('/tmp/project/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: shop/api:1.4.2\n      command: ["sh", "-c"]\n      args:\n        - |\n          service cron start\n          exec node server.js\n');
    assert.deepStrictEqual(kube.flatMap((g) => g.titles), ['Run only `exec node server.js` in this container (run cron in its own container instead)']);
  });
});
