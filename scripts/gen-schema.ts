/**
 * Generates schemas/seaworthy.schema.json (JSON Schema for .seaworthy.yaml) from the validator's key
 * table and the rule modules, so editors complete and check rule ids. `npm run docs` writes it; a unit
 * test fails when it is stale (a rule was added or renamed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_KEYS, LEVELS, PSEUDO_RULE_IDS } from '../server/src/engine/project-config';
import { allRules } from '../server/src/rules';
import { setOf } from '../server/src/engine/rule-sets';

export const SCHEMA_PATH = path.join('schemas', 'seaworthy.schema.json');

export function projectConfigSchema(): Record<string, unknown> {
  const level = { type: 'string', enum: LEVELS };
  const ruleProps: Record<string, unknown> = {};
  for (const r of [...allRules].sort((a, b) => a.id.localeCompare(b.id))) {
    ruleProps[r.id] = { ...level, description: `${r.title} (default: ${r.severity}; rule set ${setOf(r)}).`, markdownDescription: `${r.title} (default: \`${r.severity}\`; rule set \`${setOf(r)}\`). [Docs](https://github.com/seaworthy-dev/seaworthy/blob/main/docs/rules/${r.id}.md)` };
  }
  for (const id of PSEUDO_RULE_IDS) ruleProps[id] = { ...level, description: 'Suppression comments that suppress nothing (default: info).' };
  const properties: Record<string, unknown> = {};
  for (const [key, { description, schema }] of Object.entries(CONFIG_KEYS)) {
    properties[key] = key === 'rules'
      ? { ...schema, description, properties: ruleProps, additionalProperties: false }
      : { ...schema, description };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/seaworthy-dev/seaworthy/blob/main/schemas/seaworthy.schema.json',
    title: 'Seaworthy project configuration (.seaworthy.yaml)',
    description: 'Found by walking up from each analysed file to the workspace or repository root. VS Code settings and CLI flags override it.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

export function schemaText(): string {
  return JSON.stringify(projectConfigSchema(), null, 2) + '\n';
}

if (require.main === module) {
  const file = path.resolve(__dirname, '..', '..', SCHEMA_PATH);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
