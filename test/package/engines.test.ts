/**
 * package.json's engines.node must be a promise `npm ci` keeps: every Node version it admits must be one
 * that every locked package (dependencies and dev dependencies) declares it supports. Otherwise `npm ci`
 * prints EBADENGINE on a Node the project says it supports, and the tool may not work there.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const semver = require('semver') as { subset(sub: string, dom: string): boolean; validRange(r: string): string | null };

const root = path.resolve(__dirname, '..', '..', '..');

interface Locked { version?: string; engines?: { node?: string } | string[]; optional?: boolean }

describe('package.json engines.node', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> };

  it('admits only Node versions every locked package supports', () => {
    const ours = pkg.engines.node;
    assert.ok(semver.validRange(ours), `engines.node ${ours} is not a version range`);
    const unmet: string[] = [];
    let checked = 0;
    for (const [where, p] of Object.entries(lock.packages)) {
      // Optional packages are platform binaries npm skips where they do not fit.
      const node = where && !p.optional && p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      if (!node) continue;
      checked++;
      if (!semver.subset(ours, node)) unmet.push(`${where.replace(/^.*node_modules\//, '')}@${p.version} needs node ${node}`);
    }
    assert.ok(checked > 50, `only ${checked} packages declare engines.node`);
    assert.deepStrictEqual(unmet, [], `engines.node is ${ours}`);
  });
});
