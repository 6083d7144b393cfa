import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver/node';
import composeSnippets from '../../../snippets/compose.json';
import kubernetesSnippets from '../../../snippets/kubernetes.json';
import type { FileKind } from '../model/common';

interface Snippet { prefix: string | string[]; body: string | string[]; description?: string }

/**
 * The Compose and Kubernetes snippets, offered by the server as completions in the files it recognises
 * (a Compose file, a manifest), not contributed to every YAML file as `contributes.snippets` would
 * (Dockerfile snippets stay contributed: every Dockerfile is ours). snippets/*.json keep VS Code's
 * snippet format, so the same files test and document them.
 */
export const SERVER_SNIPPETS: Readonly<Partial<Record<FileKind, { file: string; snippets: Record<string, Snippet> }>>> = {
  compose: { file: 'snippets/compose.json', snippets: composeSnippets as Record<string, Snippet> },
  kubernetes: { file: 'snippets/kubernetes.json', snippets: kubernetesSnippets as Record<string, Snippet> },
};

/** The snippet as it reads once inserted with its defaults: `${1:api}` → `api`, `$0` → nothing, `\\$` → `$` (one pass, no backtracking). */
export function withDefaults(body: string): string {
  let out = '';
  let open = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) { out += body[++i]; continue; }
    if (c === '$' && body[i + 1] === '{') {
      let j = i + 2;
      while (j < body.length && body[j] >= '0' && body[j] <= '9') j++;
      if (j > i + 2 && body[j] === ':') { open++; i = j; continue; }
    }
    if (c === '$' && body[i + 1] >= '0' && body[i + 1] <= '9') { while (body[i + 1] >= '0' && body[i + 1] <= '9') i++; continue; }
    if (c === '}' && open > 0) { open--; continue; }
    out += c;
  }
  return out;
}

export function snippetCompletions(kind: FileKind | undefined): CompletionItem[] {
  const set = kind && SERVER_SNIPPETS[kind];
  if (!set) return [];
  return Object.entries(set.snippets).map(([name, s], i) => {
    const prefixes = Array.isArray(s.prefix) ? s.prefix : [s.prefix];
    const body = Array.isArray(s.body) ? s.body.join('\n') : s.body;
    return {
      label: prefixes[0],
      kind: CompletionItemKind.Snippet,
      detail: name,
      documentation: { kind: MarkupKind.Markdown, value: `${s.description ?? ''}\n\n\`\`\`yaml\n${withDefaults(body)}\n\`\`\`` },
      filterText: prefixes.join(' '),
      insertText: body,
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `~seaworthy-${String(i).padStart(2, '0')}`,
    };
  });
}
