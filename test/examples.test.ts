/**
 * Every example as a transcript test: each `examples/<dir>/<name>.sh` that has a golden
 * `<name>.transcript.txt` beside it is run against a fresh default cluster (seed 1) with its
 * directory's manifests as the workspace, and compared with the golden. Read the goldens as a
 * Kubernetes user would: every line should be what a real v1.30 cluster prints, modulo pod names,
 * IPs and NodePorts. (walkthrough.test.ts also checks that `npm run sim` prints the same.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/engine';
import { runScript } from '../src/engine/transcript';

const EXAMPLES = join(__dirname, '..', 'examples');

const scripts = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(EXAMPLES, d.name))
      .filter((f) => f.endsWith('.sh'))
      .map((f) => [d.name, f.slice(0, -'.sh'.length)] as const),
  )
  .filter(([dir, name]) => existsSync(join(EXAMPLES, dir, `${name}.transcript.txt`)))
  .sort(([a], [b]) => a.localeCompare(b));

describe('the examples', () => {
  it('each has a script and a golden transcript', () => {
    expect(scripts.map(([dir, name]) => `${dir}/${name}.sh`)).toEqual([
      'externalname/externalname.sh',
      'headless-service/headless.sh',
      'ingress-fanout/fanout.sh',
      'ingress-virtual-hosts/virtual-hosts.sh',
      'walkthrough/walkthrough.sh',
    ]);
  });
});

describe.each(scripts)('examples/%s/%s.sh', (dir, name) => {
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
