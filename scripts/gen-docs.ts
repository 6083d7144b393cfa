/**
 * Generates docs/rules/<id>.md and docs/rules/README.md from the rule modules (metadata and docs live
 * beside each rule's check, as in Ruff). `npm run docs` writes them; a unit test fails when they are stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PeerIds, Rule } from '../server/src/engine/rule';
import { allRules } from '../server/src/rules';
import { setExplanationOf, setOf, setReasonOf } from '../server/src/engine/rule-sets';

const PEER_NAMES: Record<keyof PeerIds, string> = {
  hadolint: 'hadolint', buildkit: 'Docker build checks', kics: 'KICS', checkov: 'Checkov', kubeLinter: 'kube-linter',
  polaris: 'Polaris', trivy: 'Trivy', dclint: 'dclint', kubeScore: 'kube-score',
};
const KIND_NAMES = { dockerfile: 'Dockerfile', compose: 'Docker Compose', kubernetes: 'Kubernetes (and Helm templates)', env: 'Env files (.env)' };

export function ruleDoc(rule: Rule): string {
  const peers = (Object.keys(PEER_NAMES) as (keyof PeerIds)[])
    .filter((k) => rule.peers[k]?.length)
    .map((k) => `| ${PEER_NAMES[k]} | ${rule.peers[k]!.map((id) => `\`${id}\``).join(', ')} |`);
  return [
    `# ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    '| | |',
    '|---|---|',
    `| Category | \`${rule.category}\` |`,
    `| Principle | ${rule.principle} |`,
    `| Rule set | ${setOf(rule)} |`,
    `| Default severity | ${rule.severity} |`,
    `| Quick fix | ${rule.fix === 'none' ? 'none' : rule.fix} |`,
    `| Checks | ${rule.kinds.map((k) => KIND_NAMES[k]).join(', ')} |`,
    '',
    '## Why it matters',
    '',
    rule.docs.why,
    '',
    '## Rule set',
    '',
    `\`${setOf(rule)}\`. ${setExplanationOf(rule).replace(/<id>/g, rule.id)}`,
    '',
    '## Bad',
    '',
    '```' + rule.docs.bad.lang,
    rule.docs.bad.code,
    '```',
    '',
    '## Good',
    '',
    '```' + rule.docs.good.lang,
    rule.docs.good.code,
    '```',
    '',
    ...(rule.docs.notes ? ['## Notes', '', rule.docs.notes, ''] : []),
    '## Equivalent rules in other tools',
    '',
    ...(peers.length ? ['| Tool | Rule |', '|---|---|', ...peers] : ['None: no other tool checks this.']),
    '',
    '## Suppress',
    '',
    '```',
    `# seaworthy-ignore ${rule.id} -- reason`,
    '```',
    '',
  ].join('\n');
}

export function indexDoc(rules: readonly Rule[]): string {
  const rows = [...rules].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id))
    .map((r) => `| [${r.id}](${r.id}.md) | ${r.title} | \`${r.category}\` | ${setOf(r)} | ${r.severity} | ${r.fix} | ${r.kinds.join(', ')} |`);
  const strict = rules.filter((r) => setOf(r) === 'strict').length;
  return [
    '# Rules', '',
    `${rules.length} rules, ${rules.length - strict} in \`recommended\` and ${strict} more in \`strict\`. Generated from the rule modules by \`npm run docs\`.`, '',
    '**Rule sets.** `recommended` is the default in the editor, the CLI and the report: rules that are right on real projects almost every time. `strict` adds policy and taste (image labels, process limits, container names, grace periods, ...) and rules not yet precise enough to run by default. Choose with `extends: strict` in `.seaworthy.yaml`, `--rules strict` on the command line or the editor setting `seaworthy.ruleSet`; a rule given a severity under `rules:` runs whatever the set. Each rule\'s page says why it is in its set; [severity.md](../severity.md) says what the severities mean.', '',
    '| Rule | Title | Category | Set | Severity | Fix | Kinds |', '|---|---|---|---|---|---|---|', ...rows, '',
    '## Why these rules are in `strict`', '',
    '| Rule | Why |', '|---|---|',
    ...[...rules].filter((r) => setOf(r) === 'strict').sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => `| [${r.id}](${r.id}.md) | ${setReasonOf(r).replace(/<id>/g, r.id).replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
}

export function expectedDocs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of allRules) out.set(`${r.id}.md`, ruleDoc(r));
  out.set('README.md', indexDoc(allRules));
  return out;
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', 'docs', 'rules');
  fs.mkdirSync(dir, { recursive: true });
  const docs = expectedDocs();
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.md') && !docs.has(f)) fs.rmSync(path.join(dir, f));
  for (const [name, text] of docs) fs.writeFileSync(path.join(dir, name), text);
  console.log(`wrote ${docs.size} files to docs/rules`);
}
