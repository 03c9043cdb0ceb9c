/**
 * The Editor pane: the workspace files as tabs, Monaco (loaded lazily) on the active one, Apply
 * (`kubectl apply -f FILE` through the shell, echoed to the Terminal), the last Apply's result
 * and the Problems list.
 *
 * What lives here is wiring; the logic is in pure modules: files.ts (names, the command line),
 * problems.ts (parse and apply problems), manifest-map.ts (documents ↔ objects),
 * workspace-sync.ts (debounced write-back).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { parseManifests } from '../../engine';
import type { ParsedManifests } from '../../engine';
import { usePlayground } from '../host/context';
import { useClusterStore } from '../state/cluster-store';
import { useEditorFocus } from '../state/editor-focus';
import { publishToTerminal } from '../state/terminal-feed';
import {
  applyCommand,
  fileNameProblem,
  freeFileName,
  initialActive,
  neighbourAfterRemove,
  WORKSPACE_DIR,
} from './files';
import { locateObject, ownerChain, refsAtLine } from './manifest-map';
import type { EditorApi, RevealRequest } from './MonacoEditor';
import type { ApplyReport, Problem } from './problems';
import {
  analyzeApply,
  combineProblems,
  compareProblems,
  parseProblems,
  resolveIssues,
} from './problems';
import { WorkspaceSync } from './workspace-sync';
import './editor.css';

const MonacoEditor = lazy(() => import('./MonacoEditor'));

/** How long after the last key the Problems list re-reads the file. */
const PARSE_DELAY_MS = 250;

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const APPLY_KEYS = isMac ? '⌘↵' : 'Ctrl+Enter';

interface ApplyState {
  file: string;
  command: string;
  report?: ApplyReport;
}

type Mode = { kind: 'idle' } | { kind: 'new' } | { kind: 'rename' } | { kind: 'delete' };

/** Parse results by text: the same text is parsed once. */
function useParseCache() {
  const cache = useRef(new Map<string, ParsedManifests>());
  return useCallback((text: string): ParsedManifests => {
    let p = cache.current.get(text);
    if (!p) {
      p = parseManifests(text);
      if (cache.current.size > 32) cache.current.clear();
      cache.current.set(text, p);
    }
    return p;
  }, []);
}

export function EditorPane() {
  const host = usePlayground();
  const sync = useMemo(() => new WorkspaceSync(host.cluster.workspace), [host]);
  const parse = useParseCache();
  const [files, setFiles] = useState<string[]>(() => host.cluster.workspace.list());
  const [chosen, setActive] = useState<string | undefined>(() =>
    initialActive(host.cluster.workspace.list()),
  );
  // The active tab must exist: when the shell removes it, show a neighbour.
  const active = chosen !== undefined && files.includes(chosen) ? chosen : initialActive(files);
  /** What was typed in a file, as the Problems list reads it (a moment after typing stops). */
  const [typed, setTyped] = useState<{ file: string; text: string }>();
  /** Bumped on every workspace change, so reads of it are fresh. */
  const [wsVersion, setWsVersion] = useState(0);
  const [applyState, setApplyState] = useState<ApplyState | undefined>();
  const [schema, setSchema] = useState<{ file: string; problems: Problem[] }>();
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [reveal, setReveal] = useState<RevealRequest | undefined>();
  const api = useRef<EditorApi | undefined>(undefined);
  const activeRef = useRef(active);
  useEffect(() => {
    activeRef.current = active;
  }, [active]);

  // Follow the workspace: its file list, and a new workspace after a reset.
  useEffect(() => {
    sync.start();
    let ws = host.cluster.workspace;
    const refresh = () => {
      setFiles(ws.list());
      setWsVersion((v) => v + 1);
    };
    let offWs = ws.subscribe(refresh);
    refresh();
    const offHost = host.subscribe((changes) => {
      if (changes !== undefined || host.cluster.workspace === ws) return;
      offWs();
      ws = host.cluster.workspace;
      sync.rebind(ws);
      offWs = ws.subscribe(refresh);
      refresh();
      setApplyState(undefined);
      setActive(initialActive(ws.list()));
    });
    const flush = () => sync.flush();
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      offHost();
      offWs();
      sync.stop();
    };
  }, [host, sync]);

  // The text the Problems list reads: the active file, re-read a moment after typing stops.
  const parseTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(parseTimer.current), []);
  const onTextChange = useCallback((file: string, t: string) => {
    clearTimeout(parseTimer.current);
    parseTimer.current = setTimeout(() => setTyped({ file, text: t }), PARSE_DELAY_MS);
  }, []);
  const text = useMemo(() => {
    void wsVersion; // the workspace changed: read it again
    if (active === undefined) return '';
    return typed?.file === active ? typed.text : (sync.read(active) ?? '');
  }, [typed, active, sync, wsVersion]);

  const parsed = useMemo(() => parse(text), [parse, text]);
  const markerProblems = useMemo(() => {
    const own = parseProblems(text, parsed);
    const issues = applyState?.file === active ? (applyState?.report?.issues ?? []) : [];
    return [...own, ...resolveIssues(issues, text, parsed)].sort(compareProblems);
  }, [text, parsed, applyState, active]);
  const allProblems = useMemo(() => {
    const fromEditor = schema && schema.file === active ? schema.problems : [];
    return combineProblems(markerProblems, fromEditor, parsed);
  }, [markerProblems, schema, active, parsed]);

  // Cursor → the graph's highlight.
  const parsedRef = useRef(parsed);
  useEffect(() => {
    parsedRef.current = parsed;
  }, [parsed]);
  const onCursorLine = useCallback((name: string, line: number) => {
    if (name !== activeRef.current) return;
    useEditorFocus.getState().setFocused(refsAtLine(parsedRef.current, line), name);
  }, []);
  useEffect(() => {
    if (active === undefined) useEditorFocus.getState().setFocused([], undefined);
  }, [active]);

  // The graph's selection → reveal the document that describes it (or its owner).
  useEffect(
    () =>
      useClusterStore.subscribe((s, prev) => {
        if (s.selected === prev.selected) return;
        if (!s.selected) {
          setReveal(undefined);
          return;
        }
        const chain = ownerChain(s.selected, s.objects);
        const parsedFiles = sync.list().map((name) => ({
          name,
          parsed: parse(sync.read(name) ?? ''),
        }));
        const loc = locateObject(chain, parsedFiles, activeRef.current);
        if (!loc) {
          setReveal(undefined);
          return;
        }
        setActive(loc.file);
        setReveal({
          file: loc.file,
          startLine: loc.document.range.startLine,
          endLine: loc.document.range.endLine,
        });
      }),
    [sync, parse],
  );

  const onSchemaProblems = useCallback((file: string, problems: Problem[]) => {
    setSchema({ file, problems });
  }, []);
  const onReady = useCallback((a: EditorApi | undefined) => {
    api.current = a;
  }, []);

  const apply = useCallback(() => {
    const file = activeRef.current;
    if (file === undefined) return;
    sync.flush(file);
    // On the master, in the workspace directory, whatever the terminal is in (a container
    // session, another node): the command the terminal would run there.
    const command = applyCommand(file, WORKSPACE_DIR);
    const fileText = host.cluster.workspace.read(file) ?? '';
    const result = host.runOnMaster(command);
    const prompt = host.cluster.shell.masterPrompt();
    publishToTerminal({ command, ...result, source: 'editor', prompt });
    const report = analyzeApply(fileText, parse(fileText), result);
    setApplyState({ file, command, report });
    clearTimeout(parseTimer.current);
    setTyped({ file, text: fileText });
  }, [host, sync, parse]);

  const onPaneKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      // Monaco handles its own Ctrl+Enter; this is for the tabs, buttons and problems.
      if ((e.target as HTMLElement).closest('.monaco-editor')) return;
      e.preventDefault();
      apply();
    }
  };

  // ------------------------------------------------------------------ file actions

  const createFile = (name: string) => {
    sync.create(name);
    setActive(name);
    setMode({ kind: 'idle' });
    setTimeout(() => api.current?.focus(), 0);
  };
  const renameFile = (to: string) => {
    if (active === undefined) return;
    if (to !== active) {
      sync.rename(active, to);
      setActive(to);
      if (applyState?.file === active) setApplyState({ ...applyState, file: to });
    }
    setMode({ kind: 'idle' });
  };
  const deleteFile = () => {
    if (active === undefined) return;
    const next = neighbourAfterRemove(files, active);
    sync.remove(active);
    setActive(next);
    setMode({ kind: 'idle' });
  };

  // ------------------------------------------------------------------ tabs

  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  useEffect(() => {
    if (active !== undefined)
      tabRefs.current.get(active)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, files]);
  const onTabKeyDown = (e: ReactKeyboardEvent, i: number) => {
    let j: number | undefined;
    if (e.key === 'ArrowRight') j = (i + 1) % files.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + files.length) % files.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = files.length - 1;
    if (j === undefined) return;
    e.preventDefault();
    const name = files[j]!;
    setActive(name);
    tabRefs.current.get(name)?.focus();
  };

  const errors = allProblems.filter((p) => p.severity === 'error').length;
  const lastApply = applyState?.file === active ? applyState : undefined;

  return (
    <div className="editor-pane" onKeyDown={onPaneKeyDown}>
      <div className="editor-tabs" role="tablist" aria-label="Files">
        {files.map((name, i) => (
          <button
            key={name}
            ref={(el) => {
              if (el) tabRefs.current.set(name, el);
              else tabRefs.current.delete(name);
            }}
            type="button"
            role="tab"
            id={`editor-tab-${name}`}
            aria-selected={name === active}
            aria-controls="editor-tabpanel"
            tabIndex={name === active ? 0 : -1}
            className="editor-tab"
            onClick={() => setActive(name)}
            onKeyDown={(e) => onTabKeyDown(e, i)}
            title={name}
          >
            {name}
          </button>
        ))}
      </div>

      <div className="editor-toolbar" role="toolbar" aria-label="File actions">
        <button type="button" onClick={() => setMode({ kind: 'new' })}>
          <span aria-hidden="true">+</span> New file
        </button>
        <button
          type="button"
          onClick={() => setMode({ kind: 'rename' })}
          disabled={active === undefined}
        >
          Rename
        </button>
        <button
          type="button"
          onClick={() => setMode({ kind: 'delete' })}
          disabled={active === undefined}
        >
          Delete
        </button>
        <span className="editor-toolbar-spacer" />
        <button
          type="button"
          className="editor-apply"
          onClick={apply}
          disabled={active === undefined}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          title={active ? `kubectl apply -f ${active} (${APPLY_KEYS})` : undefined}
        >
          <span aria-hidden="true">▶</span> Apply <kbd aria-hidden="true">{APPLY_KEYS}</kbd>
        </button>
      </div>

      {mode.kind === 'new' && (
        <FileNameForm
          key="new"
          label="New file name"
          submitLabel="Create"
          initial={freeFileName(files)}
          problem={(n) => fileNameProblem(n, files)}
          onSubmit={createFile}
          onCancel={() => setMode({ kind: 'idle' })}
        />
      )}
      {mode.kind === 'rename' && active !== undefined && (
        <FileNameForm
          key={`rename-${active}`}
          label={`Rename ${active} to`}
          submitLabel="Rename"
          initial={active}
          problem={(n) => fileNameProblem(n, files, active)}
          onSubmit={renameFile}
          onCancel={() => setMode({ kind: 'idle' })}
        />
      )}
      {mode.kind === 'delete' && active !== undefined && (
        <ConfirmDelete
          name={active}
          onConfirm={deleteFile}
          onCancel={() => setMode({ kind: 'idle' })}
        />
      )}

      <div
        className="editor-main"
        role="tabpanel"
        id="editor-tabpanel"
        aria-labelledby={active ? `editor-tab-${active}` : undefined}
      >
        {active === undefined ? (
          <p className="editor-empty">
            No files. Press <strong>New file</strong> to write a manifest.
          </p>
        ) : (
          <Suspense
            fallback={
              // The file, plain, until Monaco has loaded (it is a separate, large download).
              <div className="editor-loading">
                <p>Loading editor…</p>
                <pre>{text}</pre>
              </div>
            }
          >
            <MonacoEditor
              sync={sync}
              active={active}
              problems={markerProblems}
              reveal={reveal}
              onTextChange={onTextChange}
              onCursorLine={onCursorLine}
              onSchemaProblems={onSchemaProblems}
              onApply={apply}
              onReady={onReady}
            />
          </Suspense>
        )}
      </div>

      <div
        className={`editor-status${lastApply?.report ? (lastApply.report.ok ? ' ok' : ' failed') : ''}`}
        role="status"
      >
        {lastApply?.report ? (
          <>
            <span className="editor-status-icon" aria-hidden="true">
              {lastApply.report.ok ? '✓' : '✗'}
            </span>
            <span className="editor-status-text" title={lastApply.command}>
              {lastApply.report.ok ? 'Applied: ' : 'Apply failed: '}
              {lastApply.report.summary}
            </span>
          </>
        ) : active !== undefined ? (
          <span className="editor-status-hint">
            Apply runs <code>{applyCommand(active, WORKSPACE_DIR)}</code>
          </span>
        ) : null}
      </div>

      <section className="editor-problems" aria-labelledby="editor-problems-title">
        <h2 id="editor-problems-title">
          Problems{' '}
          <span className={`editor-problem-count${errors > 0 ? ' has-errors' : ''}`}>
            {allProblems.length}
          </span>
        </h2>
        <ul role="list" aria-label="Problems">
          {allProblems.map((p, i) => (
            <li key={`${p.line}:${p.column}:${p.source}:${i}`} className={`problem ${p.severity}`}>
              <button
                type="button"
                onClick={() => api.current?.jumpTo(p.line, p.column)}
                title={p.detail ? `${p.message}\n${p.detail}` : p.message}
              >
                <span className="problem-icon" aria-hidden="true">
                  {p.severity === 'error' ? '⨯' : p.severity === 'warning' ? '!' : 'i'}
                </span>
                <span className="visually-hidden">{p.severity}: </span>
                <span className="problem-message">{p.message}</span>
                <span className="problem-where">
                  {SOURCE_LABEL[p.source]} · Ln {p.line}, Col {p.column}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {allProblems.length === 0 && active !== undefined && (
          <p className="editor-no-problems">No problems in {active}.</p>
        )}
      </section>
    </div>
  );
}

const SOURCE_LABEL: Record<Problem['source'], string> = {
  kubectl: 'kubectl',
  server: 'API server',
  schema: 'schema',
  yaml: 'YAML',
};

function FileNameForm(props: {
  label: string;
  submitLabel: string;
  initial: string;
  problem(name: string): string | undefined;
  onSubmit(name: string): void;
  onCancel(): void;
}) {
  const [value, setValue] = useState(props.initial);
  const [touched, setTouched] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    // Select the name without its extension, as file managers do.
    const dot = el.value.lastIndexOf('.');
    el.setSelectionRange(0, dot > 0 ? dot : el.value.length);
  }, []);
  const name = value.trim();
  const problem = props.problem(name);
  const showProblem = touched && problem !== undefined;
  return (
    <form
      className="editor-form"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (problem === undefined) props.onSubmit(name);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <label>
        <span>{props.label}</span>
        <input
          ref={input}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setTouched(true);
          }}
          aria-invalid={showProblem}
          aria-describedby={showProblem ? 'editor-form-problem' : undefined}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <button type="submit" className="primary">
        {props.submitLabel}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {showProblem && (
        <p id="editor-form-problem" className="editor-form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

function ConfirmDelete(props: { name: string; onConfirm(): void; onCancel(): void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      className="editor-form editor-confirm"
      role="group"
      aria-label="Confirm delete"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <span>
        Delete <strong>{props.name}</strong>? The file goes from the workspace; objects already
        applied stay in the cluster.
      </span>
      <button type="button" className="danger" onClick={props.onConfirm}>
        Delete {props.name}
      </button>
      <button type="button" ref={cancel} onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
