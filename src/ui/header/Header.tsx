import { useEffect, useRef, useState } from 'react';
import { usePlayground } from '../host/context';
import { useGraphStore } from '../graph/graph-store';
import { useClusterStore } from '../state/cluster-store';
import { usePlaygroundSettings } from '../state/playground-settings';
import { publishToTerminal } from '../state/terminal-feed';
import './header.css';

const PROXY_MODES = ['iptables', 'ipvs', 'userspace'] as const;

const SPEEDS = [0.5, 1, 2, 5, 10, 60];
const THEME_KEY = 'k8s-playground/theme';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** hh:mm:ss of the virtual clock (UTC), as `date` in the terminal would show it. */
function clockText(now: number): string {
  const s = Math.floor(now / 1000) % 86_400;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The header: the product's name and the playground-wide controls. */
export function Header() {
  const host = usePlayground();
  const now = useClusterStore((s) => s.now);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [paused, setPaused] = useState(host.paused);
  const [speed, setSpeed] = useState(host.speed);
  const [confirming, setConfirming] = useState(false);
  const help = useRef<HTMLDialogElement>(null);
  const settings = usePlaygroundSettings(host);
  /**
   * The settings controls run the `playground` command on the master, as a learner would type
   * it: the terminal shows it, and the session log replays it after a reload.
   */
  const runSetting = (command: string) => {
    const result = host.runOnMaster(command);
    publishToTerminal({
      command,
      ...result,
      source: 'header',
      prompt: host.cluster.shell.masterPrompt(),
    });
  };

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  return (
    <header className="app-header">
      <h1>
        <span aria-hidden="true" className="logo">
          ⎈
        </span>{' '}
        k8s-playground
      </h1>
      <div className="header-controls">
        <div className="time-controls" role="group" aria-label="Virtual time">
          <span className="clock" aria-label={`Virtual time ${clockText(now)} UTC`}>
            {clockText(now)}
          </span>
          <button
            type="button"
            onClick={() => {
              host.setPaused(!paused);
              setPaused(!paused);
            }}
            aria-pressed={paused}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            onClick={() => host.stepTime(1000)}
            title="Let one virtual second pass"
          >
            Step 1 s
          </button>
          <button
            type="button"
            onClick={() => host.settleSoon()}
            title="Run virtual time fast until the cluster has nothing left to do"
          >
            Settle
          </button>
          <label>
            Speed{' '}
            <select
              value={speed}
              onChange={(e) => {
                const v = Number(e.target.value);
                host.setSpeed(v);
                setSpeed(v);
              }}
            >
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="network-controls" role="group" aria-label="Networking">
          <label>
            Proxy mode{' '}
            <select
              value={settings.proxyMode}
              onChange={(e) => runSetting(`playground proxy-mode ${e.target.value}`)}
            >
              {PROXY_MODES.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input
              type="checkbox"
              checked={settings.cloudLB}
              onChange={(e) => runSetting(`playground cloud-lb ${e.target.checked ? 'on' : 'off'}`)}
            />{' '}
            Cloud LB
          </label>
        </div>
        {confirming ? (
          <div className="confirm" role="group" aria-label="Confirm reset">
            <span>Reset the cluster and the files?</span>
            <button
              type="button"
              className="danger"
              onClick={() => {
                host.reset();
                useGraphStore.getState().resetGraph();
                setConfirming(false);
              }}
            >
              Yes, reset
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Reset
          </button>
        )}
        <button
          type="button"
          onClick={() => setTheme(theme === 'light' ? 'dark' : 'light')}
          aria-label={theme === 'light' ? 'Dark theme' : 'Light theme'}
        >
          {theme === 'light' ? '☾ Dark' : '☀ Light'}
        </button>
        <button type="button" onClick={() => help.current?.showModal()}>
          Help
        </button>
      </div>
      <dialog ref={help} className="help-dialog" aria-labelledby="help-title">
        <h2 id="help-title">How to use the playground</h2>
        <ul>
          <li>
            <strong>Editor</strong>: edit a manifest and press <kbd>Apply</kbd> (or <kbd>Ctrl</kbd>+
            <kbd>Enter</kbd>) — the same as <code>kubectl apply -f FILE</code>.
          </li>
          <li>
            <strong>Cluster graph</strong>: nodes, their pods and the Services in front of them,
            live. Click anything to inspect it.
          </li>
          <li>
            <strong>Terminal</strong>: a root shell on the master. Try{' '}
            <code>kubectl get pods -A</code>, <code>kubectl describe node node1</code>,{' '}
            <code>sleep 30</code> (fast-forwards the cluster),{' '}
            <code>kubectl exec -it POD -- sh</code>, <code>ssh node1</code>.
          </li>
          <li>
            <strong>Inspector</strong>: the selected object&apos;s YAML, events and details.
          </li>
          <li>
            Time is virtual: 1 second per second by default; pause it or speed it up above.{' '}
            <code>window.playground.help()</code> in the browser console lists the scripting API.
          </li>
        </ul>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </header>
  );
}
