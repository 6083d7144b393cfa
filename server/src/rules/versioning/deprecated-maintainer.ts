import { defineRule } from '../../engine/rule';
import { trimEndOf } from '../../knowledge/text';

/**
 * A double-quoted LABEL value holding `text` literally. MAINTAINER takes its text as written, but LABEL
 * expands `$VAR` and unescapes quotes: `"`, `$` and the escape character get the file's escape character.
 */
function labelValue(text: string, esc: string): string {
  return `"${[...text].map((ch) => (ch === '"' || ch === '$' || ch === esc ? esc + ch : ch)).join('')}"`;
}

export default defineRule({
  id: 'deprecated-maintainer',
  title: 'Deprecated MAINTAINER instruction',
  category: 'versioning',
  principle: 'versioning',
  severity: 'info',
  fix: 'safe',
  peers: { hadolint: ['DL4000'], buildkit: ['MaintainerDeprecated'], kics: ['maintainer_instruction_being_used'], trivy: ['DS-0022'] },
  docs: {
    why: '`MAINTAINER` has been deprecated since Docker 1.13: registries and tools read image metadata from labels. The OCI label `org.opencontainers.image.authors` carries the same information where scanners, SBOM tools and registries look for it.',
    bad: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nMAINTAINER Shop Team <shop@example.com>' },
    good: { lang: 'dockerfile', code: 'FROM node:20.11-alpine\nLABEL org.opencontainers.image.authors="Shop Team <shop@example.com>"' },
    notes: 'The quick fix rewrites the instruction as the equivalent LABEL; the image metadata keeps the same text.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of model.instructions) {
        if (ins.keyword !== 'MAINTAINER') continue;
        const esc = model.escapeChar;
        // Split at each line continuation, then trim around it: `[ \t]*` before the escape, tried from every blank of a long run, was quadratic.
        const lines = ins.argsText.split(esc === '\\' ? /\\\r?\n/ : /`\r?\n/);
        const who = lines.map((l, i) => { const start = i > 0 ? l.trimStart() : l; return i < lines.length - 1 ? trimEndOf(start, ' \t') : start; }).join(' ').trim();
        ctx.report({
          range: ins.range,
          message: 'MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors instead.',
          fix: () => ({ title: 'Replace MAINTAINER with LABEL org.opencontainers.image.authors', safety: 'safe', edits: [{ range: ins.range, newText: `LABEL org.opencontainers.image.authors=${labelValue(who, esc)}` }] }),
        });
      }
    },
  },
});
