// Maintainer tool: copies the part of the evaluation corpus that the unit tests use into
// test/fixtures/corpus/ (same layout as the corpus) and writes its PROVENANCE.md.
//
//   node scripts/copy-test-corpus.mjs [CORPUS]      (default: $SEAWORTHY_CORPUS or ../shared/corpus)
//
// The tests never read the corpus itself: a clone anywhere has everything its tests need. Only the
// evaluation (`npm run eval`) and the benchmark read the full corpus. Files are copied byte for byte;
// their origin (repository, commit, original path, licence, sha256) comes from the corpus's own
// records (real/manifest.json, labeled/kics/*/meta.json). GPL-licensed files are never copied.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.argv[2] ?? process.env.SEAWORTHY_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));
const target = path.join(root, 'test', 'fixtures', 'corpus');

/** What the tests need, and why (each line says which test it feeds). */
const SELECTION = [
  // Every KICS query test input (small, varied, many fixes and config objects) and the query index the
  // eval map is checked against. The answer files stay behind: only the eval reads them.
  { dir: 'labeled/kics', skip: /(^|\/)(expected|meta|positive_expected_result)\.json$/ },
  // Every awesome-compose sample in its original layout (build contexts, .env and secret files resolve):
  // report parity between CLI and server, fixes on real Compose files.
  { dir: 'real/awesome-compose' },
  // Real manifests: Secrets with literal data, volumes, probes; the config-object pre-filter's near misses.
  { dir: 'real/k8s/kubernetes-examples' },
  { dir: 'real/k8s/microservices-demo/kubernetes-manifests' },
  { dir: 'real/dockerfiles/kubernetes-examples' },
  { dir: 'real/dockerfiles/microservices-demo' },
  // A few large official-image Dockerfiles (long RUN chains, a Windows escape character), no GPL ones.
  { files: [
    'real/dockerfiles/official-images/postgres/18/alpine3.23/Dockerfile',
    'real/dockerfiles/official-images/mongo/8.0/Dockerfile',
    'real/dockerfiles/official-images/mongo/8.0/windows/nanoserver-ltsc2022/Dockerfile',
    'real/dockerfiles/official-images/httpd/2.4/alpine/Dockerfile',
    'real/dockerfiles/official-images/elasticsearch/8/Dockerfile',
  ] },
  // Helm templates ({{ }}): every template that defines a Secret or ConfigMap, and a few that do not.
  { dir: 'real/helm/helm-examples-hello-world' },
  { files: [
    'real/helm/bitnami-postgresql/Chart.yaml',
    ...['primary/configmap', 'primary/extended-configmap', 'primary/initialization-configmap', 'primary/metrics-configmap',
      'primary/preinitialization-configmap', 'read/extended-configmap', 'read/metrics-configmap', 'secrets', 'tls-secrets',
      'update-password/new-secret', 'update-password/previous-secret', 'primary/svc', 'primary/pdb', 'serviceaccount',
      'backup/cronjob'].map((t) => `real/helm/bitnami-postgresql/templates/${t}.yaml`),
    'real/helm/microservices-demo/Chart.yaml',
    'real/helm/microservices-demo/values.yaml',
    ...['cartservice', 'opentelemetry-collector', 'common', 'frontend'].map((t) => `real/helm/microservices-demo/templates/${t}.yaml`),
  ] },
];

/** Licence texts shipped beside the files (CC0-1.0 asks for none; MIT and Apache-2.0 do). */
const LICENCE_FILES = {
  'Apache-2.0': { file: 'LICENSES/Apache-2.0.txt', from: '/usr/share/common-licenses/Apache-2.0' },
  MIT: { file: 'LICENSES/MIT-docker-library-postgres.txt', text: 'Copyright (c) 2014-2015, Docker PostgreSQL Authors (See AUTHORS)\n\nPermission is hereby granted, free of charge, to any person\nobtaining a copy of this software and associated documentation\nfiles (the "Software"), to deal in the Software without\nrestriction, including without limitation the rights to use,\ncopy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the\nSoftware is furnished to do so, subject to the following\nconditions:\n\nThe above copyright notice and this permission notice shall be\nincluded in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,\nEXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES\nOF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND\nNONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT\nHOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,\nWHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING\nFROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR\nOTHER DEALINGS IN THE SOFTWARE.\n' },
};

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

if (!fs.existsSync(path.join(corpus, 'real', 'manifest.json'))) {
  console.error(`corpus not found at ${corpus} (pass its folder or set SEAWORTHY_CORPUS)`);
  process.exit(1);
}
const manifest = new Map(JSON.parse(fs.readFileSync(path.join(corpus, 'real', 'manifest.json'), 'utf8')).map((r) => [`real/${r.path}`, r]));

/** repo, commit, original path and licence of one corpus file (relative to the corpus). */
function originOf(rel) {
  if (rel === 'labeled/kics/index.json') return { repo: '(this corpus)', commit: '', path: 'index of the KICS queries, written by the corpus from KICS metadata', license: 'Apache-2.0' };
  if (rel.startsWith('labeled/kics/')) {
    const meta = JSON.parse(fs.readFileSync(path.join(corpus, path.dirname(rel), 'meta.json'), 'utf8'));
    const s = meta.source;
    return { repo: s.repo, commit: s.commit, path: `${s.path}/test/${path.basename(rel)}`, license: s.license };
  }
  const row = manifest.get(rel);
  if (!row) throw new Error(`${rel}: not in real/manifest.json`);
  return { repo: row.repo, commit: row.commit, path: row.sourcePath, license: row.license, sha256: row.sha256 };
}

const picked = new Set();
for (const s of SELECTION) {
  const files = s.dir ? walk(path.join(corpus, s.dir)).map((f) => path.relative(corpus, f).split(path.sep).join('/')) : s.files;
  for (const rel of files) if (!(s.skip && s.skip.test(rel))) picked.add(rel);
}

fs.rmSync(target, { recursive: true, force: true });
const rows = [];
for (const rel of [...picked].sort()) {
  const origin = originOf(rel);
  if (/GPL/i.test(origin.license)) throw new Error(`${rel} is ${origin.license}: GPL files are not copied`);
  if (!LICENCE_FILES[origin.license] && origin.license !== 'CC0-1.0') throw new Error(`${rel}: no licence text for ${origin.license}`);
  const bytes = fs.readFileSync(path.join(corpus, rel));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (origin.sha256 && origin.sha256 !== sha256) throw new Error(`${rel}: sha256 differs from real/manifest.json`);
  fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
  fs.writeFileSync(path.join(target, rel), bytes);
  rows.push({ rel, ...origin, sha256, size: bytes.length });
}
for (const l of Object.values(LICENCE_FILES)) {
  fs.mkdirSync(path.dirname(path.join(target, l.file)), { recursive: true });
  fs.writeFileSync(path.join(target, l.file), l.text ?? fs.readFileSync(l.from));
}

const repos = new Map();
for (const r of rows) {
  const k = `${r.repo}@${r.commit}`;
  if (!repos.has(k)) repos.set(k, { repo: r.repo, commit: r.commit, license: r.license, files: 0, bytes: 0 });
  repos.get(k).files++; repos.get(k).bytes += r.size;
}
const total = rows.reduce((n, r) => n + r.size, 0);
const link = (repo) => (repo.includes('/') ? `[${repo}](https://github.com/${repo})` : repo);
const md = `# Test corpus: provenance and licences

A small part of the evaluation corpus (\`../shared/corpus\`, described in its README.md and SOURCES.md),
copied byte for byte so that the unit tests need nothing outside the repository: the fix property test,
the secret-scan and config-object pre-filter tests, report parity (awesome-compose) and the eval map check.
The full corpus is read only by \`npm run eval\` and \`npm run bench\`.

Written by \`node scripts/copy-test-corpus.mjs\` (the selection and the reason for each part are in that
script); do not edit by hand. test/unit/test-corpus.test.ts checks that every file here is listed below
with its sha256. ${rows.length} files, ${(total / 1024).toFixed(0)} KiB.

Licences: Apache-2.0 (text in \`LICENSES/Apache-2.0.txt\`; none of these repositories ships a NOTICE file
at the listed commit), MIT (\`LICENSES/MIT-docker-library-postgres.txt\`) and CC0-1.0 (docker/awesome-compose,
no conditions). No GPL-licensed file is copied (the corpus's docker-library/mysql and docker-library/wordpress
Dockerfiles stay out). The bitnami templates carry their own copyright header. The \`.env\` and \`password.txt\`
values in awesome-compose are the samples' published placeholders, not live credentials.
\`labeled/kics/index.json\` was written by the corpus from KICS query metadata (Apache-2.0).

## Repositories

| repository | commit | licence | files | bytes |
|---|---|---|---|---|
${[...repos.values()].map((r) => `| ${link(r.repo)} | ${r.commit ? `\`${r.commit}\`` : ''} | ${r.license} | ${r.files} | ${r.bytes} |`).join('\n')}

## Files

Path under test/fixtures/corpus, repository, commit, original path in that repository, licence, sha256.

| file | repository | commit | original path | licence | sha256 |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.rel} | ${r.repo} | ${r.commit.slice(0, 12)} | ${r.path} | ${r.license} | ${r.sha256} |`).join('\n')}
`;
fs.writeFileSync(path.join(target, 'PROVENANCE.md'), md);
console.log(`${rows.length} files, ${total} bytes copied to ${path.relative(root, target)}/ from ${corpus}`);
