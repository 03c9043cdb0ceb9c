/**
 * Vitest setup, before every test file: load what the page loads in the background once it is up
 * (kubectl explain's OpenAPI schema), so tests see the engine as a learner does.
 */
import { loadExplainSchema } from '../src/engine';

await loadExplainSchema();
