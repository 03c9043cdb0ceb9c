import { describe, expect, it } from 'vitest';
import { createCluster } from '../../engine';
import type { CompletionSource } from './completion';
import {
  applyCompletion,
  commonPrefix,
  completionsAt,
  currentCommandWords,
  kindOf,
  SHELL_COMMANDS,
} from './completion';
import type { LineState } from './line-editor';
import { EMPTY_LINE } from './line-editor';

const OBJECTS: Record<string, Record<string, string[]>> = {
  Pod: {
    default: ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt', 'test'],
    'kube-system': ['coredns-7db6d8ff4d-abcde', 'etcd-master', 'kube-proxy-4xk2p'],
  },
  Deployment: { default: ['httpd2'], 'kube-system': ['coredns'] },
  Service: { default: ['kubernetes', 'httpd2-svc'] },
  Node: { '': ['master', 'node1', 'node2'] },
  Namespace: { '': ['default', 'kube-node-lease', 'kube-public', 'kube-system'] },
};

const SOURCE: CompletionSource = {
  commands: SHELL_COMMANDS,
  files: () => ['deployment.yml', 'service.yml', 'test.yml', 'notes.txt'],
  objectNames: (kind, namespace) => {
    const byNs = OBJECTS[kind.kind] ?? {};
    return namespace === undefined ? Object.values(byNs).flat() : (byNs[namespace] ?? []);
  },
};

/** Candidates for the line with the cursor at `‸` (or at the end). */
function candidates(typed: string): string[] {
  const cursor = typed.includes('‸') ? typed.indexOf('‸') : typed.length;
  return completionsAt(typed.replace('‸', ''), cursor, SOURCE).candidates;
}

describe('completionsAt', () => {
  it.each<[string, string, string[]]>([
    ['first word', 'ku', ['kubectl']],
    ['first word, several', 'h', ['head', 'history', 'hostname']],
    ['after a pipe', 'kubectl get pods | gr', ['grep']],
    ['after && and $(', 'echo $(wh', ['whoami']],
    ['kubectl commands', 'kubectl ro', ['rollout']],
    ['kubectl commands, several', 'kubectl c', ['cluster-info', 'config', 'cordon', 'create']],
    ['sub-commands', 'kubectl rollout s', ['status']],
    [
      'config sub-commands',
      'kubectl config ',
      ['current-context', 'get-contexts', 'use-context', 'view'],
    ],
    ['kinds: plurals and short names', 'kubectl get po', ['po', 'pods']],
    ['kinds for deploy', 'kubectl describe dep', ['deploy', 'deployments']],
    ['kinds a command takes', 'kubectl scale ', ['deploy', 'deployments', 'replicasets', 'rs']],
    [
      'object names of the kind typed (default namespace)',
      'kubectl get pods ',
      ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt', 'test'],
    ],
    ['names with a prefix', 'kubectl delete pod te', ['test']],
    ['short name resolves', 'kubectl get deploy ', ['httpd2']],
    ['singular resolves', 'kubectl describe deployment ', ['httpd2']],
    ['-n picks the namespace', 'kubectl -n kube-system get pods e', ['etcd-master']],
    [
      '--namespace= picks the namespace',
      'kubectl get po --namespace=kube-system k',
      ['kube-proxy-4xk2p'],
    ],
    ['-A: every namespace', 'kubectl get pods -A c', ['coredns-7db6d8ff4d-abcde']],
    ['kind/name', 'kubectl rollout status deployment/h', ['deployment/httpd2']],
    [
      'more names after the first',
      'kubectl delete pod test h',
      ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt'],
    ],
    ['nodes for cordon', 'kubectl cordon n', ['node1', 'node2']],
    ['pods for exec', 'kubectl exec -it t', ['test']],
    ['nothing after exec --', 'kubectl exec -it test -- ', []],
    ['pods for logs', 'kubectl logs ht', ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt']],
    [
      'namespaces after -n',
      'kubectl get pods -n kube-',
      ['kube-node-lease', 'kube-public', 'kube-system'],
    ],
    ['manifests after -f', 'kubectl apply -f ', ['deployment.yml', 'service.yml', 'test.yml']],
    ['manifests after --filename=', 'kubectl apply --filename=d', ['--filename=deployment.yml']],
    ['output formats after -o', 'kubectl get pods -o w', ['wide']],
    ['flags of the command', 'kubectl get --sh', ['--show-kind', '--show-labels']],
    ['global flags too', 'kubectl apply --name', ['--namespace']],
    ['flags of a sub-command', 'kubectl rollout undo --to', ['--to-revision']],
    [
      'logs -f is --follow, not a file',
      'kubectl logs -f ',
      ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt', 'test'],
    ],
    ['explain takes kinds, no names', 'kubectl explain pods ', []],
    ['no positional for apply', 'kubectl apply ', []],
    ['create: sub-commands', 'kubectl create d', ['deployment']],
    ['files for cat', 'cat s', ['service.yml']],
    ['files for any other command', 'grep image t', ['test.yml']],
    ['files after a redirection', 'kubectl get pods > n', ['notes.txt']],
    ['nodes for ssh', 'ssh no', ['node1', 'node2']],
    ['completion in the middle of the line', 'kubectl get po‸ -A', ['po', 'pods']],
    ['an unknown kind gives nothing', 'kubectl get widgets ', []],
  ])('%s: %s', (_name, typed, expected) => {
    expect(candidates(typed)).toEqual(expected);
  });

  it('says where the word starts', () => {
    expect(completionsAt('kubectl get po', 14, SOURCE)).toEqual({
      from: 12,
      word: 'po',
      candidates: ['po', 'pods'],
    });
  });
});

describe('currentCommandWords', () => {
  it('splits words, keeps quotes, starts over after control operators', () => {
    expect(currentCommandWords(`echo "a b" | grep 'x y' `, 24).map((w) => w.text)).toEqual([
      'grep',
      "'x y'",
      '',
    ]);
  });
});

describe('kindOf', () => {
  it.each([
    ['pods', 'Pod'],
    ['po', 'Pod'],
    ['Pod', 'Pod'],
    ['deploy', 'Deployment'],
    ['deployments.apps', 'Deployment'],
    ['svc', 'Service'],
  ])('%s → %s', (arg, kind) => {
    expect(kindOf(arg)?.kind).toBe(kind);
  });
});

describe('applyCompletion', () => {
  const at = (buffer: string, cursor = buffer.length): LineState => ({
    ...EMPTY_LINE,
    buffer,
    cursor,
  });

  it('one match completes with a space', () => {
    const r = applyCompletion(
      at('kubectl ro'),
      { from: 8, word: 'ro', candidates: ['rollout'] },
      false,
    );
    expect(r).toEqual({ state: at('kubectl rollout '), bell: false });
  });

  it('a match ending in = gets no space', () => {
    const r = applyCompletion(
      at('kubectl get pods -o json'),
      { from: 20, word: 'json', candidates: ['jsonpath='] },
      false,
    );
    expect(r.state.buffer).toBe('kubectl get pods -o jsonpath=');
  });

  it('keeps the text after the cursor', () => {
    const r = applyCompletion(
      at('kubectl get po -A', 14),
      { from: 12, word: 'po', candidates: ['pods'] },
      false,
    );
    expect(r.state.buffer).toBe('kubectl get pods -A');
    expect(r.state.cursor).toBe(16);
  });

  it('several matches extend to their common prefix', () => {
    const r = applyCompletion(
      at('kubectl logs h'),
      { from: 13, word: 'h', candidates: ['httpd2-5f8d9c6b7d-x2kq9', 'httpd2-5f8d9c6b7d-zz8rt'] },
      false,
    );
    expect(r).toEqual({ state: at('kubectl logs httpd2-5f8d9c6b7d-'), bell: false });
  });

  it('several matches and nothing to add: the bell, then the second Tab lists them', () => {
    const c = { from: 12, word: 'po', candidates: ['po', 'pods'] };
    const s = at('kubectl get po');
    expect(applyCompletion(s, c, false)).toEqual({ state: s, bell: true });
    expect(applyCompletion(s, c, true)).toEqual({ state: s, list: ['po', 'pods'], bell: false });
  });

  it('no match: the bell', () => {
    const s = at('kubectl get widgets ');
    expect(applyCompletion(s, { from: 20, word: '', candidates: [] }, true)).toEqual({
      state: s,
      bell: true,
    });
  });
});

describe('commonPrefix', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['abc'], 'abc'],
    [['deploy', 'deployments'], 'deploy'],
    [['pods', 'services'], ''],
  ])('%j → %s', (xs, p) => {
    expect(commonPrefix(xs)).toBe(p);
  });
});

describe('SHELL_COMMANDS', () => {
  it('every command completion offers is one the shell runs', () => {
    const cluster = createCluster({ seed: 1 });
    const unknown = SHELL_COMMANDS.filter((c) =>
      /command not found/.test(cluster.shell.run(`${c} </dev/null`).stderr),
    );
    expect(unknown).toEqual([]);
    expect(cluster.shell.run('nosuchtool').stderr).toContain('command not found');
  });
});
