#!/usr/bin/env node
// Runs the built CLI over extracted real projects (scripts/real-projects/extract.sh) and tabulates the findings per
// rule and per repository, for all rules and for the `recommended` set (each rule's metadata `set`, default
// recommended), with the number of deployable units per repository: one per Dockerfile, per Compose service and per
// Kubernetes workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet, ...; Helm templates
// counted by their `kind:` lines). Used for docs/precision.md.
//
// Usage: node scripts/real-projects/measure.mjs [--real DIR] [--from-json DIR] [--save DIR] [--sample N] [repo ...]
//   --real DIR       extracted projects (default /work/wt/real)
//   --from-json DIR  read `<repo>.json` (`seaworthy check --format json` output) instead of running the CLI
//   --save DIR       write each repository's JSON output there
//   --sample N       also print N findings per rule, spread over repositories, for reading (file:line message)
// Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const require = createRequire(import.meta.url);
const { allRules } = require(join(root, 'out', 'server', 'src', 'rules', 'index.js'));
const setOf = new Map(allRules.map((r) => [r.id, r.set ?? 'recommended']));

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); if (i < 0) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const real = opt('--real') ?? '/work/wt/real';
const fromJson = opt('--from-json');
const save = opt('--save');
const sample = Number(opt('--sample') ?? 0);
const repos = args.length ? args : readdirSync(real).filter((n) => statSync(join(real, n)).isDirectory()).sort();

const WORKLOAD = /^kind:\s*["']?(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod|ReplicaSet|ReplicationController|DeploymentConfig|Rollout)["']?\s*$/gm;
const DOCKERFILE = /(^|\/)(Dockerfile[^/]*|Containerfile[^/]*|[^/]*\.dockerfile)$/i;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

function countUnits(dir) {
  const units = { dockerfile: 0, compose: 0, kubernetes: 0 };
  for (const file of walk(dir)) {
    const name = basename(file);
    if (DOCKERFILE.test(file) && !/\.dockerignore$/i.test(name)) { units.dockerfile++; continue; }
    if (!/\.ya?ml$/i.test(name) && !/\.tpl$/i.test(name)) continue;
    const text = readFileSync(file, 'utf8');
    units.kubernetes += (text.match(WORKLOAD) ?? []).length;
    if (!/^services:/m.test(text)) continue;
    try {
      for (const doc of YAML.parseAllDocuments(text)) {
        const services = doc.toJS()?.services;
        if (services && typeof services === 'object' && !Array.isArray(services)) units.compose += Object.keys(services).length;
      }
    } catch { /* not YAML (a template): no Compose services counted */ }
  }
  return units;
}

function findingsOf(repo) {
  if (fromJson) return JSON.parse(readFileSync(join(fromJson, `${repo}.json`), 'utf8')).findings;
  let out;
  try {
    out = execFileSync('node', [join(root, 'bin', 'seaworthy.js'), 'check', '--format', 'json', join(real, repo)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  } catch (e) { out = e.stdout; } // exit code 1 = findings
  if (save) { mkdirSync(save, { recursive: true }); writeFileSync(join(save, `${repo}.json`), out); }
  return JSON.parse(out).findings;
}

const perRule = new Map();
const rows = [];
const byRuleRepo = new Map();
for (const repo of repos) {
  if (fromJson && !existsSync(join(fromJson, `${repo}.json`))) continue;
  const findings = findingsOf(repo);
  const u = countUnits(join(real, repo));
  const unitCount = u.dockerfile + u.compose + u.kubernetes;
  let rec = 0;
  for (const f of findings) {
    const set = setOf.get(f.ruleId) ?? 'recommended';
    if (set === 'recommended') rec++;
    const r = perRule.get(f.ruleId) ?? { all: 0, error: 0, warning: 0, info: 0, repos: new Set(), set };
    r.all++; r[f.severity]++; r.repos.add(repo); perRule.set(f.ruleId, r);
    const key = `${f.ruleId}\t${repo}`;
    if (!byRuleRepo.has(key)) byRuleRepo.set(key, []);
    byRuleRepo.get(key).push(f);
  }
  rows.push({ repo, all: findings.length, rec, ...u, unitCount });
}

console.log('| rule | set | findings | error | warning | info | repos |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const [id, r] of [...perRule].sort((a, b) => b[1].all - a[1].all)) {
  console.log(`| ${id} | ${r.set} | ${r.all} | ${r.error} | ${r.warning} | ${r.info} | ${r.repos.size} |`);
}
console.log('\n| repository | Dockerfiles | Compose services | K8s workloads | units | findings (all) | findings (recommended) | recommended per unit |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const tot = { all: 0, rec: 0, units: 0, d: 0, c: 0, k: 0 };
for (const r of rows) {
  tot.all += r.all; tot.rec += r.rec; tot.units += r.unitCount; tot.d += r.dockerfile; tot.c += r.compose; tot.k += r.kubernetes;
  const per = r.unitCount ? (r.rec / r.unitCount).toFixed(2) : '-';
  console.log(`| ${r.repo} | ${r.dockerfile} | ${r.compose} | ${r.kubernetes} | ${r.unitCount} | ${r.all} | ${r.rec} | ${per} |`);
}
console.log(`| **total** | ${tot.d} | ${tot.c} | ${tot.k} | ${tot.units} | ${tot.all} | ${tot.rec} | ${(tot.rec / tot.units).toFixed(2)} |`);
const means = rows.filter((r) => r.unitCount).map((r) => r.rec / r.unitCount);
console.log(`\nmean of per-repository recommended findings per unit: ${(means.reduce((a, b) => a + b, 0) / means.length).toFixed(2)}`);

if (sample > 0) {
  // Round-robin over repositories so a rule's sample is not one project's repetition.
  for (const id of [...perRule.keys()].sort()) {
    const lists = [...byRuleRepo].filter(([k]) => k.startsWith(`${id}\t`)).map(([, v]) => [...v]);
    const picked = [];
    while (picked.length < sample && lists.some((l) => l.length)) for (const l of lists) if (l.length && picked.length < sample) picked.push(l.shift());
    console.log(`\n## ${id} (${perRule.get(id).all})`);
    for (const f of picked) console.log(`- ${f.severity} ${f.file.replace(/^.*?real\//, '')}:${f.line} ${f.message.slice(0, 220)}`);
  }
}
