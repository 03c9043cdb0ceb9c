// The YAML language worker (monaco-yaml: validation, completion, hover), loaded by monaco-setup.ts
// through Vite's `?worker` import.
import 'monaco-yaml/yaml.worker.js';
