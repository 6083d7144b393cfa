/**
 * The floor under any scan built on this project's parsers: read every file `seaworthy check` reads
 * and parse it with dockerfile-ast or yaml (`parseAllDocuments`, Helm actions masked) — no model, no
 * rule, no output. Bundled by the benchmark like the CLI, so start-up costs are alike.
 */
import * as fs from 'fs';
import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments } from 'yaml';
import { detectKind } from '../server/src/parse/detect';
import { maskTemplates } from '../server/src/parse/yaml';
import { collectFiles } from '../server/src/workspace/files';
import { isValuesFileName } from '../server/src/parse/helm/chart';
import * as path from 'path';

let parsed = 0;
for (const file of collectFiles(process.argv.slice(2)).files) {
  const text = fs.readFileSync(file, 'utf8');
  const kind = detectKind(file, text);
  // A chart's values.yaml is analysed too (its defaults decide the templates' hazards): read it like check does.
  if (!kind && !(isValuesFileName(file) && fs.existsSync(path.join(path.dirname(file), 'Chart.yaml')))) continue;
  if (kind === 'dockerfile') DockerfileParser.parse(text);
  else parseAllDocuments(maskTemplates(text), { merge: true, uniqueKeys: false, strict: false, prettyErrors: false });
  parsed++;
}
process.stdout.write(`${parsed} files parsed\n`);
