/**
 * The Monaco editor itself, loaded lazily by EditorPane (React.lazy): this module and
 * monaco-setup.ts are the only ones that import Monaco.
 *
 * One model per workspace file (created when first shown), one editor showing the active file.
 * Edits go to the workspace through WorkspaceSync; changes made elsewhere (the shell) come back
 * as undoable edits. Markers: owner `kubectl` holds what EditorPane computes (kubectl's parse and
 * the API server's answer to Apply); monaco-yaml's schema markers (owner `yaml`) are reported
 * back for the Problems list.
 */
import { useEffect, useRef } from 'react';
import { languageOf, WORKSPACE_DIR } from './files';
import { monaco } from './monaco-setup';
import type { Problem, Severity } from './problems';
import { tokenRange } from './problems';
import type { WorkspaceSync } from './workspace-sync';

type Editor = ReturnType<typeof monaco.editor.create>;
type Model = NonNullable<ReturnType<typeof monaco.editor.getModel>>;

export interface RevealRequest {
  file: string;
  startLine: number;
  endLine: number;
}

/** What EditorPane can ask of the editor. */
export interface EditorApi {
  jumpTo(line: number, column: number): void;
  focus(): void;
}

export interface MonacoEditorProps {
  sync: WorkspaceSync;
  active: string | undefined;
  /** kubectl's and the API server's problems for the active file. */
  problems: readonly Problem[];
  /** A document to highlight (the object selected in the graph), or none. */
  reveal: RevealRequest | undefined;
  onTextChange(name: string, text: string): void;
  onCursorLine(name: string, line: number): void;
  onSchemaProblems(name: string, problems: Problem[]): void;
  onApply(): void;
  onReady(api: EditorApi | undefined): void;
}

const uriOf = (name: string) => monaco.Uri.file(`${WORKSPACE_DIR}/${name}`);
const nameOf = (model: Model): string => model.uri.path.slice(WORKSPACE_DIR.length + 1);

const SEVERITY: Record<Severity, number> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

function toMarker(p: Problem) {
  return {
    severity: SEVERITY[p.severity],
    message: p.detail ? `${p.message}\n${p.detail}` : p.message,
    source: p.source === 'server' ? 'API server' : p.source,
    startLineNumber: p.line,
    startColumn: p.column,
    endLineNumber: p.endLine,
    endColumn: p.endColumn,
  };
}

/** monaco-yaml's markers for a model (schema and YAML syntax), as problems. */
function schemaProblems(model: Model): Problem[] {
  const lines = model.getLinesContent();
  return monaco.editor.getModelMarkers({ resource: model.uri, owner: 'yaml' }).map((m) => {
    const severity: Severity =
      m.severity === monaco.MarkerSeverity.Error
        ? 'error'
        : m.severity === monaco.MarkerSeverity.Warning
          ? 'warning'
          : 'info';
    const empty = m.startLineNumber === m.endLineNumber && m.startColumn === m.endColumn;
    return {
      severity,
      // yaml-language-server: `yaml-schema: <schema>` for schema findings, `YAML` for syntax.
      source: m.source?.startsWith('yaml-schema') ? 'schema' : 'yaml',
      message: m.message,
      ...(empty
        ? tokenRange(lines, m.startLineNumber, m.startColumn)
        : {
            line: m.startLineNumber,
            column: m.startColumn,
            endLine: m.endLineNumber,
            endColumn: m.endColumn,
          }),
    };
  });
}

// Monaco's themes with the page's panel colours (app.css `--panel-bg`), so the editor sits in its
// pane without a seam.
monaco.editor.defineTheme('playground-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#ffffff' },
});
monaco.editor.defineTheme('playground-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#161c25', 'editorGutter.background': '#161c25' },
});
const themeName = () =>
  document.documentElement.dataset.theme === 'dark' ? 'playground-dark' : 'playground-light';

export default function MonacoEditor(props: MonacoEditorProps) {
  const { sync, active, problems, reveal } = props;
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Editor | undefined>(undefined);
  const decorations = useRef<ReturnType<Editor['createDecorationsCollection']> | undefined>(
    undefined,
  );
  // The latest callbacks, for listeners registered once.
  const cb = useRef(props);
  useEffect(() => {
    cb.current = props;
  });
  /** Set while the editor applies a change that came from the workspace. */
  const external = useRef(false);
  const viewStates = useRef(new Map<string, ReturnType<Editor['saveViewState']>>());

  // The editor, once.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const states = viewStates.current;
    const editor = monaco.editor.create(el, {
      model: null,
      theme: themeName(),
      automaticLayout: true,
      fontSize: 14,
      lineHeight: 21,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      insertSpaces: true,
      detectIndentation: false,
      renderLineHighlight: 'line',
      fixedOverflowWidgets: true,
      padding: { top: 8 },
      guides: { indentation: true },
      // The classic hidden textarea, not Chromium's EditContext: page-level key handlers (React
      // Flow's Space-to-pan) recognise a textarea as text input and leave its keys alone.
      editContext: false,
      // YAML is written line by line: Enter always starts a new line (typing `kind: Pod⏎` must
      // not just accept the suggestion `Pod`); Tab accepts a suggestion.
      acceptSuggestionOnEnter: 'off',
    });
    editorRef.current = editor;
    decorations.current = editor.createDecorationsCollection();
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => cb.current.onApply());
    // Every model reports its edits to the workspace (models outlive a remount: re-watch them).
    const contentSubs = new Map<Model, { dispose(): void }>();
    const watch = (model: Model): void => {
      if (contentSubs.has(model)) return;
      contentSubs.set(
        model,
        model.onDidChangeContent(() => {
          if (external.current) return;
          const name = nameOf(model);
          const text = model.getValue();
          sync.edit(name, text);
          cb.current.onTextChange(name, text);
        }),
      );
    };
    for (const m of monaco.editor.getModels()) watch(m);
    const disposables = [
      editor.onDidChangeCursorPosition((e) => {
        const model = editor.getModel();
        if (model) cb.current.onCursorLine(nameOf(model), e.position.lineNumber);
      }),
      monaco.editor.onDidChangeMarkers((uris) => {
        const model = editor.getModel();
        if (model && uris.some((u) => u.toString() === model.uri.toString()))
          cb.current.onSchemaProblems(nameOf(model), schemaProblems(model));
      }),
      monaco.editor.onDidCreateModel((model) => watch(model)),
      monaco.editor.onWillDisposeModel((model) => {
        contentSubs.get(model)?.dispose();
        contentSubs.delete(model);
      }),
    ];
    const offExternal = sync.onExternalChange((name, text) => {
      const model = monaco.editor.getModel(uriOf(name));
      if (!model) return;
      if (text === undefined) {
        if (editor.getModel() === model) editor.setModel(null);
        states.delete(name);
        model.dispose();
        return;
      }
      if (model.getValue() !== text) {
        external.current = true;
        try {
          model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
        } finally {
          external.current = false;
        }
      }
      cb.current.onTextChange(name, text);
    });
    // The header's theme switch sets <html data-theme>.
    const themeObserver = new MutationObserver(() => monaco.editor.setTheme(themeName()));
    themeObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    cb.current.onReady({
      jumpTo(line, column) {
        editor.setPosition({ lineNumber: line, column });
        editor.revealPositionInCenterIfOutsideViewport({ lineNumber: line, column });
        editor.focus();
      },
      focus: () => editor.focus(),
    });
    return () => {
      cb.current.onReady(undefined);
      themeObserver.disconnect();
      offExternal();
      for (const d of disposables) d.dispose();
      for (const d of contentSubs.values()) d.dispose();
      const model = editor.getModel();
      if (model) states.set(nameOf(model), editor.saveViewState());
      editor.dispose();
      // The models stay (Monaco's registry outlives the component): a remount finds them.
      editorRef.current = undefined;
    };
  }, [sync]);

  // Show the active file.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const current = editor.getModel();
    if (current && nameOf(current) === active) return;
    if (current) viewStates.current.set(nameOf(current), editor.saveViewState());
    if (active === undefined) {
      editor.setModel(null);
      return;
    }
    const text = sync.read(active);
    if (text === undefined) {
      editor.setModel(null);
      return;
    }
    let model = monaco.editor.getModel(uriOf(active));
    if (!model) model = monaco.editor.createModel(text, languageOf(active), uriOf(active));
    else if (model.getValue() !== text) model.setValue(text);
    editor.setModel(model);
    editor.updateOptions({
      ariaLabel: `${active}: manifest editor. Ctrl+Enter applies the file.`,
    });
    const state = viewStates.current.get(active);
    if (state) editor.restoreViewState(state);
    cb.current.onSchemaProblems(active, schemaProblems(model));
    cb.current.onCursorLine(active, editor.getPosition()?.lineNumber ?? 1);
  }, [active, sync]);

  // kubectl's and the API server's markers.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || nameOf(model) !== active) return;
    monaco.editor.setModelMarkers(model, 'kubectl', problems.map(toMarker));
  }, [problems, active]);

  // The document of the object selected in the graph.
  useEffect(() => {
    const editor = editorRef.current;
    const deco = decorations.current;
    if (!editor || !deco) return;
    if (!reveal || reveal.file !== active) {
      deco.clear();
      return;
    }
    deco.set([
      {
        range: new monaco.Range(reveal.startLine, 1, reveal.endLine, 1),
        options: {
          isWholeLine: true,
          className: 'editor-reveal-line',
          linesDecorationsClassName: 'editor-reveal-gutter',
          overviewRuler: {
            color: 'rgba(50, 108, 229, 0.45)',
            position: monaco.editor.OverviewRulerLane.Center,
          },
        },
      },
    ]);
    editor.revealLinesInCenterIfOutsideViewport(reveal.startLine, reveal.endLine);
  }, [reveal, active]);

  // `nokey`: React Flow ignores key presses inside (its Space-to-pan would eat spaces).
  return <div className="editor-monaco nokey" ref={host} />;
}
