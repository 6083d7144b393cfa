import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, TextDocumentEdit, CreateFile, WorkspaceEdit } from 'vscode-languageserver/node';
import type { AnalysisResult } from '../engine/analyze';
import { fixesOf, FixSession, GitView, gitView, planPass } from '../engine/apply-fixes';
import { appendConflict, FileChange, planFix } from '../engine/fix';
import { ignoreFileEdit, ignoreLineEdit } from '../engine/ignore-comments';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.seaworthy`;
/** Client command that inserts a fix's snippet (arguments: uri, version, range, snippet text). */
export const SNIPPET_COMMAND = 'seaworthy.applySnippetFix';

export interface OpenDocs { textOf(uri: string): string | undefined; versionOf(uri: string): number | null }

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * Where the document lives: its path on disk, or, for a document that has none (`untitled:`), its URI,
 * which the fix engine uses as a path that names no other file.
 */
interface DocPlace { docPath: string; onDisk: boolean; uriOf(abs: string): string }
function placeOf(uri: string): DocPlace {
  let docPath: string | undefined;
  try { docPath = uri.startsWith('file:') ? fileURLToPath(uri) : undefined; } catch { /* not a local path */ }
  if (docPath === undefined) return { docPath: uri, onDisk: false, uriOf: (abs) => (abs === uri ? uri : pathToFileURL(abs).toString()) };
  return { docPath, onDisk: true, uriOf: (abs) => pathToFileURL(abs).toString() };
}

function readFileFor(docs: OpenDocs, place: DocPlace) {
  return (abs: string) => {
    const open = docs.textOf(place.uriOf(abs));
    if (open !== undefined) return open;
    if (!place.onDisk && abs === place.docPath) return undefined;
    try { return fs.readFileSync(abs, 'utf8'); } catch { return undefined; }
  };
}

/** A fix for a document with no place on disk may edit that document only (a `.env` beside it would land anywhere). */
const UNSAVED_REFUSAL = 'Save the document first: this fix also writes a file beside it.';
function touchesOtherFiles(changes: FileChange[], place: DocPlace): boolean {
  return !place.onDisk && changes.some((c) => c.file !== place.docPath);
}

function toWorkspaceEdit(changes: FileChange[], docs: OpenDocs, place: DocPlace): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const c of changes) {
    const uri = place.uriOf(c.file);
    if (c.create) documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
    documentChanges.push(TextDocumentEdit.create({ uri, version: c.create ? null : docs.versionOf(uri) }, c.edits));
  }
  return { documentChanges };
}

/**
 * What git says, reused for a few seconds: the editor asks for code actions at every cursor move, and each
 * question about a `.env` otherwise spawns git twice.
 */
let recentGit: { view: GitView; at: number } | undefined;
function currentGitView(): GitView {
  const now = Date.now();
  if (!recentGit || now - recentGit.at > 5000) recentGit = { view: gitView(), at: now };
  return recentGit.view;
}

/** Quick fixes for the diagnostics under the cursor, the ignore actions, and the safe fix-all. */
export function codeActions(params: CodeActionParams, result: AnalysisResult | undefined, docs: OpenDocs, git: GitView = currentGitView()): CodeAction[] {
  if (!result?.model) return [];
  const uri = params.textDocument.uri;
  const place = placeOf(uri);
  const docPath = place.docPath;
  const read = readFileFor(docs, place);
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  const actions: CodeAction[] = [];
  const guard = new FixSession(git, read);

  if (wants(CodeActionKind.QuickFix)) {
    for (const diag of params.context.diagnostics) {
      if (diag.source !== 'seaworthy') continue;
      const finding = result.findings.find((f) => f.ruleId === diag.code && sameRange(f.range, diag.range));
      if (!finding) continue;
      fixesOf(finding).forEach((fix, i) => {
        // The same guards as `seaworthy fix`: never a value into a git-tracked file, never a value lost.
        const conflict = appendConflict(fix, docPath, read);
        const guarded = conflict ? undefined : guard.guard(planFix(fix, docPath, read));
        const refused = conflict ?? guarded?.refused ?? (guarded && touchesOtherFiles(guarded.changes, place) ? UNSAVED_REFUSAL : undefined);
        const snippet = !refused && fix.snippet && fix.edits.length === 1 && !fix.edits[0].file && !fix.appends?.length ? fix.edits[0] : undefined;
        actions.push({
          title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag],
          isPreferred: !refused && !fix.snippet && fix.safety === 'safe' && i === 0,
          ...(refused ? { disabled: { reason: refused } }
            // The value is typed in place: the client inserts the snippet (an LSP edit cannot hold tab stops).
            : snippet ? { command: { title: fix.title, command: SNIPPET_COMMAND, arguments: [uri, docs.versionOf(uri), snippet.range, snippet.newText] } }
              : { edit: toWorkspaceEdit(guarded!.changes, docs, place) }),
        });
      });
      const line = ignoreLineEdit(result.model, finding.range, finding.ruleId);
      actions.push({ title: `Ignore ${finding.ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [uri]: [line] } } });
      const file = ignoreFileEdit(result.model, finding.ruleId);
      if (file.newText) actions.push({ title: `Ignore ${finding.ruleId} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [uri]: [file] } } });
    }
  }
  if (wants(FIX_ALL_KIND)) {
    const fixAll = fixAllEdit(result, docPath, read, git, place.onDisk ? undefined : (changes) => !touchesOtherFiles(changes, place));
    if (fixAll.length) actions.push({ title: 'Fix all safe Seaworthy problems', kind: FIX_ALL_KIND, edit: toWorkspaceEdit(fixAll, docs, place) });
  }
  return actions;
}

/**
 * Every safe fix of the file whose edits do not overlap an earlier one (the rest wait for the next pass).
 * Shared with `seaworthy fix` (engine/apply-fixes.ts) so the editor and the CLI fix the same way.
 */
export function fixAllEdit(result: AnalysisResult, docPath: string, read: (abs: string) => string | undefined, git: GitView = currentGitView(),
  /** Which fixes may take part (by their own changes). */
  allowed: (changes: FileChange[]) => boolean = () => true): FileChange[] {
  return new FixSession(git, read).guardPass(planPass(result, docPath, read).chosen.filter((c) => allowed(c.changes))).changes;
}
