/**
 * Golden output: the DNS examples as transcript tests (examples/externalname and
 * examples/headless-service, each script run against a fresh default cluster with its
 * directory's manifests as the workspace). Read the goldens as a Kubernetes user would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../cluster';
import { runScript } from '../../transcript';
import './tools';
import '../trace/tools';
import '../netfilter/tools';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');

describe.each([
  ['externalname', 'externalname'],
  ['headless-service', 'headless'],
])('examples/%s', (dir, name) => {
  it('prints the golden transcript', async () => {
    const path = join(EXAMPLES, dir);
    const files = Object.fromEntries(
      readdirSync(path)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => [f, readFileSync(join(path, f), 'utf8')]),
    );
    const script = readFileSync(join(path, `${name}.sh`), 'utf8');
    const cluster = createCluster({ seed: 1, files });
    const transcript = runScript(cluster.shell, script) + '\n';
    await expect(transcript).toMatchFileSnapshot(join(path, `${name}.transcript.txt`));
  });
});
