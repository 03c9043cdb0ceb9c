// Monaco's editor worker (diffs, links, word-based suggestions), loaded by monaco-setup.ts
// through Vite's `?worker` import.
import 'monaco-editor/editor/editor.worker.js';
