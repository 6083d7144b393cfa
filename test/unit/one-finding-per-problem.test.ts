import * as assert from 'assert';
import { defaultConfig } from '../../server/src/engine/config';
import { analyze } from './helpers';

const strict = { ...defaultConfig(), ruleSet: 'strict' as const };

describe('one finding per problem', () => {
  it('unpinned-package: one finding per install command, naming each unpinned package', async () => {
    const r = await analyze('/p/Dockerfile', 'FROM python:3.12.2-slim\nRUN pip install --no-cache-dir flask gunicorn==21.2.0 \\\n    requests celery\nRUN npm install -g pm2\n');
    const found = r.findings.filter((f) => f.ruleId === 'unpinned-package');
    assert.strictEqual(found.length, 2, found.map((f) => f.message).join('\n'));
    const [pip, npm] = found;
    assert.strictEqual(pip.range.start.line, 1);
    assert.match(pip.message, /^`pip install` installs "flask", "requests" and "celery" without fixed versions/);
    assert.doesNotMatch(pip.message, /gunicorn/);
    assert.deepStrictEqual(pip.related?.map((x) => [x.range.start.line, x.message]), [[2, '"requests" is not pinned either'], [2, '"celery" is not pinned either']]);
    assert.strictEqual(pip.severity, 'warning');
    assert.match(npm.message, /installs "pm2" without a fixed version/);
    assert.strictEqual(npm.related, undefined);
  });

  it('unpinned-package: installer upgrades alone are info, with a real package the command is a warning', async () => {
    const r = await analyze('/p/Dockerfile', 'FROM python:3.12.2-slim\nRUN pip install --upgrade pip setuptools\nRUN pip install --upgrade pip flask\n');
    assert.deepStrictEqual(r.findings.filter((f) => f.ruleId === 'unpinned-package').map((f) => [f.range.start.line, f.severity]), [[1, 'info'], [2, 'warning']]);
  });

  it('unpinned-package: a long list is cut short in the message', async () => {
    const r = await analyze('/p/Dockerfile', 'FROM debian:12.5-slim\nRUN apt-get install -y a1 a2 a3 a4 a5 a6 a7 a8\n');
    const [f] = r.findings.filter((x) => x.ruleId === 'unpinned-package');
    assert.match(f.message, /installs "a1", "a2", "a3", "a4", "a5", "a6" and 2 more packages without fixed versions/);
    assert.strictEqual(f.related?.length, 7);
  });

  it('Compose resources: one finding for a service with neither a memory nor a process limit, whose fix adds both', async () => {
    const text = 'services:\n  api:\n    image: shop/api:1.4.2\n  worker:\n    image: shop/worker:1.4.2\n    mem_limit: 256m\n  search:\n    image: shop/search:1.4.2\n    pids_limit: 1024\n';
    const r = await analyze('/p/compose.yaml', text, strict);
    const resources = r.findings.filter((f) => f.ruleId === 'missing-resource-limits' || f.ruleId === 'missing-pids-limit').map((f) => `${f.ruleId}@${f.range.start.line}`);
    assert.deepStrictEqual(resources, ['missing-resource-limits@1', 'missing-pids-limit@3', 'missing-resource-limits@6']);
    const api = r.findings.find((f) => f.ruleId === 'missing-resource-limits' && f.range.start.line === 1)!;
    assert.match(api.message, /no memory limit and no process limit/);
    const fix = api.fix!()[0];
    assert.strictEqual(fix.title, 'Add a memory limit and a process limit to "api"');
    assert.deepStrictEqual(fix.edits.map((e) => e.newText.trim().split('\n').map((l) => l.trim())), [['deploy:', 'resources:', 'limits:', 'memory: 512M', 'pids: 512']]);
    const search = r.findings.find((f) => f.ruleId === 'missing-resource-limits' && f.range.start.line === 6)!;
    assert.doesNotMatch(search.message, /process limit/);
    assert.strictEqual(search.fix!()[0].title, 'Add a memory limit to "search"');
  });
});
