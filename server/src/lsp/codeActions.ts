import { fileURLToPath, pathToFileURL } from 'url';
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, Position, TextDocumentEdit, CreateFile, WorkspaceEdit } from 'vscode-languageserver/node';
import type { Fix } from '../engine/rule';
import type { AnalysisResult } from '../engine/analyze';
import { chooseFix, fixesOf, fixRefusal, FixSession, GitView, gitView } from '../engine/apply-fixes';
import { defaultConfig, EngineConfig } from '../engine/config';
import { applyEdits, FileChange, planFix } from '../engine/fix';
import { splitMessage } from './diagnostics';
import { ignoreFileEdit, ignoreLineEdit } from '../engine/ignore-comments';
import { readTextOrUndefined, SIDE_FILE_MAX_BYTES } from '../workspace/safe-read';

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
export interface DocPlace { docPath: string; onDisk: boolean; uriOf(abs: string): string }
export function placeOf(uri: string): DocPlace {
  let docPath: string | undefined;
  try { docPath = uri.startsWith('file:') ? fileURLToPath(uri) : undefined; } catch { /* not a local path */ }
  if (docPath === undefined) return { docPath: uri, onDisk: false, uriOf: (abs) => (abs === uri ? uri : pathToFileURL(abs).toString()) };
  return { docPath, onDisk: true, uriOf: (abs) => pathToFileURL(abs).toString() };
}

export function readFileFor(docs: OpenDocs, place: DocPlace) {
  return (abs: string) => {
    const open = docs.textOf(place.uriOf(abs));
    if (open !== undefined) return open;
    if (!place.onDisk && abs === place.docPath) return undefined;
    return readTextOrUndefined(abs, SIDE_FILE_MAX_BYTES);
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

/** A fix as the editor would apply it, or why it will not: the same guards as `seaworthy fix`. */
function checkFix(fix: Fix, place: DocPlace, read: (abs: string) => string | undefined, guard: FixSession): { guarded?: { changes: FileChange[] }; refused?: string } {
  const conflict = fixRefusal(fix, place.docPath, read);
  const guarded = conflict ? undefined : guard.guard(planFix(fix, place.docPath, read), place.docPath);
  return { guarded, refused: conflict ?? guarded?.refused ?? (guarded && touchesOtherFiles(guarded.changes, place) ? UNSAVED_REFUSAL : undefined) };
}

/**
 * The hover for the findings under the cursor: each message's explanation (the diagnostic shows its
 * first sentence, diagnostics.ts splitMessage), then why a quick fix is refused (the Ctrl+. menu shows
 * refused fixes disabled, with the reason, only where the UI lists disabled actions).
 */
export function hoverNotesAt(result: AnalysisResult | undefined, uri: string, position: Position, docs: OpenDocs, git: GitView = currentGitView()): string | undefined {
  if (!result?.model) return undefined;
  const place = placeOf(uri);
  const read = readFileFor(docs, place);
  const guard = new FixSession(git, read);
  const inside = (r: Diagnostic['range']) => (r.start.line < position.line || (r.start.line === position.line && r.start.character <= position.character))
    && (r.end.line > position.line || (r.end.line === position.line && r.end.character >= position.character));
  const notes: string[] = [];
  for (const finding of result.findings.filter((f) => inside(f.range))) {
    const rest = splitMessage(finding.message).rest;
    if (rest) notes.push(rest);
    for (const fix of fixesOf(finding)) {
      const { refused } = checkFix(fix, place, read, guard);
      if (refused) notes.push(`Quick fix "${fix.title}" is not offered: ${refused}`);
    }
  }
  return notes.length ? notes.join('\n\n') : undefined;
}

/**
 * What git says, reused for a few seconds: the editor asks for code actions at every cursor move, and each
 * question about a `.env` otherwise spawns git twice. In a workspace the user has not trusted, git is not
 * run at all (a repository's config can run programs): fixes that would need it are refused, with why.
 */
let recentGit: { view: GitView; at: number } | undefined;
let workspaceTrusted = true;
export const UNTRUSTED_REFUSAL = 'the workspace is not trusted: Seaworthy does not run git there to check that the file is untracked';
const untrustedGit: GitView = { refuseReason: () => UNTRUSTED_REFUSAL, ignored: () => false };
export function setWorkspaceTrusted(trusted: boolean): void { workspaceTrusted = trusted; recentGit = undefined; }
export function currentGitView(): GitView {
  if (!workspaceTrusted) return untrustedGit;
  const now = Date.now();
  if (!recentGit || now - recentGit.at > 5000) recentGit = { view: gitView(), at: now };
  return recentGit.view;
}

/** What the client's APPLY_FILES_COMMAND and `seaworthy/fixAll` carry: per file its edits, or a new file's content. */
export interface FileEdits { uri: string; create: boolean; text?: string; edits: FileChange['edits'] }
export function filesPayload(changes: FileChange[], place: DocPlace, read: (abs: string) => string | undefined): FileEdits[] {
  return changes.map((c) => {
    const create = c.create && read(c.file) === undefined;
    return { uri: place.uriOf(c.file), create, ...(create ? { text: applyEdits('', c.edits) } : {}), edits: create ? [] : c.edits };
  });
}

/** Client commands the code actions name (client/src/extension.ts, ruleDocs.ts). */
export const FIX_ALL_COMMAND = 'seaworthy.fixAll';
export const APPLY_FILES_COMMAND = 'seaworthy.applyFix';
export const FIX_ALL_APPLIED_COMMAND = 'seaworthy.fixAllApplied';
export const RULE_DOC_COMMAND = 'seaworthy.showRuleDoc';
export const FIX_ALL_TITLE = 'Fix all safe Seaworthy problems';

/** A suppression comment inserted by a quick fix: its reason is a tab stop the user types over. */
function suppressionSnippet(newText: string): string | undefined {
  const m = / -- reason(\r?\n)$/.exec(newText);
  if (!m) return undefined;
  const escape = (t: string) => t.replace(/[$}\\]/g, (c) => `\\${c}`);
  return `${escape(newText.slice(0, m.index))} -- \${1:reason}${m[1]}`;
}

/**
 * Quick fixes for the diagnostics under the cursor, the ignore actions, and the safe fix-all.
 * `clientCommands`: the client implements Seaworthy's commands (the VS Code extension says so in its
 * initializationOptions). Other LSP clients (Neovim, Helix, Emacs, …) get every fix as a plain workspace
 * edit, which any client applies, and no entry that only a Seaworthy command could carry out.
 */
export async function codeActions(params: CodeActionParams, result: AnalysisResult | undefined, docs: OpenDocs, git: GitView = currentGitView(), config: EngineConfig = defaultConfig(), clientCommands = true): Promise<CodeAction[]> {
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
    const documented = new Set<string>();
    for (const diag of params.context.diagnostics) {
      if (diag.source !== 'seaworthy') continue;
      const finding = result.findings.find((f) => f.ruleId === diag.code && sameRange(f.range, diag.range));
      if (!finding) continue;
      fixesOf(finding).forEach((fix, i) => {
        // The same guards as `seaworthy fix`: never a value into a git-tracked file, never a value lost.
        const { guarded, refused } = checkFix(fix, place, read, guard);
        const snippet = clientCommands && !refused && fix.snippet && fix.edits.length === 1 && !fix.edits[0].file && !fix.appends?.length ? fix.edits[0] : undefined;
        actions.push({
          title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag],
          isPreferred: !refused && !fix.snippet && fix.safety === 'safe' && i === 0,
          ...(refused ? { disabled: { reason: refused } }
            // The value is typed in place: the client inserts the snippet (an LSP edit cannot hold tab stops).
            : snippet ? { command: { title: fix.title, command: SNIPPET_COMMAND, arguments: [uri, docs.versionOf(uri), snippet.range, snippet.newText] } }
              // A fix that writes beside the document goes through the client (one undo step, no save: client/src/fixAll.ts).
              : clientCommands && guarded!.changes.some((c) => c.file !== docPath) ? { command: { title: fix.title, command: APPLY_FILES_COMMAND, arguments: [uri, docs.versionOf(uri), filesPayload(guarded!.changes, place, read), fix.title] } }
                : { edit: toWorkspaceEdit(guarded!.changes, docs, place) }),
        });
      });
      const version = docs.versionOf(uri);
      const ignore = (title: string, edit: { range: Diagnostic['range']; newText: string }): CodeAction => {
        const snippet = clientCommands ? suppressionSnippet(edit.newText) : undefined;
        return snippet
          ? { title, kind: CodeActionKind.QuickFix, diagnostics: [diag], command: { title, command: SNIPPET_COMMAND, arguments: [uri, version, edit.range, snippet] } }
          : { title, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit: { changes: { [uri]: [edit] } } };
      };
      actions.push(ignore(`Ignore ${finding.ruleId} for this line`, ignoreLineEdit(result.model, finding.range, finding.ruleId)));
      const file = ignoreFileEdit(result.model, finding.ruleId);
      if (file.newText) actions.push(ignore(`Ignore ${finding.ruleId} for this file`, file));
      documented.add(finding.ruleId);
    }
    // Once per rule under the cursor, and one fix-all entry for the file (computed when picked: a fixed
    // point re-analyses the file several times, too much for every cursor move).
    for (const ruleId of clientCommands ? documented : []) {
      const title = `Show documentation for ${ruleId}`;
      actions.push({ title, kind: CodeActionKind.QuickFix, command: { title, command: RULE_DOC_COMMAND, arguments: [ruleId] } });
    }
    if (clientCommands && documented.size && result.findings.some((f) => chooseFix(f, false))) {
      actions.push({ title: FIX_ALL_TITLE, kind: CodeActionKind.QuickFix, command: { title: FIX_ALL_TITLE, command: FIX_ALL_COMMAND, arguments: [uri] } });
    }
  }
  // Only when asked for by kind (on save, "Fix All", the command): not on every cursor move.
  if (only?.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(k + '.'))) {
    const fixAll = await fixAllEdit(result, docPath, read, git, config);
    // A document with no file gets no fix-all that would write beside it.
    if (fixAll.applied && !touchesOtherFiles(fixAll.changes, place)) {
      const ownOnly = fixAll.changes.every((c) => c.file === docPath);
      if (!clientCommands) {
        actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit: toWorkspaceEdit(fixAll.changes, docs, place) });
        return actions;
      }
      // Side files go through the client's command (one undo step, nothing saved behind the user's back:
      // client/src/fixAll.ts); edits of the document alone stay a plain edit, which on-save can apply.
      actions.push(ownOnly
        ? { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, edit: toWorkspaceEdit(fixAll.changes, docs, place), command: { title: FIX_ALL_TITLE, command: FIX_ALL_APPLIED_COMMAND, arguments: [fixAll.applied] } }
        : { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, command: { title: FIX_ALL_TITLE, command: FIX_ALL_COMMAND, arguments: [uri] } });
    }
  }
  return actions;
}

export interface FixAllChanges { changes: FileChange[]; applied: number; titles: string[]; refused: { title: string; reason: string }[] }

/**
 * Every safe fix of the file, to a fixed point, as `seaworthy fix` applies them (FixSession.fixFile:
 * checked passes until nothing more applies; a fix that leaves its problem, breaks the syntax or causes a
 * more serious problem is refused). The document gets one edit (the differing middle of its text), each
 * side file one edit or, when new, its whole content.
 */
export async function fixAllEdit(result: AnalysisResult, docPath: string, read: (abs: string) => string | undefined, git: GitView = currentGitView(), config: EngineConfig = defaultConfig()): Promise<FixAllChanges> {
  if (!result.model) return { changes: [], applied: 0, titles: [], refused: [] };
  const session = new FixSession(git, read);
  const run = await session.fixFile(docPath, config, { unsafe: false, first: result });
  const changes: FileChange[] = [];
  for (const c of session.changed()) {
    changes.push({ file: c.file, edits: [wholeEdit(c.before ?? '', c.after)], create: c.before === undefined });
  }
  // The document first: a reader of the edit sees the file being fixed, then what was written beside it.
  changes.sort((a, b) => Number(b.file === docPath) - Number(a.file === docPath));
  return { changes, applied: run.applied.length, titles: run.applied.map((a) => a.title), refused: run.refused.map((r) => ({ title: r.title, reason: r.reason })) };
}

/** One edit turning `before` into `after`: the differing middle (positions counted as applyEdits counts them). */
function wholeEdit(before: string, after: string): FileChange['edits'][number] {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q]) q++;
  const pos = (off: number) => { const head = before.slice(0, off); const nl = head.lastIndexOf('\n'); return { line: head.split('\n').length - 1, character: off - nl - 1 }; };
  return { range: { start: pos(p), end: pos(before.length - q) }, newText: after.slice(p, after.length - q) };
}
