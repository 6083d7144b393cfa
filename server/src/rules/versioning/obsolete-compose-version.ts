import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'obsolete-compose-version',
  title: 'Obsolete top-level `version:` in a Compose file',
  category: 'versioning',
  principle: 'versioning',
  severity: 'info',
  set: 'strict',
  setReason: 'Style: the key is ignored, not harmful.',
  fix: 'safe',
  peers: { dclint: ['no-version-field'] },
  docs: {
    why: 'The Compose Specification ignores the top-level `version:` key and Docker Compose v2 warns that it is obsolete. Keeping it suggests a schema version the file is not validated against, and hides that features from later Compose releases are in use.',
    bad: { lang: 'yaml', code: 'version: "3.8"\nservices:\n  api:\n    image: shop/api:1.4.2' },
    good: { lang: 'yaml', code: 'services:\n  api:\n    image: shop/api:1.4.2' },
    notes: 'The quick fix deletes the line; Compose behaves the same without it.',
  },
  check: {
    compose(model, ctx) {
      const e = model.root?.entry('version');
      if (!e) return;
      ctx.report({
        range: e.range,
        message: 'The top-level `version:` is obsolete in the Compose Specification and ignored by Docker Compose v2; remove it.',
        fix: () => {
          const { start, end } = e.range;
          if (start.line !== end.line || start.character !== 0) return undefined;
          const src = model.source;
          const to = start.line + 1 < src.lineCount ? src.lineStart(start.line + 1) : src.text.length;
          return { title: 'Remove the obsolete `version:` line', safety: 'safe', edits: [{ range: src.range(src.lineStart(start.line), to), newText: '' }] };
        },
      });
    },
  },
});
