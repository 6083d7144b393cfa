import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { defaultConfig } from '../../server/src/engine/config';
import { reportOf } from '../../server/src/report';
import { buildReport } from '../../server/src/report/build';
import type { AnalysisResult } from '../../server/src/engine/analyze';
import { contentSecurityPolicy, LIGHT_PALETTE, renderHtml } from '../../server/src/report/render/html';
import { renderJson } from '../../server/src/report/render/json';
import { renderMarkdown } from '../../server/src/report/render/markdown';
import { renderSarif } from '../../server/src/report/render/sarif';
import type { Report } from '../../server/src/report/types';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { fixturesDir, repoRoot } from './helpers';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>.yaml';
const HOSTILE_VALUE = '</script><script>alert(2)</script>';

async function reportFor(roots: string[]): Promise<Report> {
  const ix = new WorkspaceIndex({ roots, config: defaultConfig() });
  await ix.scan();
  return reportOf(ix);
}

/** The SARIF 2.1.0 schema vendored under test/fixtures/sarif (see its README for the source). */
function sarifValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(fixturesDir, 'sarif', 'sarif-2.1.0.schema.json'), 'utf8')));
}

describe('report exports', function () {
  this.timeout(60000);
  let hostileDir: string;
  let hostile: Report;
  let linked: Report;
  let examples: Report;
  before(async () => {
    hostileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-xss-'));
    fs.writeFileSync(path.join(hostileDir, HOSTILE_NAME), [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: real-config', '---',
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: "${HOSTILE_VALUE}"`, 'spec:', '  template:', '    spec:', '      containers:',
      '        - name: app', '          image: shop/app:1.0.0', '          envFrom:', '            - configMapRef:', `                name: "${HOSTILE_VALUE}"`, '',
    ].join('\n'));
    hostile = await reportFor([hostileDir]);
    linked = await reportFor([path.join(fixturesDir, 'workspaces', 'linked')]);
    examples = await reportFor([path.join(repoRoot, 'examples')]);
  });
  after(() => fs.rmSync(hostileDir, { recursive: true, force: true }));

  it('the hostile workspace really carries the hostile strings into the report', () => {
    assert.strictEqual(hostile.files[0].file, HOSTILE_NAME);
    assert.ok(hostile.sections.some((s) => s.findings.some((f) => f.message.includes(HOSTILE_VALUE))), 'a message quotes the value');
  });

  for (const mode of ['export', 'webview'] as const) {
    it(`escapes every string from a file in the ${mode} HTML`, () => {
      const html = renderHtml(hostile, { mode, nonce: 'TESTNONCE', cspSource: 'vscode-webview://x' });
      assert.ok(!html.includes('<img'), 'no raw <img> from the file name');
      assert.strictEqual(html.split('</script>').length - 1, 1, 'only our own script closes');
      assert.strictEqual((html.match(/<script/g) ?? []).length, 1, 'only our own script opens');
      assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;.yaml'));
      assert.ok(html.includes('&#60;/script&#62;&#60;script&#62;alert(2)&#60;/script&#62;'));
      // Attribute names only (quoted values removed): a hostile value may mention onerror=, as text.
      const attributeNames = (html.match(/<[a-z][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
      assert.deepStrictEqual(attributeNames.filter((t) => /\son[a-z]+\s*=/i.test(t)), [], 'no inline event handler attribute');
      assert.ok(!/\sstyle\s*=/.test(html), 'no inline style attribute (the CSP forbids them)');
    });

    it(`puts a strict nonce CSP on the ${mode} HTML and the nonce on every script and style`, () => {
      const html = renderHtml(linked, { mode, nonce: 'N0nce+/=', cspSource: 'vscode-webview://x' });
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
      assert.ok(csp, 'CSP meta tag');
      assert.match(csp!, /default-src 'none'/);
      assert.match(csp!, /script-src 'nonce-N0nce\+\/='/);
      assert.ok(!csp!.includes('unsafe-inline') && !csp!.includes('unsafe-eval'));
      for (const tag of html.match(/<(script|style)\b[^>]*>/g) ?? []) assert.match(tag, /nonce="N0nce\+\/="/);
    });
  }

  it('allows the webview its own resources but nothing remote', () => {
    const csp = contentSecurityPolicy({ mode: 'webview', nonce: 'n', cspSource: 'https://*.vscode-cdn.net' });
    assert.match(csp, /style-src 'nonce-n' https:\/\/\*\.vscode-cdn\.net/);
    assert.ok(!/\*(?!\.)/.test(csp.replace('https://*.vscode-cdn.net', '')), 'no wildcard source');
  });

  it('makes findings clickable in the webview only, with their file and range', () => {
    const web = renderHtml(linked, { mode: 'webview', nonce: 'n' });
    assert.match(web, /<button type="button" class="loc" data-open="1" data-line="24" data-col="\d+" data-end-line="24" data-end-col="\d+" data-file="k8s\/deploy.yaml"/);
    assert.match(web, /acquireVsCodeApi/);
    const exp = renderHtml(linked, { mode: 'export', nonce: 'n' });
    assert.ok(!exp.includes('data-open="') && !exp.includes('acquireVsCodeApi'));
  });

  it('escapes Markdown: a file name cannot open HTML or links', () => {
    const md = renderMarkdown(hostile);
    assert.ok(!md.includes('<img'), 'no raw <img>');
    assert.ok(!md.includes('</script>'));
    assert.ok(md.includes('&lt;img src=x onerror=alert\\(1\\)&gt;.yaml'));
  });

  it('JSON has a top-level score and sections with id, title, score, status and findings', () => {
    const data = JSON.parse(renderJson(examples)) as Report;
    assert.ok(Number.isInteger(data.score) && data.score >= 0 && data.score <= 100);
    assert.strictEqual(data.sections.length, 15);
    for (const s of data.sections) {
      for (const k of ['id', 'title', 'score', 'status', 'findings']) assert.ok(k in s, `${s.id}: ${k}`);
      assert.ok(s.score === null ? s.status === 'not-assessed' : ['pass', 'warn', 'fail'].includes(s.status), `${s.id}: ${s.status}`);
    }
  });

  it('a section with no applicable rule is "not assessed" in every export, never 100/pass (as the panel shows it)', () => {
    // A Dockerfile-only project: backups, rollout, disaster recovery and resource planning are checked
    // only in Compose files and manifests.
    const dockerOnly = buildReport({ results: [{ path: '/p/Dockerfile', kind: 'dockerfile', findings: [], suppressed: [], unusedSuppressions: [], problems: [], ruleErrors: [] } as unknown as AnalysisResult], roots: ['/p'] });
    const unassessed = dockerOnly.sections.filter((s) => s.score === null).map((s) => s.id);
    assert.ok(unassessed.includes('disaster-recovery') && unassessed.includes('backups'), `not assessed: ${unassessed}`);
    for (const s of dockerOnly.sections) assert.strictEqual(s.score === null, s.assessed === 0 && s.findings.length === 0, s.id);
    const json = JSON.parse(renderJson(dockerOnly)) as Report;
    const dr = json.sections.find((s) => s.id === 'disaster-recovery')!;
    assert.deepStrictEqual([dr.score, dr.status], [null, 'not-assessed']);
    const md = renderMarkdown(dockerOnly);
    assert.match(md, /^\| Disaster recovery \| not assessed \| not applicable \| 0 \|$/m);
    assert.match(md, /^## Disaster recovery — not assessed/m);
    assert.doesNotMatch(md, /Disaster recovery.*100/);
    for (const mode of ['export', 'webview'] as const) {
      const html = renderHtml(dockerOnly, { mode, nonce: 'n' });
      const block = html.slice(html.indexOf('id="section-disaster-recovery"'), html.indexOf('</details>', html.indexOf('id="section-disaster-recovery"')));
      assert.match(block, /<span class="badge status-not-assessed">Not assessed<\/span> <span class="score">not assessed<\/span>/, mode);
      assert.doesNotMatch(block, />100</, mode);
    }
    const sarif = JSON.parse(renderSarif(dockerOnly)) as { runs: { properties: { sections: { id: string; score: number | null; status: string }[] } }[] };
    assert.deepStrictEqual(sarif.runs[0].properties.sections.find((s) => s.id === 'disaster-recovery'), { id: 'disaster-recovery', title: 'Disaster recovery', score: null, status: 'not-assessed' });
  });

  it('the panel filters by the 15 sections, explains how the overall and section scores relate, and keeps its state (setState/getState)', () => {
    const html = renderHtml(examples, { mode: 'webview', nonce: 'n' });
    const select = html.slice(html.indexOf('<select id="f-section">'), html.indexOf('</select>', html.indexOf('<select id="f-section">')));
    const options = [...select.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
    assert.deepStrictEqual(options, ['', ...examples.sections.map((s) => s.id)]);
    assert.strictEqual(options.length, 16);
    assert.match(html, /How the scores relate: every score is 100 × 20 \/ \(20 \+ penalty per deployable unit\)/);
    assert.match(html, /vscode\.setState\(/);
    assert.match(html, /vscode\.getState\(\)/);
    // Every finding carries its section for the filter.
    const findings = [...html.matchAll(/<li class="finding[^>]*data-section="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(findings.length > 0 && findings.every((id) => examples.sections.some((s) => s.id === id)));
  });

  it('light-theme badge colours meet WCAG AA (4.5:1) on a white background', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a: string, b: string) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
    // The formula against known pairs: black on white 21:1, VS Code's light warning colour 3.1:1.
    assert.strictEqual(Math.round(contrast('#000000', '#ffffff')), 21);
    assert.ok(contrast('#bf8803', '#ffffff') < 4.5);
    for (const [name, colour] of Object.entries(LIGHT_PALETTE)) assert.ok(contrast(colour, '#ffffff') >= 4.5, `${name} ${colour}: ${contrast(colour, '#ffffff').toFixed(2)}:1`);
    const html = renderHtml(examples, { mode: 'webview', nonce: 'n' });
    // VS Code marks light themes on the body: there the palette replaces the theme's badge colours.
    assert.ok(html.includes(`body.vscode-light,body.vscode-high-contrast-light{--err:${LIGHT_PALETTE.err};--warn:${LIGHT_PALETTE.warn};--ok:${LIGHT_PALETTE.ok};--info:${LIGHT_PALETTE.info}`));
  });

  for (const name of ['linked', 'examples', 'hostile'] as const) {
    it(`SARIF of the ${name} workspace validates against the SARIF 2.1.0 schema`, () => {
      const report = { linked, examples, hostile }[name];
      const validate = sarifValidator();
      const log = JSON.parse(renderSarif(report)) as { runs: { results: unknown[]; properties: { score: number } }[] };
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
      assert.strictEqual(results.length, report.sections.reduce((n, s) => n + s.findings.length + s.accepted.length, 0));
      for (const r of results) {
        const loc = r.locations[0].physicalLocation;
        assert.ok(!loc.artifactLocation.uri.startsWith('/') && !loc.artifactLocation.uri.includes('://'), 'relative URIs for code scanning');
        assert.ok(loc.region.startLine >= 1);
      }
      assert.strictEqual(log.runs[0].properties.score, report.score);
    });
  }
});
